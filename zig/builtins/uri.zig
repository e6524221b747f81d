//! Builtins of the uri family (see builtin.zig for the interface).
const builtin = @import("builtin.zig");

pub const builtins: []const builtin.Builtin = &.{};
