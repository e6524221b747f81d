//! Builtins about the host OPA would run in: opa.runtime and trace.
//!
//! This library is embedded, with no OPA runtime around it (no config file, no
//! `opa run` flags): `opa.runtime()` is `{}`, as OPA's own evaluator gives when it
//! is used as a library without runtime information. Evaluations are not traced,
//! so `trace(note)` only checks its argument and succeeds, as OPA does with no tracer.
const std = @import("std");
const builtin = @import("builtin.zig");
const value_mod = @import("../value/mod.zig");

const Value = builtin.Value;
const Context = builtin.Context;
const Error = builtin.Error;

pub const builtins: []const builtin.Builtin = &.{
    .{ .name = "opa.runtime", .arity = 0, .func = runtime },
    .{ .name = "trace", .arity = 1, .func = trace },
};

fn runtime(_: *Context, _: []const Value) Error!Value {
    return .{ .object = &value_mod.Object.empty };
}

fn trace(ctx: *Context, args: []const Value) Error!Value {
    if (args[0] != .string) return ctx.operandError(1, "string", args[0]);
    return Value.true;
}

test "opa.runtime is empty and trace needs a string" {
    var ctx: Context = .{ .allocator = std.testing.allocator };
    defer ctx.message.deinit(std.testing.allocator);
    const info = try runtime(&ctx, &.{});
    try std.testing.expectEqual(@as(usize, 0), info.object.keys.len);
    try std.testing.expect((try trace(&ctx, &.{.{ .string = "note" }})).boolean);
    try std.testing.expectError(error.TypeError, trace(&ctx, &.{.null}));
}
