//! Builtins of the numbers family (see builtin.zig for the interface): the
//! arithmetic operators (v1/topdown/arithmetic.go), `minus` on sets too,
//! numbers.range and numbers.range_step (numbers.go) and the bits.* family
//! (bits.go).
//!
//! The arithmetic itself, with OPA's exact-integer and big.Float semantics,
//! lives in value/number.zig; this file checks operands and maps errors to
//! OPA's messages.
const std = @import("std");
const assert = std.debug.assert;
const builtin = @import("builtin.zig");
const value_mod = @import("../value/mod.zig");

const Value = builtin.Value;
const Context = builtin.Context;
const Error = builtin.Error;
const Number = value_mod.Number;
const Set = value_mod.Set;
const number = value_mod.number;
const order = value_mod.order;
const BigInt = number.BigInt;

pub const builtins: []const builtin.Builtin = &.{
    .{ .name = "plus", .arity = 2, .func = plus },
    .{ .name = "minus", .arity = 2, .func = minus },
    .{ .name = "mul", .arity = 2, .func = mul },
    .{ .name = "div", .arity = 2, .func = div },
    .{ .name = "rem", .arity = 2, .func = rem },
    .{ .name = "abs", .arity = 1, .func = abs },
    .{ .name = "round", .arity = 1, .func = round },
    .{ .name = "ceil", .arity = 1, .func = ceil },
    .{ .name = "floor", .arity = 1, .func = floor },
    .{ .name = "numbers.range", .arity = 2, .func = numbersRange },
    .{ .name = "numbers.range_step", .arity = 3, .func = numbersRangeStep },
    .{ .name = "bits.and", .arity = 2, .func = bitsAnd },
    .{ .name = "bits.or", .arity = 2, .func = bitsOr },
    .{ .name = "bits.xor", .arity = 2, .func = bitsXor },
    .{ .name = "bits.negate", .arity = 1, .func = bitsNegate },
    .{ .name = "bits.lsh", .arity = 2, .func = bitsShiftLeft },
    .{ .name = "bits.rsh", .arity = 2, .func = bitsShiftRight },
};

/// numbers.range* refuse to build arrays longer than this (error.OutOfMemory):
/// OPA would grind until its evaluation is cancelled; we fail fast instead.
pub const max_range_length: u64 = 1 << 25;

fn numberOperand(ctx: *Context, v: Value, position: usize) Error!Number {
    if (v != .number) return ctx.operandError(position, "number", v);
    return v.number;
}

/// Maps number.zig's errors to OPA's messages (eval_builtin_error).
fn arithmeticError(ctx: *Context, err: number.ArithmeticError) Error {
    return switch (err) {
        error.OutOfMemory => error.OutOfMemory,
        error.DivideByZero => ctx.builtinError("divide by zero", .{}),
        error.ModuloByZero => ctx.builtinError("modulo by zero", .{}),
        error.ModuloOnFloat => ctx.builtinError("modulo on floating-point number", .{}),
        // Not an OPA error: OPA has no size limit (see number.max_integer_bits).
        error.OutOfRange => ctx.builtinError("number too big", .{}),
    };
}

fn numberValue(ctx: *Context, result: number.ArithmeticError!Number) Error!Value {
    const n = result catch |err| return arithmeticError(ctx, err);
    return .{ .number = n };
}

fn plus(ctx: *Context, args: []const Value) Error!Value {
    const a = try numberOperand(ctx, args[0], 1);
    const b = try numberOperand(ctx, args[1], 2);
    return numberValue(ctx, number.add(ctx.allocator, a, b));
}

fn mul(ctx: *Context, args: []const Value) Error!Value {
    const a = try numberOperand(ctx, args[0], 1);
    const b = try numberOperand(ctx, args[1], 2);
    return numberValue(ctx, number.mul(ctx.allocator, a, b));
}

fn div(ctx: *Context, args: []const Value) Error!Value {
    const a = try numberOperand(ctx, args[0], 1);
    const b = try numberOperand(ctx, args[1], 2);
    return numberValue(ctx, number.div(ctx.allocator, a, b));
}

/// Number difference or set difference; OPA's operand errors are quirky and
/// kept: `{1} - "a"` blames operand 2 for not being a number.
fn minus(ctx: *Context, args: []const Value) Error!Value {
    const a = args[0];
    const b = args[1];
    if (a == .number and b == .number) return numberValue(ctx, number.sub(ctx.allocator, a.number, b.number));
    if (a == .set and b == .set) return .{ .set = try difference(ctx.allocator, a.set, b.set) };
    if (a != .number and a != .set) return ctx.operandError(1, "one of {number, set}", a);
    if (b == .number) return ctx.operandError(2, "set", b);
    return ctx.operandError(2, "number", b);
}

