//! Builtins of the types family (see builtin.zig for the interface): the type
//! predicates (`is_number`, ...), `type_name`, and the deprecated `cast_*`
//! builtins, which OPA v1 still registers (v1/topdown/type.go, type_name.go,
//! casts.go).
const std = @import("std");
const builtin = @import("builtin.zig");
const value_mod = @import("../value/mod.zig");

const Value = builtin.Value;
const Context = builtin.Context;
const Error = builtin.Error;
const Tag = value_mod.Tag;
const order = value_mod.order;

pub const builtins: []const builtin.Builtin = &.{
    .{ .name = "is_number", .arity = 1, .func = isType(.number) },
    .{ .name = "is_string", .arity = 1, .func = isType(.string) },
    .{ .name = "is_boolean", .arity = 1, .func = isType(.boolean) },
    .{ .name = "is_array", .arity = 1, .func = isType(.array) },
    .{ .name = "is_set", .arity = 1, .func = isType(.set) },
    .{ .name = "is_object", .arity = 1, .func = isType(.object) },
    .{ .name = "is_null", .arity = 1, .func = isType(.null) },
    .{ .name = "type_name", .arity = 1, .func = typeName },
    .{ .name = "cast_array", .arity = 1, .func = castArray },
    .{ .name = "cast_set", .arity = 1, .func = castSet },
    .{ .name = "cast_string", .arity = 1, .func = castIdentity(.string) },
    .{ .name = "cast_boolean", .arity = 1, .func = castIdentity(.boolean) },
    .{ .name = "cast_null", .arity = 1, .func = castIdentity(.null) },
    .{ .name = "cast_object", .arity = 1, .func = castIdentity(.object) },
};

/// `is_<tag>(x)`: true when x has that type, false otherwise (never undefined).
fn isType(comptime tag: Tag) builtin.Fn {
    return struct {
        fn call(_: *Context, args: []const Value) Error!Value {
            std.debug.assert(args.len == 1);
            return .{ .boolean = std.meta.activeTag(args[0]) == tag };
        }
    }.call;
}

fn typeName(_: *Context, args: []const Value) Error!Value {
    std.debug.assert(args.len == 1);
    return .{ .string = builtin.typeName(args[0]) };
}

/// `cast_<tag>(x)`: x itself when it has that type, else an operand error.
fn castIdentity(comptime tag: Tag) builtin.Fn {
    return struct {
        fn call(ctx: *Context, args: []const Value) Error!Value {
            std.debug.assert(args.len == 1);
            if (std.meta.activeTag(args[0]) != tag) return ctx.operandError(1, @tagName(tag), args[0]);
            return args[0];
        }
    }.call;
}

fn castArray(ctx: *Context, args: []const Value) Error!Value {
    std.debug.assert(args.len == 1);
    return switch (args[0]) {
        .array => args[0],
        // A set's items are already in canonical order, which is OPA's order too.
        .set => |s| .{ .array = s.items },
        else => ctx.operandError(1, "one of {array, set}", args[0]),
    };
}

fn castSet(ctx: *Context, args: []const Value) Error!Value {
    std.debug.assert(args.len == 1);
    return switch (args[0]) {
        .array => |items| .{ .set = try order.setFromUnsorted(ctx.allocator, items) },
        .set => args[0],
        else => ctx.operandError(1, "one of {array, set}", args[0]),
    };
}

/// A value as Rego text, OPA's `Value.String()`: what error messages print
/// for `%v`. Strings are quoted like Go's strconv.Quote, object keys and set
/// items come in canonical order, `set()` is the empty set. Use with `{f}`.
pub const Rego = struct {
    value: Value,

    pub fn format(self: Rego, w: *std.Io.Writer) std.Io.Writer.Error!void {
        try writeRego(w, self.value);
    }
};

pub fn rego(v: Value) Rego {
    return .{ .value = v };
}

fn writeRego(w: *std.Io.Writer, v: Value) std.Io.Writer.Error!void {
    switch (v) {
        .null => try w.writeAll("null"),
        .boolean => |b| try w.writeAll(if (b) "true" else "false"),
        .number => |n| try w.print("{f}", .{n}),
        .string => |s| try writeGoQuoted(w, s),
        .array => |items| {
            try w.writeByte('[');
            try writeDelimited(w, items);
            try w.writeByte(']');
        },
        .object => |object| {
            try w.writeByte('{');
            for (object.keys, object.values, 0..) |key, item, i| {
                if (i > 0) try w.writeAll(", ");
                try writeRego(w, key);
                try w.writeAll(": ");
                try writeRego(w, item);
            }
            try w.writeByte('}');
        },
        .set => |set| {
            if (set.items.len == 0) return w.writeAll("set()");
            try w.writeByte('{');
            try writeDelimited(w, set.items);
            try w.writeByte('}');
        },
    }
}

fn writeDelimited(w: *std.Io.Writer, items: []const Value) std.Io.Writer.Error!void {
    for (items, 0..) |item, i| {
        if (i > 0) try w.writeAll(", ");
        try writeRego(w, item);
    }
}

/// Go's strconv.Quote: printable runes as is, the usual backslash escapes,
/// other control and non-printable runes as \x, \u or \U escapes, and each
/// invalid UTF-8 byte as \xNN.
pub fn writeGoQuoted(w: *std.Io.Writer, s: []const u8) std.Io.Writer.Error!void {
    try w.writeByte('"');
    var i: usize = 0;
    while (i < s.len) {
        const c = s[i];
        if (c < 0x80) {
            try writeEscapedRune(w, c);
            i += 1;
            continue;
        }
        const len = std.unicode.utf8ByteSequenceLength(c) catch 0;
        const rune: ?u21 = if (len == 0 or i + len > s.len) null else std.unicode.utf8Decode(s[i..][0..len]) catch null;
        if (rune) |r| {
            try writeEscapedRune(w, r);
            i += len;
        } else {
            try w.print("\\x{x:0>2}", .{c});
            i += 1;
        }
    }
    try w.writeByte('"');
}

