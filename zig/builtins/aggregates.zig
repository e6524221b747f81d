//! Builtins of the aggregates family (see builtin.zig for the interface):
//! count, sum, product, max, min and sort (v1/topdown/aggregates.go).
//!
//! Sets are iterated in canonical order, as OPA's sets are. OPA quirks kept
//! on purpose, because they are its answers:
//! - sum of plain int64 literals wraps like Go's int (sum([9223372036854775807, 1])
//!   is -9223372036854775808), while any other integer sum is exact;
//! - min of a set skips a null element unless it is the only one (OPA seeds
//!   its reduction with null and restarts when it sees it).
const std = @import("std");
const assert = std.debug.assert;
const builtin = @import("builtin.zig");
const value_mod = @import("../value/mod.zig");

const Value = builtin.Value;
const Context = builtin.Context;
const Error = builtin.Error;
const Number = value_mod.Number;
const number = value_mod.number;
const order = value_mod.order;
const BigInt = number.BigInt;
const Allocator = std.mem.Allocator;

pub const builtins: []const builtin.Builtin = &.{
    .{ .name = "count", .arity = 1, .func = count },
    .{ .name = "sum", .arity = 1, .func = sum },
    .{ .name = "product", .arity = 1, .func = product },
    .{ .name = "max", .arity = 1, .func = max },
    .{ .name = "min", .arity = 1, .func = min },
    .{ .name = "sort", .arity = 1, .func = sort },
};

fn count(ctx: *Context, args: []const Value) Error!Value {
    const length: usize = switch (args[0]) {
        .array => |a| a.len,
        .object => |o| o.keys.len,
        .set => |s| s.items.len,
        .string => |s| goRuneCount(s),
        else => return ctx.operandError(1, "one of {array, object, set, string}", args[0]),
    };
    return .{ .number = Number.fromInt(@intCast(length)) };
}

/// len([]rune(s)) in Go: every valid UTF-8 sequence is one rune, every byte of
/// an invalid one is a rune of its own (utf8.DecodeRune advances by 1).
fn goRuneCount(s: []const u8) usize {
    var runes: usize = 0;
    var i: usize = 0;
    while (i < s.len) : (runes += 1) i += validSequenceLength(s[i..]) orelse 1;
    return runes;
}

/// The length of the valid UTF-8 sequence `s` starts with, else null
/// (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
fn validSequenceLength(s: []const u8) ?usize {
    assert(s.len > 0);
    const first = s[0];
    if (first < 0x80) return 1;
    // The range allowed for the second byte depends on the first.
    const length: usize, const low: u8, const high: u8 = switch (first) {
        0xC2...0xDF => .{ 2, 0x80, 0xBF },
        0xE0 => .{ 3, 0xA0, 0xBF },
        0xE1...0xEC, 0xEE...0xEF => .{ 3, 0x80, 0xBF },
        0xED => .{ 3, 0x80, 0x9F },
        0xF0 => .{ 4, 0x90, 0xBF },
        0xF1...0xF3 => .{ 4, 0x80, 0xBF },
        0xF4 => .{ 4, 0x80, 0x8F },
        else => return null,
    };
    if (s.len < length) return null;
    if (s[1] < low or s[1] > high) return null;
    for (s[2..length]) |c| {
        if (c < 0x80 or c > 0xBF) return null;
    }
    return length;
}

const Collection = struct {
    items: []const Value,
    /// "array" or "set", for element error messages.
    type_name: []const u8,
};

fn collectionOperand(ctx: *Context, v: Value) Error!Collection {
    return switch (v) {
        .array => |a| .{ .items = a, .type_name = "array" },
        .set => |s| .{ .items = s.items, .type_name = "set" },
        else => ctx.operandError(1, "one of {set, array}", v),
    };
}

fn numberValue(ctx: *Context, result: number.ArithmeticError!Number) Error!Value {
    const n = result catch |err| return switch (err) {
        error.OutOfMemory => error.OutOfMemory,
        // Not an OPA error: OPA has no size limit (see number.max_integer_bits).
        error.OutOfRange => ctx.builtinError("number too big", .{}),
        // Sums and products neither divide nor take remainders.
        error.DivideByZero, error.ModuloByZero, error.ModuloOnFloat => unreachable,
    };
    return .{ .number = n };
}

/// util.Atoi64 on the literal: OPA's fast path only takes plain integer
/// literals that fit int64 ("-0" included, "1.0" not).
fn plainInt64(v: Value) ?i64 {
    if (v != .number) return null;
    return switch (v.number) {
        .int => |i| i,
        .big => |big| if (std.mem.eql(u8, big.text, "-0")) 0 else null,
    };
}