/// Items of `a` not in `b`; both sorted, so one merge pass.
fn difference(allocator: std.mem.Allocator, a: *const Set, b: *const Set) error{OutOfMemory}!*const Set {
    if (a.items.len == 0) return &Set.empty;
    if (b.items.len == 0) return a;
    const items = try allocator.alloc(Value, a.items.len);
    var len: usize = 0;
    var j: usize = 0;
    for (a.items) |item| {
        while (j < b.items.len and order.compare(b.items[j], item) == .lt) j += 1;
        if (j < b.items.len and order.compare(b.items[j], item) == .eq) continue;
        items[len] = item;
        len += 1;
    }
    if (len == 0) return &Set.empty;
    const set = try allocator.create(Set);
    set.* = .{ .items = items[0..len] };
    return set;
}

fn rem(ctx: *Context, args: []const Value) Error!Value {
    // OPA checks both operands are numbers before naming the culprit.
    if (args[0] != .number) return ctx.operandError(1, "number", args[0]);
    if (args[1] != .number) return ctx.operandError(2, "number", args[1]);
    return numberValue(ctx, number.rem(ctx.allocator, args[0].number, args[1].number));
}

fn abs(ctx: *Context, args: []const Value) Error!Value {
    return numberValue(ctx, number.abs(ctx.allocator, try numberOperand(ctx, args[0], 1)));
}

fn round(ctx: *Context, args: []const Value) Error!Value {
    return numberValue(ctx, number.round(ctx.allocator, try numberOperand(ctx, args[0], 1)));
}

fn ceil(ctx: *Context, args: []const Value) Error!Value {
    return numberValue(ctx, number.ceil(ctx.allocator, try numberOperand(ctx, args[0], 1)));
}

fn floor(ctx: *Context, args: []const Value) Error!Value {
    return numberValue(ctx, number.floor(ctx.allocator, try numberOperand(ctx, args[0], 1)));
}

/// builtins.BigIntOperand: an integer in OPA's sense (1.0 and 1e3 are).
fn integerOperand(ctx: *Context, v: Value, position: usize) Error!Number {
    if (v != .number) return ctx.operandError(position, "integer", v);
    if (!number.isOpaInteger(v.number)) {
        return ctx.typeError("operand {d} must be integer number but got floating-point number", .{position});
    }
    return v.number;
}

fn numbersRange(ctx: *Context, args: []const Value) Error!Value {
    const from = try integerOperand(ctx, args[0], 1);
    const to = try integerOperand(ctx, args[1], 2);
    return range(ctx, from, to, Number.fromInt(1));
}

fn numbersRangeStep(ctx: *Context, args: []const Value) Error!Value {
    const from = try integerOperand(ctx, args[0], 1);
    const to = try integerOperand(ctx, args[1], 2);
    const step = try integerOperand(ctx, args[2], 3);
    var buffer: [20]u8 = undefined;
    const positive = step.decimal(&buffer).signum() > 0;
    // OPA's message repeats the name: the evaluator adds it once more.
    if (!positive) return ctx.builtinError("numbers.range_step: step must be a positive integer", .{});
    return range(ctx, from, to, step);
}

/// from, from ± step, ... while not past `to`, counting down when from > to.
fn range(ctx: *Context, from: Number, to: Number, step: Number) Error!Value {
    if (number.opaInt64(from)) |a| {
        if (number.opaInt64(to)) |b| {
            if (number.opaInt64(step)) |s| return rangeI64(ctx, a, b, s);
        }
    }
    return rangeBig(ctx, from, to, step) catch |err| switch (err) {
        error.OutOfMemory => error.OutOfMemory,
        else => |e| arithmeticError(ctx, e),
    };
}

fn rangeI64(ctx: *Context, from: i64, to: i64, step: i64) Error!Value {
    assert(step > 0);
    const distance: u64 = @intCast(@abs(@as(i128, to) - from));
    const steps = distance / @as(u64, @intCast(step));
    if (steps >= max_range_length) return error.OutOfMemory;
    const items = try ctx.allocator.alloc(Value, @intCast(steps + 1));
    const direction: i128 = if (from <= to) step else -@as(i128, step);
    for (items, 0..) |*item, i| {
        // Every element lies between from and to, so it fits i64.
        item.* = .{ .number = .{ .int = @intCast(from + direction * @as(i128, @intCast(i))) } };
    }
    return .{ .array = items };
}

