//! Builtins of the yaml family (see builtin.zig for the interface):
//! yaml.marshal, yaml.unmarshal, yaml.is_valid (v1/topdown/encoding.go).
//! The YAML machinery lives in zig/yaml/; it follows sigs.k8s.io/yaml over
//! go-yaml v2, which OPA uses, including its error messages.
const std = @import("std");
const builtin = @import("builtin.zig");
const yaml = @import("../yaml/mod.zig");

const Value = builtin.Value;
const Context = builtin.Context;
const Error = builtin.Error;

pub const builtins: []const builtin.Builtin = &.{
    .{ .name = "yaml.marshal", .arity = 1, .func = marshal },
    .{ .name = "yaml.unmarshal", .arity = 1, .func = unmarshal },
    .{ .name = "yaml.is_valid", .arity = 1, .func = isValid },
};

fn fail(ctx: *Context, d: *const yaml.Diagnostic) Error {
    return ctx.builtinError("{f}", .{d});
}

fn marshal(ctx: *Context, args: []const Value) Error!Value {
    var d: yaml.Diagnostic = .{};
    const text = yaml.encode(ctx.allocator, args[0], &d) catch |err| switch (err) {
        error.OutOfMemory => return error.OutOfMemory,
        error.Yaml => return fail(ctx, &d),
    };
    return .{ .string = text };
}

fn unmarshal(ctx: *Context, args: []const Value) Error!Value {
    const text = switch (args[0]) {
        .string => |s| s,
        else => return ctx.operandError(1, "string", args[0]),
    };
    var d: yaml.Diagnostic = .{};
    return yaml.decode(ctx.allocator, text, &d) catch |err| switch (err) {
        error.OutOfMemory => return error.OutOfMemory,
        error.Yaml => return fail(ctx, &d),
    };
}

/// False for anything yaml.unmarshal would reject, non-strings included.
fn isValid(ctx: *Context, args: []const Value) Error!Value {
    const text = switch (args[0]) {
        .string => |s| s,
        else => return Value.false,
    };
    // Scratch in its own arena: a rejected document leaves nothing behind.
    var arena: std.heap.ArenaAllocator = .init(ctx.allocator);
    defer arena.deinit();
    var d: yaml.Diagnostic = .{};
    _ = yaml.decode(arena.allocator(), text, &d) catch |err| switch (err) {
        error.OutOfMemory => return error.OutOfMemory,
        error.Yaml => return Value.false,
    };
    return Value.true;
}