fn allOpaIntegers(items: []const Value) bool {
    for (items) |item| {
        if (item != .number or !number.isOpaInteger(item.number)) return false;
    }
    return true;
}

const Fold = enum { sum, product };

fn sum(ctx: *Context, args: []const Value) Error!Value {
    const collection = try collectionOperand(ctx, args[0]);
    // OPA's fast path adds in Go's int, wrapping on overflow.
    fast: {
        var total: i64 = 0;
        for (collection.items) |item| total +%= plainInt64(item) orelse break :fast;
        return .{ .number = Number.fromInt(total) };
    }
    return fold(ctx, collection, .sum);
}

fn product(ctx: *Context, args: []const Value) Error!Value {
    return fold(ctx, try collectionOperand(ctx, args[0]), .product);
}

/// Exact when every element is an integer, else big.Float at precision 64.
fn fold(ctx: *Context, collection: Collection, comptime kind: Fold) Error!Value {
    const start: i64 = switch (kind) {
        .sum => 0,
        .product => 1,
    };
    if (allOpaIntegers(collection.items)) {
        return numberValue(ctx, foldIntegers(ctx.allocator, collection.items, start, kind));
    }
    var accumulator = number.FloatAccumulator.init(start);
    for (collection.items) |item| {
        if (item != .number) {
            return ctx.typeError("operand 1 must be {s} of numbers but got {s} containing {s}", .{
                collection.type_name, collection.type_name, builtin.typeName(item),
            });
        }
        const step = switch (kind) {
            .sum => accumulator.add(ctx.allocator, item.number),
            .product => accumulator.mul(ctx.allocator, item.number),
        };
        step catch |err| return numberValue(ctx, err);
    }
    return numberValue(ctx, accumulator.toNumber(ctx.allocator));
}

fn foldIntegers(allocator: Allocator, items: []const Value, start: i64, comptime kind: Fold) number.ArithmeticError!Number {
    // i128 while the value stays in range, big integers after.
    var small: i128 = start;
    var index: usize = 0;
    while (index < items.len) : (index += 1) {
        const x = number.opaInt64(items[index].number) orelse break;
        const next = switch (kind) {
            .sum => @addWithOverflow(small, @as(i128, x)),
            .product => @mulWithOverflow(small, @as(i128, x)),
        };
        if (next[1] == 1) break;
        small = next[0];
    }
    if (index == items.len) return number.fromI128(allocator, small);

    var total = try BigInt.initSet(allocator, small);
    defer total.deinit();
    for (items[index..]) |item| {
        var x = try number.toBigInt(allocator, item.number);
        defer x.deinit();
        switch (kind) {
            .sum => try total.add(&total, &x),
            .product => try total.mul(&total, &x),
        }
        if (total.bitCountAbs() > number.max_integer_bits) return error.OutOfRange;
    }
    return number.fromBigInt(allocator, total.toConst());
}

/// The last of the greatest elements (OPA keeps replacing while <=).
fn max(ctx: *Context, args: []const Value) Error!Value {
    const collection = try collectionOperand(ctx, args[0]);
    if (collection.items.len == 0) return error.Undefined;
    var result = collection.items[0];
    for (collection.items[1..]) |item| {
        if (order.compare(result, item) != .gt) result = item;
    }
    return result;
}

/// The last of the least elements of an array; for a set, the least element
/// that is not null unless null is all there is (OPA's null-seeded reduce).
fn min(ctx: *Context, args: []const Value) Error!Value {
    const collection = try collectionOperand(ctx, args[0]);
    const items = collection.items;
    if (items.len == 0) return error.Undefined;
    if (args[0] == .set) {
        // Sorted: null can only come first.
        return if (items[0] == .null and items.len > 1) items[1] else items[0];
    }
    var result = items[0];
    for (items[1..]) |item| {
        if (order.compare(result, item) != .lt) result = item;
    }
    return result;
}

/// Ascending canonical order. Stable: of equal elements (1 and 1.0) the
/// first stays first, which is what OPA's sort does for up to 12 elements.
fn sort(ctx: *Context, args: []const Value) Error!Value {
    switch (args[0]) {
        // A set's items are already in canonical order.
        .set => |s| return .{ .array = s.items },
        .array => |a| {
            const items = try ctx.allocator.dupe(Value, a);
            std.mem.sort(Value, items, {}, order.lessThan);
            return .{ .array = items };
        },
        else => return ctx.operandError(1, "one of {set, array}", args[0]),
    }
}

const test_support = @import("numbers.zig").test_support;