fn rangeBig(ctx: *Context, from: Number, to: Number, step: Number) number.ArithmeticError!Value {
    const allocator = ctx.allocator;
    var current = try number.toBigInt(allocator, from);
    defer current.deinit();
    var last = try number.toBigInt(allocator, to);
    defer last.deinit();
    var increment = try number.toBigInt(allocator, step);
    defer increment.deinit();
    assert(increment.isPositive() and !increment.eqlZero());

    // length = |to - from| / step + 1, computed before allocating.
    const ascending = current.order(last) != .gt;
    var distance = try BigInt.init(allocator);
    defer distance.deinit();
    try distance.sub(&last, &current);
    distance.abs();
    var quotient = try BigInt.init(allocator);
    defer quotient.deinit();
    var remainder = try BigInt.init(allocator);
    defer remainder.deinit();
    try quotient.divTrunc(&remainder, &distance, &increment);
    const steps = quotient.toInt(u64) catch return error.OutOfMemory;
    if (steps >= max_range_length) return error.OutOfMemory;

    const items = try allocator.alloc(Value, @intCast(steps + 1));
    if (!ascending) increment.negate();
    for (items) |*item| {
        item.* = .{ .number = try number.fromBigInt(allocator, current.toConst()) };
        try current.add(&current, &increment);
    }
    return .{ .array = items };
}

const BitsOp = enum { @"and", @"or", xor };

fn bitsAnd(ctx: *Context, args: []const Value) Error!Value {
    return bitsBinary(ctx, args, .@"and");
}

fn bitsOr(ctx: *Context, args: []const Value) Error!Value {
    return bitsBinary(ctx, args, .@"or");
}

fn bitsXor(ctx: *Context, args: []const Value) Error!Value {
    return bitsBinary(ctx, args, .xor);
}

/// Two's complement bitwise operations on unbounded integers (Go's big.Int).
fn bitsBinary(ctx: *Context, args: []const Value, comptime op: BitsOp) Error!Value {
    const a = try integerOperand(ctx, args[0], 1);
    const b = try integerOperand(ctx, args[1], 2);
    if (number.opaInt64(a)) |x| {
        if (number.opaInt64(b)) |y| {
            return .{ .number = .{ .int = switch (op) {
                .@"and" => x & y,
                .@"or" => x | y,
                .xor => x ^ y,
            } } };
        }
    }
    return numberValue(ctx, bitsBinaryBig(ctx.allocator, a, b, op));
}

fn bitsBinaryBig(allocator: std.mem.Allocator, a: Number, b: Number, comptime op: BitsOp) number.ArithmeticError!Number {
    var x = try number.toBigInt(allocator, a);
    defer x.deinit();
    var y = try number.toBigInt(allocator, b);
    defer y.deinit();
    // Our own limb loop: std's Managed.bitOr gives wrong results for mixed
    // signs (Zig 0.15.2: 66 | -1032208513397486939626187905 is off by 2^128).
    const len = @max(x.len(), y.len()) + 1;
    const limbs = try allocator.alloc(Limb, 3 * len);
    defer allocator.free(limbs);
    const tx = limbs[0..len];
    const ty = limbs[len .. 2 * len];
    const tr = limbs[2 * len ..];
    twosComplement(x.toConst(), tx);
    twosComplement(y.toConst(), ty);
    for (tr, tx, ty) |*r, p, q| r.* = switch (op) {
        .@"and" => p & q,
        .@"or" => p | q,
        .xor => p ^ q,
    };
    return number.fromBigInt(allocator, fromTwosComplement(tr));
}

const Limb = std.math.big.Limb;

/// `out` = value in two's complement over out.len limbs (one more than the
/// magnitude needs, so the top bit is the sign).
fn twosComplement(value: number.BigConst, out: []Limb) void {
    assert(out.len > value.limbs.len);
    @memset(out, 0);
    @memcpy(out[0..value.limbs.len], value.limbs);
    if (!value.positive and !value.eqlZero()) negateLimbs(out);
}

/// out = -out modulo 2^(limb bits * out.len): invert, then add one.
fn negateLimbs(out: []Limb) void {
    var carry: u1 = 1;
    for (out) |*limb| {
        limb.*, carry = @addWithOverflow(~limb.*, @as(Limb, carry));
    }
}

