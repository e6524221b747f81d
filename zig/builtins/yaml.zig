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

// Expected values below are OPA v1.19.0's answers (`opa eval --strict-builtin-errors`).

fn expectCall(func: builtin.Fn, arg: Value, expected_json: []const u8) !void {
    var arena: std.heap.ArenaAllocator = .init(std.testing.allocator);
    defer arena.deinit();
    var ctx: Context = .{ .allocator = arena.allocator() };
    const result = try func(&ctx, &.{arg});
    const json = try @import("../value/mod.zig").json.serializeAlloc(arena.allocator(), result);
    try std.testing.expectEqualStrings(expected_json, json);
}

fn expectUnmarshal(text: []const u8, expected_json: []const u8) !void {
    try expectCall(unmarshal, .{ .string = text }, expected_json);
}

fn expectUnmarshalError(text: []const u8, expected: []const u8) !void {
    var arena: std.heap.ArenaAllocator = .init(std.testing.allocator);
    defer arena.deinit();
    var ctx: Context = .{ .allocator = arena.allocator() };
    try std.testing.expectError(error.BuiltinError, unmarshal(&ctx, &.{.{ .string = text }}));
    try std.testing.expectEqualStrings(expected, ctx.message.items);
}

fn expectMarshal(json_text: []const u8, expected_yaml: []const u8) !void {
    var arena: std.heap.ArenaAllocator = .init(std.testing.allocator);
    defer arena.deinit();
    var ctx: Context = .{ .allocator = arena.allocator() };
    const v = try @import("../value/mod.zig").json.parse(arena.allocator(), json_text);
    const result = try marshal(&ctx, &.{v});
    try std.testing.expectEqualStrings(expected_yaml, result.string);
}

test "yaml.unmarshal: YAML 1.1 scalars as go-yaml v2 types them" {
    try expectUnmarshal(
        "a: 1\nb: [yes, no, on, off, ~, 1.5, 0x1F, 012, 1e3, 1_000, \"1\", 2001-12-14, 08, +12, -0b101]",
        \\{"a":1,"b":[true,false,true,false,null,1.5,31,10,1000,1000,"1","2001-12-14",8,12,-5]}
    );
    try expectUnmarshal(
        "- 123456789012345678901234567890\n- 18446744073709551615\n- 1e21\n- 0.0000001\n- 1.0",
        "[1.2345678901234568e+29,18446744073709551615,1e+21,1e-7,1]",
    );
    try expectUnmarshal("1: a\n2.5: b\ntrue: c\n3.14159265: d\n",
        \\{"1":"a","2.5":"b","3.1415927":"d","true":"c"}
    );
    try expectUnmarshal("", "null");
    // UTF-16 with a byte order mark is read as go-yaml's reader does.
    try expectUnmarshal("\xff\xfea\x00:\x00 \x001\x00",
        \\{"a":1}
    );
    try expectUnmarshalError("\xff\xfe\x00\xdc", "yaml: unexpected low surrogate area");
    try expectUnmarshalError("a: \x7f", "yaml: control characters are not allowed");
    try expectUnmarshal("a: |\n  line1\n  line2\nb: >\n  folded\n  text\n",
        \\{"a":"line1\nline2\n","b":"folded text\n"}
    );
}

test "yaml.unmarshal: anchors, merge keys, first document only" {
    // `y` is a YAML 1.1 boolean, so the key is "true".
    try expectUnmarshal("base: &b {x: 1, y: 2}\nd:\n  <<: *b\n  y: 3\n",
        \\{"base":{"true":2,"x":1},"d":{"true":3,"x":1}}
    );
    try expectUnmarshal("a: &x [1, 2]\nb: *x\n",
        \\{"a":[1,2],"b":[1,2]}
    );
    try expectUnmarshal("a: 1\n--- \nb: 2\n",
        \\{"a":1}
    );
    try expectUnmarshal("{a: 1, a: 2}",
        \\{"a":2}
    );
}