fn expectValue(name: []const u8, arguments: []const []const u8, want: []const u8) !void {
    return test_support.expectValue(builtins, name, arguments, want);
}

fn expectUndefined(name: []const u8, arguments: []const []const u8) !void {
    return test_support.expectUndefined(builtins, name, arguments);
}

fn expectFailure(name: []const u8, arguments: []const []const u8, want: Error, message: []const u8) !void {
    return test_support.expectFailure(builtins, name, arguments, want, message);
}

// Expected values and messages below are `opa eval --strict-builtin-errors`
// output (OPA v1.19.0) for the same arguments passed through input.

test "count" {
    try expectValue("count", &.{"[1,2,3]"}, "3");
    try expectValue("count", &.{"[]"}, "0");
    try expectValue("count", &.{"{\"a\":1,\"b\":2}"}, "2");
    try expectValue("count", &.{"set:[1,2,2]"}, "2");
    try expectValue("count", &.{"\"h\u{00e9}llo\""}, "5");
    try expectValue("count", &.{"\"\""}, "0");
    try expectValue("count", &.{"\"\u{1F600}a\""}, "2");
    try expectFailure("count", &.{"null"}, error.TypeError, "operand 1 must be one of {array, object, set, string} but got null");
    try expectFailure("count", &.{"1"}, error.TypeError, "operand 1 must be one of {array, object, set, string} but got number");
    try expectFailure("count", &.{"true"}, error.TypeError, "operand 1 must be one of {array, object, set, string} but got boolean");
}

test "count counts runes as Go does, an invalid byte being one rune" {
    // base64.decode("2E84ZuPUd7zfvCZSNEchVpDEIj6PL7JfLpIqyxVG16k=") of the
    // conformance case "count with invalid utf-8 chars": 32 bytes, 30 runes.
    try std.testing.expectEqual(@as(usize, 30), goRuneCount("\xd8\x4f\x38\x66\xe3\xd4\x77\xbc\xdf\xbc\x26\x52\x34\x47\x21\x56\x90\xc4\x22\x3e\x8f\x2f\xb2\x5f\x2e\x92\x2a\xcb\x15\x46\xd7\xa9"));
    const cases = [_]struct { []const u8, usize }{
        .{ "", 0 },
        .{ "abc", 3 },
        .{ "h\xc3\xa9llo", 5 },
        .{ "\xf0\x9f\x98\x80", 1 }, // U+1F600
        .{ "\xf0\x9f\x98", 3 }, // truncated: each byte alone
        .{ "\xc0\x80", 2 }, // overlong
        .{ "\xed\xa0\x80", 3 }, // surrogate
        .{ "\xf4\x90\x80\x80", 4 }, // above U+10FFFF
        .{ "\xef\xbf\xbd", 1 }, // U+FFFD itself
        .{ "\xff", 1 },
        .{ "a\x80b", 3 },
    };
    for (cases) |case| try std.testing.expectEqual(case[1], goRuneCount(case[0]));
}