/// Reads two's complement limbs back as sign and magnitude (negating
/// `limbs` in place when negative).
fn fromTwosComplement(limbs: []Limb) number.BigConst {
    assert(limbs.len > 0);
    const negative = limbs[limbs.len - 1] >> (@bitSizeOf(Limb) - 1) == 1;
    if (negative) negateLimbs(limbs);
    var len = limbs.len;
    while (len > 1 and limbs[len - 1] == 0) len -= 1;
    const magnitude = limbs[0..len];
    const zero = len == 1 and limbs[0] == 0;
    return .{ .limbs = magnitude, .positive = !negative or zero };
}

/// ^x = -x - 1.
fn bitsNegate(ctx: *Context, args: []const Value) Error!Value {
    const a = try integerOperand(ctx, args[0], 1);
    if (number.opaInt64(a)) |x| return .{ .number = .{ .int = ~x } };
    return numberValue(ctx, negateBig(ctx.allocator, a));
}

fn negateBig(allocator: std.mem.Allocator, a: Number) number.ArithmeticError!Number {
    var x = try number.toBigInt(allocator, a);
    defer x.deinit();
    x.negate();
    try x.addScalar(&x, -1);
    return number.fromBigInt(allocator, x.toConst());
}

fn bitsShiftLeft(ctx: *Context, args: []const Value) Error!Value {
    return shift(ctx, args, .left);
}

fn bitsShiftRight(ctx: *Context, args: []const Value) Error!Value {
    return shift(ctx, args, .right);
}

const Direction = enum { left, right };

fn shift(ctx: *Context, args: []const Value, comptime direction: Direction) Error!Value {
    const a = try integerOperand(ctx, args[0], 1);
    const b = try integerOperand(ctx, args[1], 2);
    var buffer: [20]u8 = undefined;
    if (b.decimal(&buffer).signum() < 0) {
        return ctx.typeError("operand 2 must be an unsigned integer number but got a negative integer", .{});
    }
    // OPA takes the amount with big.Int.Uint64: the low 64 bits, so a shift
    // by 2^64 is a shift by 0.
    const amount = shiftAmount(ctx.allocator, b) catch |err| return arithmeticError(ctx, err);
    if (number.opaInt64(a)) |x| {
        switch (direction) {
            .right => {
                const result = if (amount >= 63) (if (x < 0) @as(i64, -1) else 0) else x >> @intCast(amount);
                return .{ .number = .{ .int = result } };
            },
            .left => if (amount <= 63) {
                // |x| < 2^63 and amount <= 63: fits i128.
                const result = @as(i128, x) << @intCast(amount);
                return .{ .number = try number.fromI128(ctx.allocator, result) };
            },
        }
    }
    return numberValue(ctx, shiftBig(ctx.allocator, a, amount, direction));
}

fn shiftAmount(allocator: std.mem.Allocator, b: Number) number.ArithmeticError!u64 {
    if (number.opaInt64(b)) |i| return @intCast(i); // Non-negative here.
    var big = try number.toBigInt(allocator, b);
    defer big.deinit();
    var low: u64 = 0;
    const limb_bits = @bitSizeOf(std.math.big.Limb);
    const limbs = big.toConst().limbs;
    for (limbs[0..@min(limbs.len, (64 + limb_bits - 1) / limb_bits)], 0..) |limb, i| {
        low |= @truncate(@as(u128, limb) << @intCast(i * limb_bits));
    }
    return low;
}

fn shiftBig(allocator: std.mem.Allocator, a: Number, amount: u64, comptime direction: Direction) number.ArithmeticError!Number {
    var x = try number.toBigInt(allocator, a);
    defer x.deinit();
    switch (direction) {
        .left => {
            if (x.eqlZero()) return Number.fromInt(0);
            // Refuse before allocating: the result has bits(x) + amount bits.
            if (amount > number.max_integer_bits) return error.OutOfRange;
            try x.shiftLeft(&x, @intCast(amount));
        },
        .right => {
            // Arithmetic shift (floor), as big.Int.Rsh; shifting everything
            // out leaves 0 or -1.
            const all_out = amount >= x.bitCountAbs();
            if (all_out) return Number.fromInt(if (x.isPositive()) 0 else -1);
            try x.shiftRight(&x, @intCast(amount));
        },
    }
    return number.fromBigInt(allocator, x.toConst());
}

