//! Builtins of the semver family (see builtin.zig for the interface):
//! semver.compare and semver.is_valid (v1/topdown/semver.go) over
//! misc/semver.zig, OPA's internal/semver.
const std = @import("std");
const builtin = @import("builtin.zig");
const semver = @import("../misc/semver.zig");
const sprintf = @import("sprintf.zig");

const Value = builtin.Value;
const Context = builtin.Context;
const Error = builtin.Error;

pub const builtins: []const builtin.Builtin = &.{
    .{ .name = "semver.compare", .arity = 2, .func = compare },
    .{ .name = "semver.is_valid", .arity = 1, .func = isValid },
};

fn compare(ctx: *Context, args: []const Value) Error!Value {
    for (args, 1..) |arg, position| {
        if (arg != .string) return ctx.operandError(position, "string", arg);
    }
    var versions: [2]semver.Version = undefined;
    for (args, &versions, 1..) |arg, *version, position| {
        version.* = semver.parse(arg.string) orelse {
            // OPA prints the operand as a Rego string: quoted.
            const quoted = try sprintf.quote(ctx.allocator, arg.string);
            return ctx.builtinError("operand {d}: string {s} is not a valid SemVer", .{ position, quoted });
        };
    }
    return .{ .number = .fromInt(semver.compare(versions[0], versions[1])) };
}

fn isValid(_: *Context, args: []const Value) Error!Value {
    const valid = args[0] == .string and semver.parse(args[0].string) != null;
    return .{ .boolean = valid };
}

const test_support = @import("numbers.zig").test_support;

test "semver.compare and semver.is_valid" {
    try test_support.expectValue(builtins, "semver.compare", &.{ "\"1.0.0-rc.1\"", "\"1.0.0\"" }, "-1");
    try test_support.expectValue(builtins, "semver.compare", &.{ "\"v2.0.0\"", "\"1.9.9\"" }, "1");
    try test_support.expectValue(builtins, "semver.is_valid", &.{"\"1.0.0+meta\""}, "true");
    try test_support.expectValue(builtins, "semver.is_valid", &.{"1"}, "false");
    try test_support.expectFailure(builtins, "semver.compare", &.{ "\"1\"", "\"1.0.0\"" }, error.BuiltinError, "operand 1: string \"1\" is not a valid SemVer");
    try test_support.expectFailure(builtins, "semver.compare", &.{ "\"1.0.0\"", "2" }, error.TypeError, "operand 2 must be string but got number");
}
