//! Builtins of the comparison family (see builtin.zig for the interface): the
//! operators ==, !=, <, <=, >, >= (v1/topdown/comparison.go). They compare
//! any two values in OPA's total order (value/order.zig): null < booleans <
//! numbers < strings < arrays < objects < sets, numbers by exact value.
//! Unification (`=`, `:=`) is the evaluator's, not a builtin.
const std = @import("std");
const builtin = @import("builtin.zig");
const value_mod = @import("../value/mod.zig");

const Value = builtin.Value;
const Context = builtin.Context;
const Error = builtin.Error;
const order = value_mod.order;

pub const builtins: []const builtin.Builtin = &.{
    .{ .name = "equal", .arity = 2, .func = comparison(.equal) },
    .{ .name = "neq", .arity = 2, .func = comparison(.not_equal) },
    .{ .name = "lt", .arity = 2, .func = comparison(.less) },
    .{ .name = "lte", .arity = 2, .func = comparison(.less_or_equal) },
    .{ .name = "gt", .arity = 2, .func = comparison(.greater) },
    .{ .name = "gte", .arity = 2, .func = comparison(.greater_or_equal) },
};

const Relation = enum { equal, not_equal, less, less_or_equal, greater, greater_or_equal };

/// Whether a and b stand in `relation`.
pub fn holds(relation: Relation, a: Value, b: Value) bool {
    return switch (relation) {
        .equal => order.equal(a, b),
        .not_equal => !order.equal(a, b),
        .less => order.compare(a, b) == .lt,
        .less_or_equal => order.compare(a, b) != .gt,
        .greater => order.compare(a, b) == .gt,
        .greater_or_equal => order.compare(a, b) != .lt,
    };
}

fn comparison(comptime relation: Relation) builtin.Fn {
    return struct {
        fn call(_: *Context, args: []const Value) Error!Value {
            return .{ .boolean = holds(relation, args[0], args[1]) };
        }
    }.call;
}

const test_support = @import("numbers.zig").test_support;

fn expectValue(name: []const u8, arguments: []const []const u8, want: []const u8) !void {
    return test_support.expectValue(builtins, name, arguments, want);
}

// Expected values below are `opa eval` output (OPA v1.19.0) for the same
// arguments passed through input. One deliberate divergence: OPA trims
// trailing ".0" characters before comparing numbers, so it finds 10.0 == 1.0;
// we compare exactly (see value/number.zig).

test "comparisons in OPA's total order" {
    try expectValue("equal", &.{ "1", "1.0" }, "true");
    try expectValue("equal", &.{ "1", "1e0" }, "true");
    try expectValue("equal", &.{ "10.0", "10" }, "true");
    try expectValue("equal", &.{ "[1, {\"a\": 1.0}]", "[1.0, {\"a\": 1}]" }, "true");
    try expectValue("equal", &.{ "\"a\"", "\"a\"" }, "true");
    try expectValue("equal", &.{ "null", "false" }, "false");
    try expectValue("equal", &.{ "set:[1,2]", "set:[2,1]" }, "true");
    try expectValue("equal", &.{ "28857836529306024611913", "28857836529306024611912" }, "false");
    try expectValue("neq", &.{ "1", "2" }, "true");
    try expectValue("neq", &.{ "1", "1.0" }, "false");
    try expectValue("neq", &.{ "28857836529306024611913", "28857836529306024611912" }, "true");
    try expectValue("lt", &.{ "1", "2" }, "true");
    try expectValue("lt", &.{ "null", "false" }, "true");
    try expectValue("lt", &.{ "false", "true" }, "true");
    try expectValue("lt", &.{ "true", "0" }, "true");
    try expectValue("lt", &.{ "1000000", "\"a\"" }, "true");
    try expectValue("lt", &.{ "\"b\"", "[]" }, "true");
    try expectValue("lt", &.{ "[]", "{}" }, "true");
    try expectValue("lt", &.{ "{}", "set:[]" }, "true");
    try expectValue("lt", &.{ "0.1", "0.10000000000000000001" }, "true");
    try expectValue("lt", &.{ "-1e400", "-1e399" }, "true");
    try expectValue("lt", &.{ "[1, 2]", "[1, 2, 0]" }, "true");
    try expectValue("lt", &.{ "[1, 3]", "[1, 2, 0]" }, "false");
    try expectValue("lt", &.{ "{\"a\": 1}", "{\"a\": 1, \"b\": 0}" }, "true");
    try expectValue("lt", &.{ "{\"a\": 2}", "{\"b\": 1}" }, "true");
    try expectValue("lt", &.{ "set:[1]", "set:[1, 2]" }, "true");
    try expectValue("lt", &.{ "\"abc\"", "\"abd\"" }, "true");
    try expectValue("lt", &.{ "\"Z\"", "\"a\"" }, "true");
    try expectValue("lte", &.{ "1", "1.0" }, "true");
    try expectValue("lte", &.{ "2", "1" }, "false");
    try expectValue("gt", &.{ "2", "1" }, "true");
    try expectValue("gt", &.{ "9223372036854775808", "9223372036854775807" }, "true");
    try expectValue("gt", &.{ "1e-400", "0" }, "true");
    try expectValue("gt", &.{ "set:[]", "{\"a\": 1}" }, "true");
    try expectValue("gte", &.{ "1.0", "1" }, "true");
    try expectValue("gte", &.{ "1", "2" }, "false");
    try expectValue("equal", &.{ "10.0", "1.0" }, "false");
    try expectValue("neq", &.{ "10.0", "1.0" }, "true");
}

test "holds agrees with compare for every relation" {
    const values = [_]Value{ .null, .{ .boolean = false }, .{ .number = .{ .int = -1 } }, .{ .number = .{ .int = 2 } }, .{ .string = "a" } };
    for (values) |a| {
        for (values) |b| {
            const o = order.compare(a, b);
            try std.testing.expectEqual(o == .eq, holds(.equal, a, b));
            try std.testing.expectEqual(o != .eq, holds(.not_equal, a, b));
            try std.testing.expectEqual(o == .lt, holds(.less, a, b));
            try std.testing.expectEqual(o != .gt, holds(.less_or_equal, a, b));
            try std.testing.expectEqual(o == .gt, holds(.greater, a, b));
            try std.testing.expectEqual(o != .lt, holds(.greater_or_equal, a, b));
        }
    }
}