/// Test support shared by this file, aggregates.zig and comparison.zig:
/// calls a builtin of a family table on arguments written as JSON (`set:[...]`
/// builds a set) and checks the result against OPA's output.
pub const test_support = struct {
    const testing = std.testing;
    const json = value_mod.json;

    fn parseArgument(arena: std.mem.Allocator, text: []const u8) !Value {
        if (std.mem.startsWith(u8, text, "set:")) {
            const items = try json.parse(arena, text["set:".len..]);
            return .{ .set = try order.setFromUnsorted(arena, items.array) };
        }
        return json.parse(arena, text);
    }

    /// Bad test input (an unknown name, invalid JSON) panics: it is a bug in
    /// the test, not a result.
    fn call(table: []const builtin.Builtin, ctx: *Context, name: []const u8, arguments: []const []const u8) Error!Value {
        const b = for (table) |*b| {
            if (std.mem.eql(u8, b.name, name)) break b;
        } else std.debug.panic("no builtin {s}", .{name});
        if (b.arity != arguments.len) std.debug.panic("{s} takes {d} arguments", .{ name, b.arity });
        var values: [4]Value = undefined;
        for (arguments, 0..) |text, i| {
            values[i] = parseArgument(ctx.allocator, text) catch |err| std.debug.panic("{s}: {s}", .{ text, @errorName(err) });
        }
        return b.func(ctx, values[0..arguments.len]);
    }

    /// `want` is OPA's JSON output for the result.
    pub fn expectValue(table: []const builtin.Builtin, name: []const u8, arguments: []const []const u8, want: []const u8) !void {
        var arena_state = std.heap.ArenaAllocator.init(testing.allocator);
        defer arena_state.deinit();
        var ctx: Context = .{ .allocator = arena_state.allocator() };
        const result = call(table, &ctx, name, arguments) catch |err| {
            std.debug.print("{s}{any}: {s} {s}\n", .{ name, arguments, @errorName(err), ctx.message.items });
            return err;
        };
        const got = try json.serializeAlloc(ctx.allocator, result);
        testing.expectEqualStrings(want, got) catch |err| {
            std.debug.print("{s}{any}\n", .{ name, arguments });
            return err;
        };
    }

    pub fn expectUndefined(table: []const builtin.Builtin, name: []const u8, arguments: []const []const u8) !void {
        var arena_state = std.heap.ArenaAllocator.init(testing.allocator);
        defer arena_state.deinit();
        var ctx: Context = .{ .allocator = arena_state.allocator() };
        try testing.expectError(error.Undefined, call(table, &ctx, name, arguments));
    }

    /// `message` is OPA's, without the "<name>: " the evaluator adds.
    pub fn expectFailure(table: []const builtin.Builtin, name: []const u8, arguments: []const []const u8, want: Error, message: []const u8) !void {
        var arena_state = std.heap.ArenaAllocator.init(testing.allocator);
        defer arena_state.deinit();
        var ctx: Context = .{ .allocator = arena_state.allocator() };
        const result = call(table, &ctx, name, arguments);
        testing.expectError(want, result) catch |err| {
            std.debug.print("{s}{any}\n", .{ name, arguments });
            return err;
        };
        try testing.expectEqualStrings(message, ctx.message.items);
    }
};

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

