//! Builtins of the arrays family (see builtin.zig for the interface):
//! array.concat, array.slice, array.reverse, array.flatten (v1/topdown/array.go).
const std = @import("std");
const builtin = @import("builtin.zig");
const value_mod = @import("../value/mod.zig");

const Value = builtin.Value;
const Context = builtin.Context;
const Error = builtin.Error;
const Number = value_mod.Number;

pub const builtins: []const builtin.Builtin = &.{
    .{ .name = "array.concat", .arity = 2, .func = concat },
    .{ .name = "array.slice", .arity = 3, .func = slice },
    .{ .name = "array.reverse", .arity = 1, .func = reverse },
    .{ .name = "array.flatten", .arity = 1, .func = flatten },
};

fn arrayOperand(ctx: *Context, args: []const Value, position: usize) Error![]const Value {
    const v = args[position - 1];
    if (v != .array) return ctx.operandError(position, "array", v);
    return v.array;
}

/// Go's util.Atoi64, which OPA's Number.Int uses: an optional sign and 1 to
/// 19 decimal digits, within i64. So a number converts only when its literal
/// text is a plain integer: `1.0` and `1e2` do not.
pub fn atoi64(text: []const u8) ?i64 {
    var digits = text;
    const negative = digits.len > 0 and digits[0] == '-';
    if (digits.len > 0 and (digits[0] == '-' or digits[0] == '+')) digits = digits[1..];
    if (digits.len == 0 or digits.len > 19) return null;
    var magnitude: u64 = 0;
    for (digits) |c| {
        if (c < '0' or c > '9') return null;
        magnitude = magnitude * 10 + (c - '0'); // 19 digits fit in u64.
    }
    if (negative) {
        if (magnitude > @as(u64, std.math.maxInt(i64)) + 1) return null;
        return @intCast(-@as(i128, magnitude));
    }
    if (magnitude > std.math.maxInt(i64)) return null;
    return @intCast(magnitude);
}

/// OPA's Number.Int: the value when the literal is a plain integer in i64.
pub fn numberInt(n: Number) ?i64 {
    return switch (n) {
        .int => |i| i,
        .big => |big| atoi64(big.text),
    };
}

/// builtins.IntOperand.
pub fn intOperand(ctx: *Context, args: []const Value, position: usize) Error!i64 {
    const v = args[position - 1];
    if (v != .number) return ctx.operandError(position, "number", v);
    return numberInt(v.number) orelse
        ctx.typeError("operand {d} must be integer number but got floating-point number", .{position});
}

fn concat(ctx: *Context, args: []const Value) Error!Value {
    const a = try arrayOperand(ctx, args, 1);
    const b = try arrayOperand(ctx, args, 2);
    if (a.len == 0) return args[1];
    if (b.len == 0) return args[0];
    const out = try ctx.allocator.alloc(Value, a.len + b.len);
    @memcpy(out[0..a.len], a);
    @memcpy(out[a.len..], b);
    return .{ .array = out };
}

fn slice(ctx: *Context, args: []const Value) Error!Value {
    const items = try arrayOperand(ctx, args, 1);
    var start = try intOperand(ctx, args, 2);
    var stop = try intOperand(ctx, args, 3);
    const len: i64 = @intCast(items.len);
    // Out-of-range indexes clamp rather than fail; start never passes stop.
    stop = std.math.clamp(stop, 0, len);
    if (start < 0) start = 0;
    if (start > stop) start = stop;
    if (start == 0 and stop == len) return args[0];
    return .{ .array = items[@intCast(start)..@intCast(stop)] };
}

fn reverse(ctx: *Context, args: []const Value) Error!Value {
    const items = try arrayOperand(ctx, args, 1);
    if (items.len <= 1) return args[0];
    const out = try ctx.allocator.alloc(Value, items.len);
    for (out, 0..) |*slot, i| slot.* = items[items.len - 1 - i];
    return .{ .array = out };
}

/// Flattens one level: nested arrays are spliced in, other items kept.
fn flatten(ctx: *Context, args: []const Value) Error!Value {
    const items = try arrayOperand(ctx, args, 1);
    var len: usize = 0;
    var nested = false;
    for (items) |item| switch (item) {
        .array => |inner| {
            nested = true;
            len += inner.len;
        },
        else => len += 1,
    };
    if (!nested) return args[0];
    const out = try ctx.allocator.alloc(Value, len);
    var n: usize = 0;
    for (items) |item| switch (item) {
        .array => |inner| {
            @memcpy(out[n..][0..inner.len], inner);
            n += inner.len;
        },
        else => {
            out[n] = item;
            n += 1;
        },
    };
    std.debug.assert(n == len);
    return .{ .array = out };
}

// ---------------------------------------------------------------------------
// Tests

const testing = std.testing;
const json = value_mod.json;

