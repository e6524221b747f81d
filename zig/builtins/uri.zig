//! Builtins of the uri family (see builtin.zig for the interface): uri.parse
//! and uri.is_valid (v1/topdown/uri.go) over Go's net/url.Parse (misc/gourl.zig).
const std = @import("std");
const builtin = @import("builtin.zig");
const value_mod = @import("../value/mod.zig");
const gourl = @import("../misc/gourl.zig");

const Value = builtin.Value;
const Context = builtin.Context;
const Error = builtin.Error;

pub const builtins: []const builtin.Builtin = &.{
    .{ .name = "uri.parse", .arity = 1, .func = parse },
    .{ .name = "uri.is_valid", .arity = 1, .func = isValid },
};

/// The URI's non-empty components: scheme, hostname, port, path with
/// raw_path (the path as written, always there with the path), raw_query
/// and fragment.
fn parse(ctx: *Context, args: []const Value) Error!Value {
    if (args[0] != .string) return ctx.operandError(1, "string", args[0]);
    var message: []const u8 = "";
    const u = gourl.parse(ctx.allocator, args[0].string, &message) catch |err| switch (err) {
        error.OutOfMemory => return error.OutOfMemory,
        error.InvalidURL => return ctx.builtinError("{s}", .{message}),
    };
    const fields = [_]struct { []const u8, []const u8 }{
        .{ "scheme", u.scheme },
        .{ "hostname", u.hostname() },
        .{ "port", u.port() },
        .{ "path", u.path },
        .{ "raw_path", if (u.path.len == 0) "" else if (u.raw_path.len > 0) u.raw_path else u.path },
        .{ "raw_query", u.raw_query },
        .{ "fragment", u.fragment },
    };
    var keys: std.ArrayList(Value) = .empty;
    var values: std.ArrayList(Value) = .empty;
    for (fields) |field| {
        if (field[1].len == 0) continue;
        try keys.append(ctx.allocator, .{ .string = field[0] });
        try values.append(ctx.allocator, .{ .string = field[1] });
    }
    const object = value_mod.order.objectFromUnsorted(ctx.allocator, keys.items, values.items, .reject, null) catch |err| switch (err) {
        error.OutOfMemory => return error.OutOfMemory,
        error.DuplicateKey => unreachable, // The field names are distinct.
    };
    return .{ .object = object };
}

/// Whether url.Parse accepts the string; "" and non-strings are not valid.
fn isValid(ctx: *Context, args: []const Value) Error!Value {
    if (args[0] != .string or args[0].string.len == 0) return Value.false;
    var message: []const u8 = "";
    _ = gourl.parse(ctx.allocator, args[0].string, &message) catch |err| switch (err) {
        error.OutOfMemory => return error.OutOfMemory,
        error.InvalidURL => return Value.false,
    };
    return Value.true;
}

const test_support = @import("numbers.zig").test_support;

test "uri.parse" {
    try test_support.expectValue(builtins, "uri.parse", &.{"\"https://example.com:8080/api?q=1#top\""},
        \\{"fragment":"top","hostname":"example.com","path":"/api","port":"8080","raw_path":"/api","raw_query":"q=1","scheme":"https"}
    );
    try test_support.expectValue(builtins, "uri.parse", &.{"\"https://example.com/path%2Fwith%2Fslashes\""},
        \\{"hostname":"example.com","path":"/path/with/slashes","raw_path":"/path%2Fwith%2Fslashes","scheme":"https"}
    );
    try test_support.expectValue(builtins, "uri.parse", &.{"\"\""}, "{}");
    try test_support.expectFailure(builtins, "uri.parse", &.{"\"http://[invalid\""}, error.BuiltinError, "parse \"http://[invalid\": missing ']' in host");
}

test "uri.is_valid" {
    try test_support.expectValue(builtins, "uri.is_valid", &.{"\"https://example.com/path?q=1\""}, "true");
    try test_support.expectValue(builtins, "uri.is_valid", &.{"\"\""}, "false");
    try test_support.expectValue(builtins, "uri.is_valid", &.{"\"http://[invalid\""}, "false");
    try test_support.expectValue(builtins, "uri.is_valid", &.{"1"}, "false");
}