test "arithmetic operators" {
    try expectValue("plus", &.{ "1", "2" }, "3");
    try expectValue("plus", &.{ "9223372036854775807", "1" }, "9223372036854775808");
    try expectValue("plus", &.{ "0.1", "0.2" }, "0.3");
    try expectValue("plus", &.{ "1.0", "2" }, "3");
    try expectFailure("plus", &.{ "\"a\"", "1" }, error.TypeError, "operand 1 must be number but got string");
    try expectFailure("plus", &.{ "1", "null" }, error.TypeError, "operand 2 must be number but got null");
    try expectFailure("plus", &.{ "[]", "{}" }, error.TypeError, "operand 1 must be number but got array");
    try expectValue("minus", &.{ "5", "7" }, "-2");
    try expectValue("minus", &.{ "-9223372036854775808", "1" }, "-9223372036854775809");
    try expectValue("minus", &.{ "0.3", "0.1" }, "0.20000000000000000002");
    try expectValue("minus", &.{ "set:[1,2,3]", "set:[2,4]" }, "[1,3]");
    try expectValue("minus", &.{ "set:[1,2]", "set:[1,2]" }, "[]");
    try expectValue("minus", &.{ "set:[]", "set:[1]" }, "[]");
    try expectValue("minus", &.{ "set:[1, 1.5, \"a\"]", "set:[]" }, "[1,1.5,\"a\"]");
    try expectFailure("minus", &.{ "set:[1]", "1" }, error.TypeError, "operand 2 must be set but got number");
    try expectFailure("minus", &.{ "1", "set:[1]" }, error.TypeError, "operand 2 must be number but got set");
    try expectFailure("minus", &.{ "\"a\"", "1" }, error.TypeError, "operand 1 must be one of {number, set} but got string");
    try expectFailure("minus", &.{ "set:[1]", "\"a\"" }, error.TypeError, "operand 2 must be number but got string");
    try expectFailure("minus", &.{ "1", "\"a\"" }, error.TypeError, "operand 2 must be number but got string");
    try expectFailure("minus", &.{ "null", "set:[1]" }, error.TypeError, "operand 1 must be one of {number, set} but got null");
    try expectValue("mul", &.{ "10000000000000000000000", "3" }, "30000000000000000000000");
    try expectValue("mul", &.{ "2.5", "2" }, "5");
    try expectValue("mul", &.{ "-0.0", "1.5" }, "-0");
    try expectFailure("mul", &.{ "3", "true" }, error.TypeError, "operand 2 must be number but got boolean");
    try expectValue("div", &.{ "7", "2" }, "3.5");
    try expectValue("div", &.{ "1", "3" }, "0.33333333333333333334");
    try expectValue("div", &.{ "4", "2" }, "2");
    try expectValue("div", &.{ "0", "-5" }, "-0");
    try expectFailure("div", &.{ "1", "0" }, error.BuiltinError, "divide by zero");
    try expectFailure("div", &.{ "1.5", "0.0" }, error.BuiltinError, "divide by zero");
    try expectFailure("div", &.{ "\"1\"", "2" }, error.TypeError, "operand 1 must be number but got string");
    try expectFailure("div", &.{ "1", "[2]" }, error.TypeError, "operand 2 must be number but got array");
    try expectValue("rem", &.{ "7", "4" }, "3");
    try expectValue("rem", &.{ "-7", "4" }, "-3");
    try expectFailure("rem", &.{ "7", "0" }, error.BuiltinError, "modulo by zero");
    try expectFailure("rem", &.{ "1.1", "1" }, error.BuiltinError, "modulo on floating-point number");
    try expectFailure("rem", &.{ "5", "18446744073709551616" }, error.BuiltinError, "modulo by zero");
    try expectValue("rem", &.{ "18446744073709551621", "7" }, "0");
    try expectFailure("rem", &.{ "\"a\"", "1" }, error.TypeError, "operand 1 must be number but got string");
    try expectFailure("rem", &.{ "1", "\"a\"" }, error.TypeError, "operand 2 must be number but got string");
    try expectFailure("rem", &.{ "\"a\"", "\"b\"" }, error.TypeError, "operand 1 must be number but got string");
    try expectValue("abs", &.{"-10"}, "10");
    try expectValue("abs", &.{"-1e30"}, "1000000000000000000000000000000");
    try expectValue("abs", &.{"-2.5"}, "2.5");
    try expectFailure("abs", &.{"\"x\""}, error.TypeError, "operand 1 must be number but got string");
    try expectValue("round", &.{"2.5"}, "3");
    try expectValue("round", &.{"-2.5"}, "-3");
    try expectValue("round", &.{"9223372036854775809"}, "9223372036854775810");
    try expectValue("round", &.{"1.4999999999"}, "1");
    try expectFailure("round", &.{"null"}, error.TypeError, "operand 1 must be number but got null");
    try expectValue("ceil", &.{"-0.5"}, "1");
    try expectValue("ceil", &.{"1.01"}, "2");
    try expectFailure("ceil", &.{"{}"}, error.TypeError, "operand 1 must be number but got object");
    try expectValue("floor", &.{"-0.5"}, "0");
    try expectValue("floor", &.{"-1.001"}, "-2");
    try expectFailure("floor", &.{"false"}, error.TypeError, "operand 1 must be number but got boolean");
}

