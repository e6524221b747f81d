//! Builtins of the time family (see builtin.zig for the interface).
const builtin = @import("builtin.zig");

pub const builtins: []const builtin.Builtin = &.{};