const TestContext = struct {
    arena: std.heap.ArenaAllocator,
    ctx: Context,

    fn init(self: *TestContext) void {
        self.arena = .init(testing.allocator);
        self.ctx = .{ .allocator = self.arena.allocator() };
    }

    fn deinit(self: *TestContext) void {
        self.arena.deinit();
    }

    fn parse(self: *TestContext, text: []const u8) !Value {
        return json.parse(self.arena.allocator(), text);
    }

    /// Calls `func` on JSON arguments and checks the JSON of the result.
    fn expectCall(self: *TestContext, func: builtin.Fn, args_json: []const []const u8, expected: []const u8) !void {
        var args: [4]Value = undefined;
        for (args_json, 0..) |text, i| args[i] = try self.parse(text);
        const result = try func(&self.ctx, args[0..args_json.len]);
        const text = try json.serializeAlloc(self.arena.allocator(), result);
        try testing.expectEqualStrings(expected, text);
    }

    fn expectFailure(self: *TestContext, func: builtin.Fn, args_json: []const []const u8, err: Error, message: []const u8) !void {
        var args: [4]Value = undefined;
        for (args_json, 0..) |text, i| args[i] = try self.parse(text);
        try testing.expectError(err, func(&self.ctx, args[0..args_json.len]));
        try testing.expectEqualStrings(message, self.ctx.message.items);
    }
};

test "atoi64 follows Go's util.Atoi64" {
    try testing.expectEqual(@as(?i64, 12), atoi64("12"));
    try testing.expectEqual(@as(?i64, 12), atoi64("+12"));
    try testing.expectEqual(@as(?i64, 0), atoi64("-0"));
    try testing.expectEqual(@as(?i64, 7), atoi64("007"));
    try testing.expectEqual(@as(?i64, std.math.minInt(i64)), atoi64("-9223372036854775808"));
    try testing.expectEqual(@as(?i64, std.math.maxInt(i64)), atoi64("9223372036854775807"));
    try testing.expectEqual(@as(?i64, null), atoi64("9223372036854775808"));
    try testing.expectEqual(@as(?i64, null), atoi64("-9223372036854775809"));
    try testing.expectEqual(@as(?i64, null), atoi64("99999999999999999999"));
    try testing.expectEqual(@as(?i64, null), atoi64("1.0"));
    try testing.expectEqual(@as(?i64, null), atoi64("1e2"));
    try testing.expectEqual(@as(?i64, null), atoi64(""));
    try testing.expectEqual(@as(?i64, null), atoi64("-"));
}

test "array.concat, array.reverse, array.flatten" {
    var t: TestContext = undefined;
    t.init();
    defer t.deinit();
    try t.expectCall(concat, &.{ "[1,2]", "[3]" }, "[1,2,3]");
    try t.expectCall(concat, &.{ "[]", "[3]" }, "[3]");
    try t.expectCall(concat, &.{ "[1]", "[]" }, "[1]");
    try t.expectFailure(concat, &.{ "[1]", "{}" }, error.TypeError, "operand 2 must be array but got object");
    try t.expectCall(reverse, &.{"[1,[2],3]"}, "[3,[2],1]");
    try t.expectCall(reverse, &.{"[]"}, "[]");
    try t.expectFailure(reverse, &.{"\"abc\""}, error.TypeError, "operand 1 must be array but got string");
    try t.expectCall(flatten, &.{"[[[1],[2,3,[]]],[[4,5]]]"}, "[[1],[2,3,[]],[4,5]]");
    try t.expectCall(flatten, &.{"[[1,2],\"s\",[3,{\"a\":\"b\"}],4.5,[6,[7,8]]]"}, "[1,2,\"s\",3,{\"a\":\"b\"},4.5,6,[7,8]]");
    try t.expectCall(flatten, &.{"[[], []]"}, "[]");
    try t.expectCall(flatten, &.{"[1, 2]"}, "[1,2]");
}

test "array.slice clamps like OPA" {
    var t: TestContext = undefined;
    t.init();
    defer t.deinit();
    try t.expectCall(slice, &.{ "[1,2,3,4,5]", "1", "3" }, "[2,3]");
    try t.expectCall(slice, &.{ "[1,2,3,4,5]", "-5", "30" }, "[1,2,3,4,5]");
    try t.expectCall(slice, &.{ "[1,2,3,4,5]", "3", "1" }, "[]");
    try t.expectCall(slice, &.{ "[1,2,3,4,5]", "4", "-1" }, "[]");
    try t.expectCall(slice, &.{ "[1,2,3,4,5]", "2", "2" }, "[]");
    try t.expectCall(slice, &.{ "[1,2,3,4,5]", "-0", "2" }, "[1,2]");
    try t.expectCall(slice, &.{ "[]", "0", "9223372036854775807" }, "[]");
    try t.expectFailure(slice, &.{ "[1]", "1.5", "2" }, error.TypeError, "operand 2 must be integer number but got floating-point number");
    try t.expectFailure(slice, &.{ "[1]", "1.0", "2" }, error.TypeError, "operand 2 must be integer number but got floating-point number");
    try t.expectFailure(slice, &.{ "[1]", "1", "\"2\"" }, error.TypeError, "operand 3 must be number but got string");
}