test "numbers.range and numbers.range_step" {
    try expectValue("numbers.range", &.{ "0", "0" }, "[0]");
    try expectValue("numbers.range", &.{ "-2", "3" }, "[-2,-1,0,1,2,3]");
    try expectValue("numbers.range", &.{ "2", "-3" }, "[2,1,0,-1,-2,-3]");
    try expectValue("numbers.range", &.{ "49649733057", "49649733060" }, "[49649733057,49649733058,49649733059,49649733060]");
    try expectValue("numbers.range", &.{ "1.0", "3e0" }, "[1,2,3]");
    try expectValue("numbers.range", &.{ "18446744073709551615", "18446744073709551618" }, "[18446744073709551615,18446744073709551616,18446744073709551617,18446744073709551618]");
    try expectValue("numbers.range", &.{ "18446744073709551617", "18446744073709551614" }, "[18446744073709551617,18446744073709551616,18446744073709551615,18446744073709551614]");
    try expectFailure("numbers.range", &.{ "3.14", "4" }, error.TypeError, "operand 1 must be integer number but got floating-point number");
    try expectFailure("numbers.range", &.{ "3", "3.14" }, error.TypeError, "operand 2 must be integer number but got floating-point number");
    try expectFailure("numbers.range", &.{ "\"a\"", "4" }, error.TypeError, "operand 1 must be integer but got string");
    try expectFailure("numbers.range", &.{ "1", "null" }, error.TypeError, "operand 2 must be integer but got null");
    try expectValue("numbers.range", &.{ "9223372036854775806", "9223372036854775807" }, "[9223372036854775806,9223372036854775807]");
    try expectValue("numbers.range", &.{ "-9223372036854775808", "-9223372036854775807" }, "[-9223372036854775808,-9223372036854775807]");
    try expectValue("numbers.range_step", &.{ "0", "10", "2" }, "[0,2,4,6,8,10]");
    try expectValue("numbers.range_step", &.{ "0", "-10", "2" }, "[0,-2,-4,-6,-8,-10]");
    try expectValue("numbers.range_step", &.{ "2", "5", "2" }, "[2,4]");
    try expectFailure("numbers.range_step", &.{ "0", "10", "-2" }, error.BuiltinError, "numbers.range_step: step must be a positive integer");
    try expectFailure("numbers.range_step", &.{ "0", "10", "0" }, error.BuiltinError, "numbers.range_step: step must be a positive integer");
    try expectFailure("numbers.range_step", &.{ "0", "10", "0.0" }, error.BuiltinError, "numbers.range_step: step must be a positive integer");
    try expectValue("numbers.range_step", &.{ "0", "10", "99999999999999999999" }, "[0]");
    try expectFailure("numbers.range_step", &.{ "0", "10", "2.5" }, error.TypeError, "operand 3 must be integer number but got floating-point number");
    try expectFailure("numbers.range_step", &.{ "0", "10", "\"2\"" }, error.TypeError, "operand 3 must be integer but got string");
    try expectFailure("numbers.range_step", &.{ "0.5", "10", "2" }, error.TypeError, "operand 1 must be integer number but got floating-point number");
    try expectValue("numbers.range_step", &.{ "-9223372036854775808", "9223372036854775807", "9223372036854775807" }, "[-9223372036854775808,-1,9223372036854775806]");
    try expectValue("numbers.range_step", &.{ "18446744073709551616", "0", "9223372036854775808" }, "[18446744073709551616,9223372036854775808,0]");
}

test "numbers.range refuses absurd lengths instead of exhausting memory" {
    try expectFailure("numbers.range", &.{ "0", "9223372036854775807" }, error.OutOfMemory, "");
    try expectFailure("numbers.range", &.{ "-9223372036854775808", "9223372036854775807" }, error.OutOfMemory, "");
    try expectFailure("numbers.range", &.{ "0", "100000000000000000000" }, error.OutOfMemory, "");
    try expectFailure("numbers.range_step", &.{ "0", "1e30", "1000" }, error.OutOfMemory, "");
}

