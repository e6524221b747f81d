//! Builtins of the rand family (see builtin.zig for the interface):
//! rand.intn (v1/topdown/numbers.go).
const std = @import("std");
const builtin = @import("builtin.zig");
const arrays = @import("arrays.zig");

const Value = builtin.Value;
const Context = builtin.Context;
const Error = builtin.Error;

pub const builtins: []const builtin.Builtin = &.{
    .{ .name = "rand.intn", .arity = 2, .func = intn, .nondeterministic = true },
};

/// A random integer in [0, |n|). The evaluator caches the value per
/// evaluation and arguments, so a key and bound always give the same number.
/// (OPA's cache key takes |n|, so rand.intn("k", -5) and rand.intn("k", 5)
/// share their value there; here they are drawn apart.)
fn intn(ctx: *Context, args: []const Value) Error!Value {
    if (args[0] != .string) return ctx.operandError(1, "string", args[0]);
    const n = try arrays.intOperand(ctx, args, 2);
    if (n == 0) return .{ .number = .fromInt(0) };
    const bound: u64 = @abs(n);
    const drawn = std.crypto.random.uintLessThan(u64, bound);
    // bound <= 2^63, so the draw fits i64.
    return .{ .number = .fromInt(@intCast(drawn)) };
}

const test_support = @import("numbers.zig").test_support;

test "rand.intn stays in range and checks its operands" {
    try test_support.expectValue(builtins, "rand.intn", &.{ "\"k\"", "0" }, "0");
    try test_support.expectValue(builtins, "rand.intn", &.{ "\"k\"", "1" }, "0");
    try test_support.expectValue(builtins, "rand.intn", &.{ "\"k\"", "-1" }, "0");
    try test_support.expectFailure(builtins, "rand.intn", &.{ "\"k\"", "1.5" }, error.TypeError, "operand 2 must be integer number but got floating-point number");
    try test_support.expectFailure(builtins, "rand.intn", &.{ "1", "5" }, error.TypeError, "operand 1 must be string but got number");
    var arena: std.heap.ArenaAllocator = .init(std.testing.allocator);
    defer arena.deinit();
    var ctx: Context = .{ .allocator = arena.allocator() };
    for (0..100) |_| {
        const v = try intn(&ctx, &.{ .{ .string = "k" }, .{ .number = .fromInt(-7) } });
        try std.testing.expect(v.number.int >= 0 and v.number.int < 7);
    }
}