fn writeEscapedRune(w: *std.Io.Writer, r: u21) std.Io.Writer.Error!void {
    switch (r) {
        '"', '\\' => {
            try w.writeByte('\\');
            try w.writeByte(@intCast(r));
        },
        0x07 => try w.writeAll("\\a"),
        0x08 => try w.writeAll("\\b"),
        0x0c => try w.writeAll("\\f"),
        '\n' => try w.writeAll("\\n"),
        '\r' => try w.writeAll("\\r"),
        '\t' => try w.writeAll("\\t"),
        0x0b => try w.writeAll("\\v"),
        else => if (isGoPrint(r)) {
            var buffer: [4]u8 = undefined;
            const len = std.unicode.utf8Encode(r, &buffer) catch unreachable; // Decoded runes are valid.
            try w.writeAll(buffer[0..len]);
        } else if (r < 0x20 or r == 0x7f) {
            try w.print("\\x{x:0>2}", .{r});
        } else if (r < 0x10000) {
            try w.print("\\u{x:0>4}", .{r});
        } else {
            try w.print("\\U{x:0>8}", .{r});
        },
    }
}

/// unicode.IsPrint, exact for ASCII and Latin-1; above that an approximation
/// (spaces, format and private-use characters are not printable) since only
/// error messages use it.
pub fn isGoPrint(r: u21) bool {
    if (r < 0x100) return (r >= 0x20 and r < 0x7f) or (r >= 0xa1 and r != 0xad);
    return switch (r) {
        0x0600...0x0605, 0x061c, 0x06dd, 0x070f, 0x1680, 0x180e => false,
        0x2000...0x200f, 0x2028...0x202f, 0x205f...0x206f, 0x3000 => false,
        0xd800...0xf8ff, 0xfeff, 0xfff9...0xfffb, 0xfffe, 0xffff => false,
        0xe0000...0xe007f, 0xf0000...0x10ffff => false,
        else => true,
    };
}

// ---------------------------------------------------------------------------
// Tests

const testing = std.testing;

test "type predicates and type_name" {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    var ctx: Context = .{ .allocator = arena.allocator() };
    const samples = [_]Value{
        .null,
        Value.true,
        .{ .number = .fromInt(1) },
        .{ .string = "s" },
        .{ .array = &.{} },
        .{ .object = &value_mod.Object.empty },
        .{ .set = &value_mod.Set.empty },
    };
    const names = [_][]const u8{ "null", "boolean", "number", "string", "array", "object", "set" };
    const predicates = [_][]const u8{ "is_null", "is_boolean", "is_number", "is_string", "is_array", "is_object", "is_set" };
    for (samples, names) |sample, name| {
        const result = try typeName(&ctx, &.{sample});
        try testing.expectEqualStrings(name, result.string);
        for (predicates, 0..) |predicate_name, i| {
            const predicate = for (builtins) |b| {
                if (std.mem.eql(u8, b.name, predicate_name)) break b;
            } else unreachable;
            const is = try predicate.func(&ctx, &.{sample});
            try testing.expectEqual(std.mem.eql(u8, names[i], name), is.boolean);
        }
    }
}

test "casts" {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    var ctx: Context = .{ .allocator = arena.allocator() };
    const two: Value = .{ .number = .fromInt(2) };
    const one: Value = .{ .number = .fromInt(1) };
    const set = try castSet(&ctx, &.{.{ .array = &.{ two, one, two } }});
    try testing.expectEqual(@as(usize, 2), set.set.items.len);
    const array = try castArray(&ctx, &.{set});
    try testing.expect(order.equal(array, .{ .array = &.{ one, two } }));
    try testing.expectError(error.TypeError, castArray(&ctx, &.{one}));
    try testing.expectEqualStrings("operand 1 must be one of {array, set} but got number", ctx.message.items);
    try testing.expectError(error.TypeError, castIdentity(.string)(&ctx, &.{one}));
    try testing.expectEqualStrings("operand 1 must be string but got number", ctx.message.items);
    try testing.expect(order.equal(one, try castIdentity(.number)(&ctx, &.{one})));
}

test "Rego text of values, as OPA's Value.String()" {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    const a = arena.allocator();
    const v = try value_mod.json.parse(a, "{\"b\": [1, 2.50, null, true], \"a\": {}, \"c\": \"x\\\"\\n\\u0001é\\u2028\"}");
    var buffer: [256]u8 = undefined;
    var w: std.Io.Writer = .fixed(&buffer);
    try w.print("{f}", .{rego(v)});
    try testing.expectEqualStrings("{\"a\": {}, \"b\": [1, 2.50, null, true], \"c\": \"x\\\"\\n\\x01é\\u2028\"}", w.buffered());

    w = .fixed(&buffer);
    const set = try order.setFromUnsorted(a, &.{ .{ .string = "b" }, .{ .number = .fromInt(1) } });
    try w.print("{f} {f} {f}", .{ rego(.{ .set = set }), rego(.{ .set = &value_mod.Set.empty }), rego(.{ .string = "\xff\xf0\x9f\x98\x80" }) });
    try testing.expectEqualStrings("{1, \"b\"} set() \"\\xff😀\"", w.buffered());
}