test "bits" {
    try expectValue("bits.and", &.{ "7", "9" }, "1");
    try expectFailure("bits.and", &.{ "7.5", "9" }, error.TypeError, "operand 1 must be integer number but got floating-point number");
    try expectFailure("bits.and", &.{ "7", "\"9\"" }, error.TypeError, "operand 2 must be integer but got string");
    try expectValue("bits.and", &.{ "-12345678901234567890123", "98765432109876543210" }, "1729664867975313952");
    try expectValue("bits.and", &.{ "-12345678901234567890123", "-98765432109876543210" }, "-12347408566102543204076");
    try expectValue("bits.and", &.{ "-1", "18446744073709551615" }, "18446744073709551615");
    try expectValue("bits.or", &.{ "5", "3" }, "7");
    try expectValue("bits.or", &.{ "-12345678901234567890123", "-98765432109876543210" }, "-97035767241901229257");
    try expectValue("bits.or", &.{ "12345678901234567890123", "-98765432109876543210" }, "-1729664867975313953");
    try expectValue("bits.or", &.{ "1.0", "2e0" }, "3");
    try expectValue("bits.xor", &.{ "5", "3" }, "6");
    try expectValue("bits.xor", &.{ "-12345678901234567890123", "98765432109876543210" }, "-12250372798860641974817");
    try expectValue("bits.xor", &.{ "-12345678901234567890123", "-98765432109876543210" }, "12250372798860641974819");
    try expectValue("bits.xor", &.{ "-9223372036854775808", "-1" }, "9223372036854775807");
    try expectValue("bits.negate", &.{"0"}, "-1");
    try expectValue("bits.negate", &.{"-9223372036854775808"}, "9223372036854775807");
    try expectValue("bits.negate", &.{"9223372036854775807"}, "-9223372036854775808");
    try expectValue("bits.negate", &.{"98765432109876543210"}, "-98765432109876543211");
    try expectValue("bits.negate", &.{"-98765432109876543210"}, "98765432109876543209");
    try expectFailure("bits.negate", &.{"1.5"}, error.TypeError, "operand 1 must be integer number but got floating-point number");
    try expectFailure("bits.negate", &.{"null"}, error.TypeError, "operand 1 must be integer but got null");
    try expectValue("bits.lsh", &.{ "1", "2" }, "4");
    try expectValue("bits.lsh", &.{ "2147483647", "1" }, "4294967294");
    try expectValue("bits.lsh", &.{ "9223372036854775807", "1" }, "18446744073709551614");
    try expectValue("bits.lsh", &.{ "-9223372036854775808", "63" }, "-85070591730234615865843651857942052864");
    try expectValue("bits.lsh", &.{ "1", "100" }, "1267650600228229401496703205376");
    try expectValue("bits.lsh", &.{ "-3", "70" }, "-3541774862152233910272");
    try expectValue("bits.lsh", &.{ "0", "100000" }, "0");
    try expectFailure("bits.lsh", &.{ "1", "-1" }, error.TypeError, "operand 2 must be an unsigned integer number but got a negative integer");
    try expectFailure("bits.lsh", &.{ "1.5", "1" }, error.TypeError, "operand 1 must be integer number but got floating-point number");
    try expectFailure("bits.lsh", &.{ "1", "1.5" }, error.TypeError, "operand 2 must be integer number but got floating-point number");
    try expectValue("bits.lsh", &.{ "5", "18446744073709551616" }, "5");
    try expectValue("bits.lsh", &.{ "5", "18446744073709551617" }, "10");
    try expectValue("bits.rsh", &.{ "8", "2" }, "2");
    try expectValue("bits.rsh", &.{ "-5", "1" }, "-3");
    try expectValue("bits.rsh", &.{ "-5", "100" }, "-1");
    try expectValue("bits.rsh", &.{ "5", "100" }, "0");
    try expectValue("bits.rsh", &.{ "-98765432109876543210", "3" }, "-12345679013734567902");
    try expectValue("bits.rsh", &.{ "98765432109876543210", "64" }, "5");
    try expectValue("bits.rsh", &.{ "-98765432109876543210", "200" }, "-1");
    try expectValue("bits.rsh", &.{ "8", "18446744073709551616" }, "8");
    try expectFailure("bits.rsh", &.{ "8", "-1" }, error.TypeError, "operand 2 must be an unsigned integer number but got a negative integer");
    try expectFailure("bits.rsh", &.{ "\"8\"", "1" }, error.TypeError, "operand 1 must be integer but got string");
}

test "bits.lsh refuses results beyond the integer size limit" {
    try expectFailure("bits.lsh", &.{ "1", "1000000" }, error.BuiltinError, "number too big");
    try expectFailure("bits.lsh", &.{ "1", "18446744073709551615" }, error.BuiltinError, "number too big");
    try expectValue("bits.rsh", &.{ "1", "18446744073709551615" }, "0");
}

test "builtin table" {
    for (builtins, 0..) |a, i| {
        for (builtins[i + 1 ..]) |b| try std.testing.expect(!std.mem.eql(u8, a.name, b.name));
        try std.testing.expect(!a.nondeterministic);
    }
}

test "bitwise operations on mixed-sign big integers (std's bitOr gets these wrong)" {
    // Found by differential testing against opa.
    try expectValue("bits.or", &.{ "66", "-1032208513397486939626187905" }, "-1032208513397486939626187905");
    try expectValue("bits.or", &.{ "-789105416450550365226580589", "59" }, "-789105416450550365226580549");
    try expectValue("bits.or", &.{ "9223372036854775807", "-1117366563094012106115043146" }, "-1117366558326276422107136001");
}
