//! The value module: the value model, OPA numbers, OPA's total order and the
//! JSON codec. `scripts/zig test zig/value/mod.zig` runs every test.
const std = @import("std");

pub const value = @import("value.zig");
pub const number = @import("number.zig");
pub const order = @import("order.zig");
pub const json = @import("json.zig");

pub const Value = value.Value;
pub const Tag = value.Tag;
pub const Object = value.Object;
pub const Set = value.Set;
pub const Number = number.Number;

test {
    std.testing.refAllDecls(@This());
    std.testing.refAllDecls(value);
    std.testing.refAllDecls(number);
    std.testing.refAllDecls(order);
    std.testing.refAllDecls(json);
}
