//! Test root for the collections builtins (objects, arrays, sets, types,
//! encoding): `scripts/zig test zig/test_collections.zig`. The families are
//! also exported so that an external driver (a differential test against
//! `opa eval`) can import this file as a module.
pub const objects = @import("builtins/objects.zig");
pub const arrays = @import("builtins/arrays.zig");
pub const sets = @import("builtins/sets.zig");
pub const types = @import("builtins/types.zig");
pub const encoding = @import("builtins/encoding.zig");
pub const builtin = @import("builtins/builtin.zig");
pub const value = @import("value/mod.zig");

test {
    _ = objects;
    _ = arrays;
    _ = sets;
    _ = types;
    _ = encoding;
}
