//! Builtins of the glob family (see builtin.zig for the interface):
//! glob.match and glob.quote_meta (v1/topdown/glob.go) over a port of
//! github.com/gobwas/glob v0.2.3 (misc/gobwas/), whose answers OPA gives.
const std = @import("std");
const builtin = @import("builtin.zig");
const syntax = @import("../misc/gobwas/syntax.zig");
const compiler = @import("../misc/gobwas/compile.zig");
const match = @import("../misc/gobwas/match.zig");
const strings = @import("strings.zig");

const Value = builtin.Value;
const Context = builtin.Context;
const Error = builtin.Error;

pub const builtins: []const builtin.Builtin = &.{
    .{ .name = "glob.match", .arity = 3, .func = globMatch },
    .{ .name = "glob.quote_meta", .arity = 1, .func = quoteMeta },
};

/// The delimiters operand: null for none, an array of single characters
/// (empty means "."), as builtins.RuneSliceOperand reads it.
fn delimiters(ctx: *Context, v: Value) Error![]const u21 {
    const items = switch (v) {
        .null => return &.{},
        .array => |items| items,
        else => return ctx.operandError(2, "one of {array, null}", v),
    };
    if (items.len == 0) return &.{'.'};
    const runes = try ctx.allocator.alloc(u21, items.len);
    for (items, runes) |item, *r| {
        if (item != .string) return ctx.typeError("operand 2 must be array of strings but got array containing {s}", .{builtin.typeName(item)});
        // []rune(s) must have exactly one rune (an invalid byte is one U+FFFD).
        const s = item.string;
        const d = if (s.len > 0) strings.decodeRune(s) else null;
        if (d == null or d.?.len != s.len) return ctx.typeError("operand 2 must be array of runes but got array containing string", .{});
        r.* = d.?.code;
    }
    return runes;
}

fn globMatch(ctx: *Context, args: []const Value) Error!Value {
    if (args[0] != .string) return ctx.operandError(1, "string", args[0]);
    const separators = try delimiters(ctx, args[1]);
    if (args[2] != .string) return ctx.operandError(3, "string", args[2]);

    var diagnostic: syntax.Diagnostic = .{};
    const tree = syntax.parse(ctx.allocator, args[0].string, &diagnostic) catch |err| switch (err) {
        error.OutOfMemory => return error.OutOfMemory,
        error.InvalidPattern => return ctx.builtinError("{s}", .{diagnostic.message}),
    };
    const matcher = try compiler.compile(ctx.allocator, tree, separators);
    var machine: match.Machine = .{ .allocator = ctx.allocator };
    const matched = machine.match(matcher, args[2].string) catch |err| switch (err) {
        error.OutOfMemory => return error.OutOfMemory,
        // gobwas slices out of range here and OPA v1.19.0 crashes.
        error.Panic => return ctx.builtinError("cannot match this pattern (OPA panics on it)", .{}),
    };
    return .{ .boolean = matched };
}

fn quoteMeta(ctx: *Context, args: []const Value) Error!Value {
    if (args[0] != .string) return ctx.operandError(1, "string", args[0]);
    return .{ .string = try syntax.quoteMeta(ctx.allocator, args[0].string) };
}

const test_support = @import("numbers.zig").test_support;

test "glob.match" {
    try test_support.expectValue(builtins, "glob.match", &.{ "\"*.github.com\"", "[]", "\"api.github.com\"" }, "true");
    try test_support.expectValue(builtins, "glob.match", &.{ "\"*.github.com\"", "[]", "\"api.cdn.github.com\"" }, "false");
    try test_support.expectValue(builtins, "glob.match", &.{ "\"*.github.com\"", "null", "\"api.cdn.github.com\"" }, "true");
    try test_support.expectValue(builtins, "glob.match", &.{ "\"*:github:com\"", "[\":\"]", "\"api:github:com\"" }, "true");
    try test_support.expectFailure(builtins, "glob.match", &.{ "\"[\"", "[]", "\"a\"" }, error.BuiltinError, "unexpected end of input");
    try test_support.expectFailure(builtins, "glob.match", &.{ "\"a\"", "[\"ab\"]", "\"a\"" }, error.TypeError, "operand 2 must be array of runes but got array containing string");
    try test_support.expectFailure(builtins, "glob.match", &.{ "\"a\"", "[1]", "\"a\"" }, error.TypeError, "operand 2 must be array of strings but got array containing number");
    try test_support.expectFailure(builtins, "glob.match", &.{ "\"a\"", "{}", "\"a\"" }, error.TypeError, "operand 2 must be one of {array, null} but got object");
    try test_support.expectFailure(builtins, "glob.match", &.{ "\"x{,}\"", "[]", "\"x\"" }, error.BuiltinError, "cannot match this pattern (OPA panics on it)");
}

test "glob.quote_meta" {
    try test_support.expectValue(builtins, "glob.quote_meta", &.{"\"*.github.com\""}, "\"\\\\*.github.com\"");
}
