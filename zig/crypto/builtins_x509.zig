//! Builtins of the crypto family that parse X.509 certificates and keys
//! (registered through builtins/crypto.zig).
const builtin = @import("../builtins/builtin.zig");

pub const builtins: []const builtin.Builtin = &.{};