test "sum and product" {
    try expectValue("sum", &.{"[1,2,3,4]"}, "10");
    try expectValue("sum", &.{"[]"}, "0");
    try expectValue("sum", &.{"set:[1,2,3]"}, "6");
    try expectValue("sum", &.{"[9223372036854775807, 1]"}, "-9223372036854775808");
    try expectValue("sum", &.{"[-9223372036854775808, -1]"}, "9223372036854775807");
    try expectValue("sum", &.{"[18446744073709551617, 1]"}, "18446744073709551618");
    try expectValue("sum", &.{"set:[18446744073709551617, 1]"}, "18446744073709551618");
    try expectValue("sum", &.{"[1.5, 2.5]"}, "4");
    try expectValue("sum", &.{"[1, 2.5]"}, "3.5");
    try expectValue("sum", &.{"[0.1, 0.2, 0.3]"}, "0.6");
    try expectValue("sum", &.{"[1.0, 2]"}, "3");
    try expectValue("sum", &.{"[9223372036854775807, 1.0]"}, "9223372036854775808");
    try expectValue("sum", &.{"[-0.0, 0.5]"}, "0.5");
    try expectValue("sum", &.{"[0.5, 0.5, 100000000000000000000000000001]"}, "100000000000000000000000000000");
    try expectFailure("sum", &.{"[1, \"a\"]"}, error.TypeError, "operand 1 must be array of numbers but got array containing string");
    try expectFailure("sum", &.{"[1.5, \"a\"]"}, error.TypeError, "operand 1 must be array of numbers but got array containing string");
    try expectFailure("sum", &.{"set:[1.5, \"a\"]"}, error.TypeError, "operand 1 must be set of numbers but got set containing string");
    try expectFailure("sum", &.{"[\"a\", 1]"}, error.TypeError, "operand 1 must be array of numbers but got array containing string");
    try expectFailure("sum", &.{"1"}, error.TypeError, "operand 1 must be one of {set, array} but got number");
    try expectFailure("sum", &.{"{\"a\":1}"}, error.TypeError, "operand 1 must be one of {set, array} but got object");
    try expectValue("product", &.{"[2,3,4]"}, "24");
    try expectValue("product", &.{"[]"}, "1");
    try expectValue("product", &.{"set:[2,3]"}, "6");
    try expectValue("product", &.{"[18446744073709551617, 2]"}, "36893488147419103234");
    try expectValue("product", &.{"[9223372036854775807, 9223372036854775807, 9223372036854775807]"}, "784637716923335095224261902710254454442933591094742482943");
    try expectValue("product", &.{"[1.5, 2]"}, "3");
    try expectValue("product", &.{"[0.1, 3]"}, "0.3");
    try expectValue("product", &.{"[-0.0, 1.5]"}, "-0");
    try expectValue("product", &.{"[-1.5, 0]"}, "-0");
    try expectFailure("product", &.{"[1, \"a\"]"}, error.TypeError, "operand 1 must be array of numbers but got array containing string");
    try expectFailure("product", &.{"set:[null, 2.5]"}, error.TypeError, "operand 1 must be set of numbers but got set containing null");
    try expectFailure("product", &.{"\"x\""}, error.TypeError, "operand 1 must be one of {set, array} but got string");
    // Exact for integers of any size, float (and printed once) otherwise.
    try expectValue("sum", &.{"[1e40, 1]"}, "10000000000000000000000000000000000000001");
    try expectValue("sum", &.{"[1e40, 0.5]"}, "10000000000000000000000000000000000000000");
    try expectFailure("product", &.{"[1e30000, 1e30000]"}, error.BuiltinError, "number too big");
}

test "max and min" {
    try expectValue("max", &.{"[1,2,3]"}, "3");
    try expectUndefined("max", &.{"[]"});
    try expectUndefined("max", &.{"set:[]"});
    try expectValue("max", &.{"[1, \"a\", null, [1], {\"a\":1}, false]"}, "{\"a\":1}");
    try expectValue("max", &.{"set:[1, \"a\", null]"}, "\"a\"");
    try expectValue("max", &.{"[3, 1, 2]"}, "3");
    try expectValue("max", &.{"[1, 1.0]"}, "1.0");
    try expectValue("max", &.{"[1.0, 1]"}, "1");
    try expectFailure("max", &.{"\"x\""}, error.TypeError, "operand 1 must be one of {set, array} but got string");
    try expectValue("min", &.{"[3,1,2]"}, "1");
    try expectUndefined("min", &.{"[]"});
    try expectValue("min", &.{"[1, \"a\", null, [1], false]"}, "null");
    try expectValue("min", &.{"[1.0, 1]"}, "1");
    try expectValue("min", &.{"[1, 1.0]"}, "1.0");
    try expectValue("min", &.{"set:[null, false, 1]"}, "false");
    try expectValue("min", &.{"set:[null]"}, "null");
    try expectValue("min", &.{"set:[1, 2]"}, "1");
    try expectUndefined("min", &.{"set:[]"});
    try expectFailure("min", &.{"{\"a\":1}"}, error.TypeError, "operand 1 must be one of {set, array} but got object");
}

test "sort" {
    try expectValue("sort", &.{"[3,1,2]"}, "[1,2,3]");
    try expectValue("sort", &.{"[]"}, "[]");
    try expectValue("sort", &.{"set:[3,1,2]"}, "[1,2,3]");
    try expectValue("sort", &.{"[1, \"a\", null, [1], {\"a\":1}, false, 0.5]"}, "[null,false,0.5,1,\"a\",[1],{\"a\":1}]");
    try expectValue("sort", &.{"[1.0, 1, 0.5]"}, "[0.5,1.0,1]");
    try expectValue("sort", &.{"[[2], [1, 2], [1], {\"b\":1}, {\"a\":2}, {\"a\":1, \"b\":0}]"}, "[[1],[1,2],[2],{\"a\":1,\"b\":0},{\"a\":2},{\"b\":1}]");
    try expectFailure("sort", &.{"\"x\""}, error.TypeError, "operand 1 must be one of {set, array} but got string");
    try expectFailure("sort", &.{"null"}, error.TypeError, "operand 1 must be one of {set, array} but got null");
}