test "yaml.unmarshal: errors read like OPA's" {
    try expectUnmarshalError("[1,2,3", "yaml: line 1: did not find expected ',' or ']'");
    try expectUnmarshalError("a: [1, 2]]", "yaml: did not find expected key");
    try expectUnmarshalError("a:\n  b: 1\n c: 2", "yaml: line 2: did not find expected key");
    try expectUnmarshalError("a: 1\nb\nc: 2", "yaml: line 3: could not find expected ':'");
    try expectUnmarshalError("a: 'unterminated\n", "yaml: line 2: found unexpected end of stream");
    try expectUnmarshalError("a: &a [*a]", "yaml: anchor 'a' value contains itself");
    try expectUnmarshalError("!!int abc", "yaml: cannot decode !!str `abc` as a !!int");
    try expectUnmarshalError(".inf", "json: unsupported value: +Inf");
    try expectUnmarshalError("~: a", "unsupported map key of type: %!s(<nil>), key: <nil>, value: \"a\"");
}

test "yaml.unmarshal: alias bombs and deep nesting fail cleanly" {
    var bomb: std.ArrayList(u8) = .empty;
    defer bomb.deinit(std.testing.allocator);
    try bomb.appendSlice(std.testing.allocator, "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    const names = "abcdefghi";
    for (names[1..], names[0 .. names.len - 1]) |name, previous| {
        try bomb.print(std.testing.allocator, "{c}: &{c} [", .{ name, name });
        for (0..9) |i| try bomb.print(std.testing.allocator, "{s}*{c}", .{ if (i == 0) "" else ", ", previous });
        try bomb.appendSlice(std.testing.allocator, "]\n");
    }
    try expectUnmarshalError(bomb.items, "yaml: document contains excessive aliasing");

    const deep = "[" ** 20000;
    try expectUnmarshalError(deep, "yaml: exceeded max depth of 512");
}

test "yaml.is_valid" {
    try expectCall(isValid, .{ .string = "foo:\n - qux: bar\n - baz: 2" }, "true");
    try expectCall(isValid, .{ .string = "foo:\n - qux: bar\n - baz: {" }, "false");
    try expectCall(isValid, .{ .string = ".nan" }, "false");
    try expectCall(isValid, .{ .boolean = true }, "false");
}

test "yaml.marshal: go-yaml's output format" {
    try expectMarshal(
        \\{"s": ["true", "", "a: b", " lead", "multi\nline", "quote'd", "é", "😀", "a\u0000b", "-", "1:30"]}
    , "s:\n- \"true\"\n- \"\"\n- 'a: b'\n- ' lead'\n- |-\n  multi\n  line\n- quote'd\n- é\n- \"\\U0001F600\"\n- \"a\\0b\"\n- '-'\n- \"1:30\"\n");
    try expectMarshal("[1.0, 1.5, 1e6, 12345678901234567890, 123456789012345678901234567890, 0.00001]",
        "- 1\n- 1.5\n- 1e+06\n- 12345678901234567890\n- 1.2345678901234568e+29\n- 1e-05\n");
    try expectMarshal(
        \\{"a10": 1, "a2": 2, "b": 3, "A": 4, "_x": 5, "10": 7, "9": 8, "e": {}, "f": []}
    , "_x: 5\n\"9\": 8\n\"10\": 7\nA: 4\na2: 2\na10: 1\nb: 3\ne: {}\nf: []\n");
    try expectMarshal(
        \\{"key": "this is a very long string with many words that should be folded by the go yaml emitter because it exceeds eighty columns"}
    , "key: this is a very long string with many words that should be folded by the go yaml\n  emitter because it exceeds eighty columns\n");
    try expectMarshal(
        \\[[1, 2], [[3]], {"a": [4, 5]}]
    , "- - 1\n  - 2\n- - - 3\n- a:\n  - 4\n  - 5\n");
    try expectMarshal("null", "null\n");
    try expectMarshal("\"x\\u0085y\"", "x y\n");
}
