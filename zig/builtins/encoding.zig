//! Builtins of the encoding family (see builtin.zig for the interface):
//! json.marshal, json.marshal_with_options, json.unmarshal, json.is_valid,
//! base64.*, base64url.*, hex.*, urlquery.* (v1/topdown/encoding.go).
//!
//! OPA delegates to Go's encoding/json, encoding/base64, encoding/hex and
//! net/url; results and error messages follow those packages exactly.
const std = @import("std");
const assert = std.debug.assert;
const Allocator = std.mem.Allocator;
const builtin = @import("builtin.zig");
// Go's base64 decoding (shared with the JWT and x509 builtins).
const base64 = @import("../crypto/base64.zig");
const value_mod = @import("../value/mod.zig");
const types = @import("types.zig");

const Value = builtin.Value;
const Context = builtin.Context;
const Error = builtin.Error;
const Object = value_mod.Object;
const order = value_mod.order;
const json = value_mod.json;
const rego = types.rego;

pub const builtins: []const builtin.Builtin = &.{
    .{ .name = "json.marshal", .arity = 1, .func = jsonMarshal },
    .{ .name = "json.marshal_with_options", .arity = 2, .func = jsonMarshalWithOptions },
    .{ .name = "json.unmarshal", .arity = 1, .func = jsonUnmarshal },
    .{ .name = "json.is_valid", .arity = 1, .func = jsonIsValid },
    .{ .name = "base64.encode", .arity = 1, .func = base64Encode(std.base64.standard.Encoder) },
    .{ .name = "base64.decode", .arity = 1, .func = base64Decode },
    .{ .name = "base64.is_valid", .arity = 1, .func = base64IsValid },
    .{ .name = "base64url.encode", .arity = 1, .func = base64Encode(std.base64.url_safe.Encoder) },
    .{ .name = "base64url.encode_no_pad", .arity = 1, .func = base64Encode(std.base64.url_safe_no_pad.Encoder) },
    .{ .name = "base64url.decode", .arity = 1, .func = base64UrlDecode },
    .{ .name = "hex.encode", .arity = 1, .func = hexEncode },
    .{ .name = "hex.decode", .arity = 1, .func = hexDecode },
    .{ .name = "urlquery.encode", .arity = 1, .func = urlQueryEncode },
    .{ .name = "urlquery.decode", .arity = 1, .func = urlQueryDecode },
    .{ .name = "urlquery.encode_object", .arity = 1, .func = urlQueryEncodeObject },
    .{ .name = "urlquery.decode_object", .arity = 1, .func = urlQueryDecodeObject },
};

fn stringOperand(ctx: *Context, args: []const Value, position: usize) Error![]const u8 {
    const v = args[position - 1];
    if (v != .string) return ctx.operandError(position, "string", v);
    return v.string;
}

// ---------------------------------------------------------------------------
// json.marshal, json.marshal_with_options

/// OPA's JSON text of `v` (json.zig's serializer is ast.JSON + json.Marshal).
fn marshal(ctx: *Context, v: Value) Error![]u8 {
    return json.serializeAlloc(ctx.allocator, v) catch |err| switch (err) {
        error.OutOfMemory => error.OutOfMemory,
        error.NestingTooDeep => ctx.builtinError("object keys nested too deeply to encode", .{}),
    };
}

fn jsonMarshal(ctx: *Context, args: []const Value) Error!Value {
    return .{ .string = try marshal(ctx, args[0]) };
}

fn jsonMarshalWithOptions(ctx: *Context, args: []const Value) Error!Value {
    const options = switch (args[1]) {
        .object => |object| object,
        else => return ctx.operandError(2, "object", args[1]),
    };
    var indent: []const u8 = "\t";
    var prefix: []const u8 = "";
    var implicit_pretty = false;
    var explicit_pretty: ?bool = null;
    // OPA reports a bad option's own index as the "operand" of the inner error.
    for (options.keys, options.values, 0..) |key, option, index| {
        if (key != .string) {
            return ctx.typeError("operand 2 failed to stringify key {f} at index {d}: operand {d} must be string but got {s}", .{
                rego(key), index, index, builtin.typeName(key),
            });
        }
        const name = key.string;
        const is_prefix = std.mem.eql(u8, name, "prefix");
        if (is_prefix or std.mem.eql(u8, name, "indent")) {
            if (option != .string) {
                return ctx.typeError("operand 2 key {f} failed cast to string: operand {d} must be string but got {s}", .{
                    rego(key), index, builtin.typeName(option),
                });
            }
            if (is_prefix) prefix = option.string else indent = option.string;
            implicit_pretty = true;
        } else if (std.mem.eql(u8, name, "pretty")) {
            if (option != .boolean) return ctx.typeError("operand 2 key {f} failed cast to bool", .{rego(key)});
            explicit_pretty = option.boolean;
        } else {
            return ctx.typeError("operand 2 object contained unknown key {f}", .{rego(key)});
        }
    }
    const compact = try marshal(ctx, args[0]);
    if (!(explicit_pretty orelse implicit_pretty)) return .{ .string = compact };
    return .{ .string = try indentJson(ctx.allocator, compact, prefix, indent) };
}

/// Go's json.MarshalIndent output (json.Indent of compact JSON), with the
/// prefix also before the first line as OPA adds it: a newline, the prefix
/// and one indent per level after each `{`, `[` and `,`; `": "` after keys;
/// empty containers stay `{}` and `[]`.
fn indentJson(allocator: Allocator, compact: []const u8, prefix: []const u8, indent: []const u8) Allocator.Error![]u8 {
    var out: std.ArrayList(u8) = .empty;
    try out.appendSlice(allocator, prefix);
    var depth: usize = 0;
    var need_indent = false;
    var in_string = false;
    var escaped = false;
    for (compact) |c| {
        if (in_string) {
            try out.append(allocator, c);
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                in_string = false;
            }
            continue;
        }
        if (need_indent and c != '}' and c != ']') {
            need_indent = false;
            depth += 1;
            try newline(allocator, &out, prefix, indent, depth);
        }
        switch (c) {
            '"' => {
                in_string = true;
                try out.append(allocator, c);
            },
            '{', '[' => {
                // Delayed, so that empty containers print as {} and [].
                need_indent = true;
                try out.append(allocator, c);
            },
            ',' => {
                try out.append(allocator, c);
                try newline(allocator, &out, prefix, indent, depth);
            },
            ':' => try out.appendSlice(allocator, ": "),
            '}', ']' => {
                if (need_indent) {
                    need_indent = false;
                } else {
                    depth -= 1;
                    try newline(allocator, &out, prefix, indent, depth);
                }
                try out.append(allocator, c);
            },
            else => try out.append(allocator, c),
        }
    }
    assert(depth == 0 and !in_string);
    return out.items;
}

fn newline(allocator: Allocator, out: *std.ArrayList(u8), prefix: []const u8, indent: []const u8, depth: usize) Allocator.Error!void {
    try out.append(allocator, '\n');
    try out.appendSlice(allocator, prefix);
    for (0..depth) |_| try out.appendSlice(allocator, indent);
}

// ---------------------------------------------------------------------------
// json.unmarshal, json.is_valid

/// OPA decodes with a Go json.Decoder, then reads one more token: the first
/// value wins, a following `null` is ignored, anything else is an error
/// ("error: invalid character '<token>' after top-level value"), and the
/// end of input is "EOF" / "unexpected EOF" rather than Unmarshal's wording.
fn jsonUnmarshal(ctx: *Context, args: []const Value) Error!Value {
    const text = try stringOperand(ctx, args, 1);
    const first = try decodeStreamValue(ctx, text, "EOF");
    var rest = first.end;
    while (rest < text.len and isJsonSpace(text[rest])) rest += 1;
    if (rest == text.len) return first.value;

    const c = text[rest];
    switch (c) {
        ']', '}', ',', ':' => return ctx.builtinError("invalid character '{c}' looking for beginning of value", .{c}),
        '[', '{' => return ctx.builtinError("error: invalid character '{c}' after top-level value", .{c}),
        else => {},
    }
    const second = try decodeStreamValue(ctx, text[rest..], "unexpected EOF");
    return switch (second.value) {
        .null => first.value,
        .boolean => |b| ctx.builtinError("error: invalid character '%!s(bool={})' after top-level value", .{b}),
        .number => |n| ctx.builtinError("error: invalid character '{f}' after top-level value", .{n}),
        .string => |s| ctx.builtinError("error: invalid character '{s}' after top-level value", .{s}),
        // Containers start with '[' or '{', handled above.
        .array, .object, .set => unreachable,
    };
}

const StreamValue = struct {
    value: Value,
    /// Where the value's text ends.
    end: usize,
};

/// The JSON value at the start of `text`, where trailing text is left to the
/// caller; errors are reported as Go's json.Decoder words them.
fn decodeStreamValue(ctx: *Context, text: []const u8, comptime empty_message: []const u8) Error!StreamValue {
    var diagnostic: json.Diagnostic = .{};
    if (json.parseWithDiagnostic(ctx.allocator, text, &diagnostic)) |v| {
        return .{ .value = v, .end = text.len };
    } else |err| switch (err) {
        error.OutOfMemory => return error.OutOfMemory,
        error.UnexpectedEndOfInput => {
            const blank = for (text) |c| {
                if (!isJsonSpace(c)) break false;
            } else true;
            return ctx.builtinError("{s}", .{if (blank) empty_message else "unexpected EOF"});
        },
        error.SyntaxError => {
            if (!std.mem.endsWith(u8, diagnostic.message(), "after top-level value")) {
                return ctx.builtinError("{s}", .{diagnostic.message()});
            }
            // A complete value followed by more text: decode just the value.
            const end = diagnostic.offset;
            const v = json.parse(ctx.allocator, text[0..end]) catch |e| switch (e) {
                error.OutOfMemory => return error.OutOfMemory,
                else => unreachable, // The same bytes parsed up to `end` above.
            };
            return .{ .value = v, .end = end };
        },
        error.NestingTooDeep, error.NumberOutOfRange => return ctx.builtinError("{s}", .{diagnostic.message()}),
    }
}

fn isJsonSpace(c: u8) bool {
    return c == ' ' or c == '\t' or c == '\n' or c == '\r';
}

fn jsonIsValid(_: *Context, args: []const Value) Error!Value {
    if (args[0] != .string) return Value.false;
    return .{ .boolean = isValidJson(args[0].string) };
}

/// Go's json.Valid: one JSON value surrounded by whitespace, containers
/// nested at most 10000 deep. Like Go's scanner it does not check that
/// strings are valid UTF-8.
pub fn isValidJson(text: []const u8) bool {
    const max_depth = 10000;
    // One bit per open container: set for objects.
    var stack: std.StaticBitSet(max_depth) = .initEmpty();
    var depth: usize = 0;
    var i: usize = skipSpace(text, 0);
    value: while (true) {
        if (i >= text.len) return false;
        switch (text[i]) {
            '{', '[' => {
                if (depth == max_depth) return false;
                const is_object = text[i] == '{';
                stack.setValue(depth, is_object);
                depth += 1;
                i = skipSpace(text, i + 1);
                if (i < text.len and text[i] == (if (is_object) @as(u8, '}') else ']')) {
                    depth -= 1;
                    i += 1;
                } else {
                    if (is_object) i = scanKey(text, i) orelse return false;
                    continue :value;
                }
            },
            '"' => i = scanString(text, i) orelse return false,
            '-', '0'...'9' => i = scanNumber(text, i) orelse return false,
            't' => i = scanLiteral(text, i, "true") orelse return false,
            'f' => i = scanLiteral(text, i, "false") orelse return false,
            'n' => i = scanLiteral(text, i, "null") orelse return false,
            else => return false,
        }
        // A value ended: close containers while their end follows.
        while (true) {
            i = skipSpace(text, i);
            if (depth == 0) return i == text.len;
            if (i >= text.len) return false;
            const in_object = stack.isSet(depth - 1);
            if (text[i] == ',') {
                i = skipSpace(text, i + 1);
                if (in_object) i = scanKey(text, i) orelse return false;
                continue :value;
            }
            if (text[i] != (if (in_object) @as(u8, '}') else ']')) return false;
            depth -= 1;
            i += 1;
        }
    }
}

fn skipSpace(text: []const u8, start: usize) usize {
    var i = start;
    while (i < text.len and isJsonSpace(text[i])) i += 1;
    return i;
}

/// `"key" :` at `i`; returns the position after the colon and spaces.
fn scanKey(text: []const u8, i: usize) ?usize {
    if (i >= text.len or text[i] != '"') return null;
    const end = skipSpace(text, scanString(text, i) orelse return null);
    if (end >= text.len or text[end] != ':') return null;
    return skipSpace(text, end + 1);
}

fn scanString(text: []const u8, start: usize) ?usize {
    assert(text[start] == '"');
    var i = start + 1;
    while (i < text.len) {
        const c = text[i];
        switch (c) {
            '"' => return i + 1,
            '\\' => {
                if (i + 1 >= text.len) return null;
                switch (text[i + 1]) {
                    '"', '\\', '/', 'b', 'f', 'n', 'r', 't' => i += 2,
                    'u' => {
                        if (i + 6 > text.len) return null;
                        for (text[i + 2 .. i + 6]) |h| {
                            if (!std.ascii.isHex(h)) return null;
                        }
                        i += 6;
                    },
                    else => return null,
                }
            },
            0...0x1f => return null,
            else => i += 1,
        }
    }
    return null;
}

fn scanNumber(text: []const u8, start: usize) ?usize {
    var i = start;
    if (text[i] == '-') i += 1;
    if (i >= text.len) return null;
    if (text[i] == '0') {
        i += 1;
    } else if (text[i] >= '1' and text[i] <= '9') {
        i = scanDigits(text, i);
    } else return null;
    if (i < text.len and text[i] == '.') {
        const digits = i + 1;
        i = scanDigits(text, digits);
        if (i == digits) return null;
    }
    if (i < text.len and (text[i] == 'e' or text[i] == 'E')) {
        i += 1;
        if (i < text.len and (text[i] == '+' or text[i] == '-')) i += 1;
        const digits = i;
        i = scanDigits(text, digits);
        if (i == digits) return null;
    }
    return i;
}

fn scanDigits(text: []const u8, start: usize) usize {
    var i = start;
    while (i < text.len and std.ascii.isDigit(text[i])) i += 1;
    return i;
}

fn scanLiteral(text: []const u8, start: usize, comptime literal: []const u8) ?usize {
    if (!std.mem.startsWith(u8, text[start..], literal)) return null;
    return start + literal.len;
}

// ---------------------------------------------------------------------------
// base64, base64url

fn base64Encode(comptime encoder: std.base64.Base64Encoder) builtin.Fn {
    return struct {
        fn call(ctx: *Context, args: []const Value) Error!Value {
            const bytes = try stringOperand(ctx, args, 1);
            const out = try ctx.allocator.alloc(u8, encoder.calcSize(bytes.len));
            return .{ .string = encoder.encode(out, bytes) };
        }
    }.call;
}

fn base64Decode(ctx: *Context, args: []const Value) Error!Value {
    const text = try stringOperand(ctx, args, 1);
    return switch (try base64.decode(ctx.allocator, text, .standard)) {
        .ok => |bytes| .{ .string = bytes },
        .corrupt => |at| ctx.builtinError("illegal base64 data at input byte {d}", .{at}),
    };
}

fn base64IsValid(ctx: *Context, args: []const Value) Error!Value {
    if (args[0] != .string) return Value.false;
    return .{ .boolean = try base64.decode(ctx.allocator, args[0].string, .standard) == .ok };
}

/// Accepts unpadded input (RFC 7515 appendix C) by padding it first.
fn base64UrlDecode(ctx: *Context, args: []const Value) Error!Value {
    const text = try stringOperand(ctx, args, 1);
    return switch (try base64.decodeUrlLenient(ctx.allocator, text)) {
        .ok => |bytes| .{ .string = bytes },
        .corrupt => |at| ctx.builtinError("illegal base64 data at input byte {d}", .{at}),
        .bad_length => ctx.builtinError("illegal base64url string: {s}", .{text}),
    };
}

// ---------------------------------------------------------------------------
// hex

fn hexEncode(ctx: *Context, args: []const Value) Error!Value {
    const bytes = try stringOperand(ctx, args, 1);
    const out = try ctx.allocator.alloc(u8, bytes.len * 2);
    const digits = "0123456789abcdef";
    for (bytes, 0..) |b, i| {
        out[2 * i] = digits[b >> 4];
        out[2 * i + 1] = digits[b & 0xf];
    }
    return .{ .string = out };
}

/// Go's hex.DecodeString: an invalid byte is reported before an odd length.
fn hexDecode(ctx: *Context, args: []const Value) Error!Value {
    const text = try stringOperand(ctx, args, 1);
    const out = try ctx.allocator.alloc(u8, text.len / 2);
    for (out, 0..) |*b, i| {
        const high = hexValue(text[2 * i]) orelse return invalidHexByte(ctx, text[2 * i]);
        const low = hexValue(text[2 * i + 1]) orelse return invalidHexByte(ctx, text[2 * i + 1]);
        b.* = high << 4 | low;
    }
    if (text.len % 2 == 1) {
        const last = text[text.len - 1];
        if (hexValue(last) == null) return invalidHexByte(ctx, last);
        return ctx.builtinError("encoding/hex: odd length hex string", .{});
    }
    return .{ .string = out };
}

fn hexValue(c: u8) ?u8 {
    return std.fmt.charToDigit(c, 16) catch null;
}

/// "encoding/hex: invalid byte: U+0067 'g'" (Go's %#U of the byte as a rune).
fn invalidHexByte(ctx: *Context, c: u8) Error {
    if (!types.isGoPrint(c)) return ctx.builtinError("encoding/hex: invalid byte: U+{X:0>4}", .{c});
    var buffer: [2]u8 = undefined;
    const len = std.unicode.utf8Encode(c, &buffer) catch unreachable; // Below U+0100.
    return ctx.builtinError("encoding/hex: invalid byte: U+{X:0>4} '{s}'", .{ c, buffer[0..len] });
}

// ---------------------------------------------------------------------------
// urlquery

/// Go's url.QueryEscape: letters, digits and `-_.~` stay, space is '+',
/// every other byte is %XX.
fn queryEscape(allocator: Allocator, out: *std.ArrayList(u8), text: []const u8) Allocator.Error!void {
    for (text) |c| {
        if (std.ascii.isAlphanumeric(c) or c == '-' or c == '_' or c == '.' or c == '~') {
            try out.append(allocator, c);
        } else if (c == ' ') {
            try out.append(allocator, '+');
        } else {
            const digits = "0123456789ABCDEF";
            try out.appendSlice(allocator, &.{ '%', digits[c >> 4], digits[c & 0xf] });
        }
    }
}

/// Go's url.QueryUnescape; on a malformed escape, the text of Go's
/// EscapeError: `invalid URL escape "%zz"`.
fn queryUnescape(ctx: *Context, text: []const u8) Error![]const u8 {
    var i: usize = 0;
    var escapes = false;
    while (i < text.len) : (i += 1) {
        switch (text[i]) {
            '%' => {
                if (i + 2 >= text.len or hexValue(text[i + 1]) == null or hexValue(text[i + 2]) == null) {
                    const bad = text[i..@min(text.len, i + 3)];
                    return ctx.builtinError("invalid URL escape {f}", .{rego(.{ .string = bad })});
                }
                escapes = true;
                i += 2;
            },
            '+' => escapes = true,
            else => {},
        }
    }
    if (!escapes) return text;
    var out: std.ArrayList(u8) = .empty;
    i = 0;
    while (i < text.len) : (i += 1) {
        switch (text[i]) {
            '%' => {
                try out.append(ctx.allocator, hexValue(text[i + 1]).? << 4 | hexValue(text[i + 2]).?);
                i += 2;
            },
            '+' => try out.append(ctx.allocator, ' '),
            else => |c| try out.append(ctx.allocator, c),
        }
    }
    return out.items;
}

fn urlQueryEncode(ctx: *Context, args: []const Value) Error!Value {
    const text = try stringOperand(ctx, args, 1);
    var out: std.ArrayList(u8) = .empty;
    try queryEscape(ctx.allocator, &out, text);
    return .{ .string = out.items };
}

fn urlQueryDecode(ctx: *Context, args: []const Value) Error!Value {
    const text = try stringOperand(ctx, args, 1);
    return .{ .string = try queryUnescape(ctx, text) };
}

const QueryParam = struct {
    key: []const u8,
    value: Value,

    fn lessThan(_: void, a: QueryParam, b: QueryParam) bool {
        return std.mem.lessThan(u8, a.key, b.key);
    }
};

/// url.Values{...}.Encode(): parameters sorted by key, each key's values in
/// order (a set's in canonical order).
fn urlQueryEncodeObject(ctx: *Context, args: []const Value) Error!Value {
    const object = switch (args[0]) {
        .object => |object| object,
        else => return ctx.operandError(1, "object", args[0]),
    };
    // As ast.JSON does, non-string keys become their JSON text; of keys with
    // the same text the last in canonical order wins.
    var params: std.ArrayList(QueryParam) = .empty;
    var index_of: std.StringHashMapUnmanaged(usize) = .empty;
    for (object.keys, object.values) |key, item| {
        const name = if (key == .string) key.string else try marshal(ctx, key);
        const entry = try index_of.getOrPut(ctx.allocator, name);
        if (entry.found_existing) {
            params.items[entry.value_ptr.*].value = item;
        } else {
            entry.value_ptr.* = params.items.len;
            try params.append(ctx.allocator, .{ .key = name, .value = item });
        }
    }
    std.sort.pdq(QueryParam, params.items, {}, QueryParam.lessThan);

    var out: std.ArrayList(u8) = .empty;
    for (params.items) |param| {
        const values: []const Value = switch (param.value) {
            .string => (&param.value)[0..1],
            .array => |items| items,
            .set => |set| set.items,
            else => return encodeObjectError(ctx),
        };
        for (values) |v| {
            if (v != .string) return encodeObjectError(ctx);
            if (out.items.len > 0) try out.append(ctx.allocator, '&');
            try queryEscape(ctx.allocator, &out, param.key);
            try out.append(ctx.allocator, '=');
            try queryEscape(ctx.allocator, &out, v.string);
        }
    }
    return .{ .string = out.items };
}

fn encodeObjectError(ctx: *Context) Error {
    return ctx.typeError("operand 1 values must be string, array[string], or set[string]", .{});
}

/// url.ParseQuery: `&`-separated `key=value` pairs, each unescaped; a key
/// collects its values in order.
fn urlQueryDecodeObject(ctx: *Context, args: []const Value) Error!Value {
    const text = try stringOperand(ctx, args, 1);
    // Go refuses more than 10000 parameters.
    if (std.mem.count(u8, text, "&") + 1 > 10000) {
        return ctx.builtinError("number of URL query parameters exceeded limit", .{});
    }
    // Go parses every pair even after an error; a pair with a semicolon
    // sets the error last, so it wins over the (first) escape error.
    if (std.mem.indexOfScalar(u8, text, ';') != null) return ctx.builtinError("invalid semicolon separator in query", .{});

    var names: std.ArrayList(Value) = .empty;
    var lists: std.ArrayList(std.ArrayList(Value)) = .empty;
    var index_of: std.StringHashMapUnmanaged(usize) = .empty;
    var pairs = std.mem.splitScalar(u8, text, '&');
    while (pairs.next()) |pair| {
        if (pair.len == 0) continue;
        const eq = std.mem.indexOfScalar(u8, pair, '=');
        const name = try queryUnescape(ctx, if (eq) |e| pair[0..e] else pair);
        const item = try queryUnescape(ctx, if (eq) |e| pair[e + 1 ..] else "");
        const entry = try index_of.getOrPut(ctx.allocator, name);
        if (!entry.found_existing) {
            entry.value_ptr.* = names.items.len;
            try names.append(ctx.allocator, .{ .string = name });
            try lists.append(ctx.allocator, .empty);
        }
        try lists.items[entry.value_ptr.*].append(ctx.allocator, .{ .string = item });
    }
    const values = try ctx.allocator.alloc(Value, names.items.len);
    for (values, lists.items) |*v, list| v.* = .{ .array = list.items };
    const object = order.objectFromUnsorted(ctx.allocator, names.items, values, .reject, null) catch |err| switch (err) {
        error.OutOfMemory => return error.OutOfMemory,
        error.DuplicateKey => unreachable, // Names were made unique above.
    };
    return .{ .object = object };
}

// ---------------------------------------------------------------------------
// Tests

const testing = std.testing;

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

    fn call(self: *TestContext, name: []const u8, args: []const Value) Error!Value {
        const b = for (builtins) |b| {
            if (std.mem.eql(u8, b.name, name)) break b;
        } else unreachable;
        assert(b.arity == args.len);
        return b.func(&self.ctx, args);
    }

    /// Calls with string arguments; expects a string result.
    fn expectString(self: *TestContext, name: []const u8, arg: []const u8, expected: []const u8) !void {
        const result = try self.call(name, &.{.{ .string = arg }});
        testing.expectEqualStrings(expected, result.string) catch |err| {
            std.debug.print("{s}({s})\n", .{ name, arg });
            return err;
        };
    }

    fn expectError(self: *TestContext, name: []const u8, args: []const Value, err: Error, message: []const u8) !void {
        testing.expectError(err, self.call(name, args)) catch |e| {
            std.debug.print("{s}: expected {s}\n", .{ name, message });
            return e;
        };
        try testing.expectEqualStrings(message, self.ctx.message.items);
    }

    fn json(self: *TestContext, text: []const u8) !Value {
        return value_mod.json.parse(self.arena.allocator(), text);
    }

    fn jsonText(self: *TestContext, v: Value) ![]const u8 {
        return value_mod.json.serializeAlloc(self.arena.allocator(), v);
    }
};

test "json.marshal and json.marshal_with_options" {
    var t: TestContext = undefined;
    t.init();
    defer t.deinit();
    const doc = try t.json("[1234567890, {\"foo\": \"<b>\", \"bar\": []}, {}, 1.50]");
    try testing.expectEqualStrings("[1234567890,{\"bar\":[],\"foo\":\"\\u003cb\\u003e\"},{},1.50]", (try t.call("json.marshal", &.{doc})).string);

    const cases = [_]struct { []const u8, []const u8 }{
        .{ "{}", "[1234567890,{\"bar\":[],\"foo\":\"\\u003cb\\u003e\"},{},1.50]" },
        .{ "{\"pretty\": true}", "[\n\t1234567890,\n\t{\n\t\t\"bar\": [],\n\t\t\"foo\": \"\\u003cb\\u003e\"\n\t},\n\t{},\n\t1.50\n]" },
        .{ "{\"indent\": \"  \"}", "[\n  1234567890,\n  {\n    \"bar\": [],\n    \"foo\": \"\\u003cb\\u003e\"\n  },\n  {},\n  1.50\n]" },
        .{ "{\"prefix\": \"> \", \"indent\": \"\"}", "> [\n> 1234567890,\n> {\n> \"bar\": [],\n> \"foo\": \"\\u003cb\\u003e\"\n> },\n> {},\n> 1.50\n> ]" },
        .{ "{\"pretty\": false, \"prefix\": \"NO!\", \"indent\": \"BAD!\"}", "[1234567890,{\"bar\":[],\"foo\":\"\\u003cb\\u003e\"},{},1.50]" },
    };
    for (cases) |case| {
        const result = try t.call("json.marshal_with_options", &.{ doc, try t.json(case[0]) });
        try testing.expectEqualStrings(case[1], result.string);
    }
    const empty = try t.call("json.marshal_with_options", &.{ try t.json("[]"), try t.json("{\"indent\": \"    \", \"prefix\": \"---\"}") });
    try testing.expectEqualStrings("---[]", empty.string);
    // A string with brackets and escaped quotes is not re-indented.
    const tricky = try t.call("json.marshal_with_options", &.{ try t.json("{\"a\\\"[\":\"{,}\\\\\"}"), try t.json("{\"pretty\": true}") });
    try testing.expectEqualStrings("{\n\t\"a\\\"[\": \"{,}\\\\\"\n}", tricky.string);

    try t.expectError("json.marshal_with_options", &.{ doc, try t.json("{\"indent\": \"x\", \"lottery\": true}") }, error.TypeError, "operand 2 object contained unknown key \"lottery\"");
    try t.expectError("json.marshal_with_options", &.{ doc, try t.json("{\"indent\": 1}") }, error.TypeError, "operand 2 key \"indent\" failed cast to string: operand 0 must be string but got number");
    try t.expectError("json.marshal_with_options", &.{ doc, try t.json("{\"indent\": \"\", \"pretty\": 1}") }, error.TypeError, "operand 2 key \"pretty\" failed cast to bool");
    try t.expectError("json.marshal_with_options", &.{ doc, try t.json("[]") }, error.TypeError, "operand 2 must be object but got array");
    const number_key = try order.objectFromUnsorted(t.arena.allocator(), &.{.{ .number = .fromInt(1) }}, &.{.null}, .reject, null);
    try t.expectError("json.marshal_with_options", &.{ doc, .{ .object = number_key } }, error.TypeError, "operand 2 failed to stringify key 1 at index 0: operand 0 must be string but got number");
}

test "json.unmarshal reads like Go's json.Decoder" {
    var t: TestContext = undefined;
    t.init();
    defer t.deinit();
    const ok = [_]struct { []const u8, []const u8 }{
        .{ "[{\"foo\":[1,2,3]}]", "[{\"foo\":[1,2,3]}]" },
        .{ " {\"b\": 1.50, \"a\": null} ", "{\"a\":null,\"b\":1.50}" },
        .{ "1 null", "1" },
        .{ "1 null x", "1" },
        .{ "\"\\u003c\"", "\"\\u003c\"" },
    };
    for (ok) |case| {
        const result = try t.call("json.unmarshal", &.{.{ .string = case[0] }});
        try testing.expectEqualStrings(case[1], try t.jsonText(result));
    }
    const failures = [_]struct { []const u8, []const u8 }{
        .{ "", "EOF" },
        .{ "  ", "EOF" },
        .{ "[1,", "unexpected EOF" },
        .{ "\"a", "unexpected EOF" },
        .{ "tru", "unexpected EOF" },
        .{ "1 2", "error: invalid character '2' after top-level value" },
        .{ "1 true", "error: invalid character '%!s(bool=true)' after top-level value" },
        .{ "1 false", "error: invalid character '%!s(bool=false)' after top-level value" },
        .{ "[1] [2]", "error: invalid character '[' after top-level value" },
        .{ "1 {", "error: invalid character '{' after top-level value" },
        .{ "{\"a\":1}}", "invalid character '}' looking for beginning of value" },
        .{ "1 ,", "invalid character ',' looking for beginning of value" },
        .{ "01", "error: invalid character '1' after top-level value" },
        .{ "x", "invalid character 'x' looking for beginning of value" },
        .{ "1x", "invalid character 'x' looking for beginning of value" },
        .{ "1.5.5", "invalid character '.' looking for beginning of value" },
        .{ "1 nulx", "invalid character 'x' in literal null (expecting 'l')" },
        .{ "1 \"ab", "unexpected EOF" },
        .{ "1 -x", "invalid character 'x' in numeric literal" },
        .{ "1 -", "unexpected EOF" },
        .{ "1 \"a\\u003cb\" ", "error: invalid character 'a<b' after top-level value" },
        .{ "1 1.50", "error: invalid character '1.50' after top-level value" },
    };
    for (failures) |case| {
        try t.expectError("json.unmarshal", &.{.{ .string = case[0] }}, error.BuiltinError, case[1]);
    }
    try t.expectError("json.unmarshal", &.{.{ .number = .fromInt(1) }}, error.TypeError, "operand 1 must be string but got number");
}

test "json.is_valid is Go's json.Valid" {
    var t: TestContext = undefined;
    t.init();
    defer t.deinit();
    const valid = [_][]const u8{
        "{\"json\": \"ok\"}",      " [1, -0.5e+3, true, false, null, \"\\u00e9\\n\", {}] ", "0", "\"\xff\"",
        "{\"a\":{\"b\":[[],{}]}}",
    };
    for (valid) |text| try testing.expect(isValidJson(text));
    const invalid = [_][]const u8{
        "plainstring", "{",  "",   "[1,]",  "{\"a\":1,}", "01",  "1 2", "\"\x01\"", "\"\\x\"", "\"\\u12\"",
        "-",           "1.", "1e", "{1:2}", "[1 2]",      "nul", "[}",  "{]",       "tru e",   "\"abc",
    };
    for (invalid) |text| {
        testing.expect(!isValidJson(text)) catch |err| {
            std.debug.print("valid? {s}\n", .{text});
            return err;
        };
    }
    const deep_ok = try t.arena.allocator().alloc(u8, 20000);
    @memset(deep_ok[0..10000], '[');
    @memset(deep_ok[10000..], ']');
    try testing.expect(isValidJson(deep_ok));
    const deep_bad = try std.mem.concat(t.arena.allocator(), u8, &.{ "[", deep_ok, "]" });
    try testing.expect(!isValidJson(deep_bad));
    try testing.expect(!(try t.call("json.is_valid", &.{.{ .number = .fromInt(1) }})).boolean);
}

test "base64 and base64url" {
    var t: TestContext = undefined;
    t.init();
    defer t.deinit();
    try t.expectString("base64.encode", "hello", "aGVsbG8=");
    try t.expectString("base64.encode", "subjects?_d", "c3ViamVjdHM/X2Q=");
    try t.expectString("base64url.encode", "subjects?_d", "c3ViamVjdHM_X2Q=");
    try t.expectString("base64url.encode_no_pad", "hello", "aGVsbG8");
    try t.expectString("base64.encode", "", "");
    try t.expectString("base64.decode", "aGVsbG8=", "hello");
    try t.expectString("base64.decode", "aGVs\r\nbG8=\n", "hello");
    try t.expectString("base64.decode", "aGk=", "hi");
    try t.expectString("base64.decode", "aGl=", "hi"); // Trailing bits are ignored.
    try t.expectString("base64.decode", "", "");
    try t.expectString("base64url.decode", "aGVsbG8", "hello");
    try t.expectString("base64url.decode", "c3ViamVjdHM_X2Q", "subjects?_d");
    const corrupt = [_]struct { []const u8, []const u8 }{
        .{ "a", "illegal base64 data at input byte 0" },
        .{ "aGVsbG8", "illegal base64 data at input byte 4" },
        .{ "aG=", "illegal base64 data at input byte 3" },
        .{ "a===", "illegal base64 data at input byte 1" },
        .{ "aGk=x", "illegal base64 data at input byte 4" },
        .{ "aG=x", "illegal base64 data at input byte 2" },
        .{ "{'not':'base64'}", "illegal base64 data at input byte 0" },
        .{ "c3ViamVjdHM_X2Q=", "illegal base64 data at input byte 11" },
    };
    for (corrupt) |case| try t.expectError("base64.decode", &.{.{ .string = case[0] }}, error.BuiltinError, case[1]);
    try t.expectError("base64url.decode", &.{.{ .string = "aGVsb" }}, error.BuiltinError, "illegal base64url string: aGVsb");
    try t.expectError("base64url.decode", &.{.{ .string = "c3ViamVjdHM/X2Q" }}, error.BuiltinError, "illegal base64 data at input byte 11");
    try testing.expect((try t.call("base64.is_valid", &.{.{ .string = "aGVsbG8=" }})).boolean);
    try testing.expect(!(try t.call("base64.is_valid", &.{.{ .string = "aGVsbG8" }})).boolean);
    try testing.expect(!(try t.call("base64.is_valid", &.{.null})).boolean);
    try t.expectError("base64.encode", &.{.null}, error.TypeError, "operand 1 must be string but got null");
}

test "hex" {
    var t: TestContext = undefined;
    t.init();
    defer t.deinit();
    try t.expectString("hex.encode", "lorem ipsum", "6c6f72656d20697073756d");
    try t.expectString("hex.encode", "\xff\x00", "ff00");
    try t.expectString("hex.decode", "6c6F72656d20697073756d", "lorem ipsum");
    try t.expectError("hex.decode", &.{.{ .string = "fghijkl" }}, error.BuiltinError, "encoding/hex: invalid byte: U+0067 'g'");
    try t.expectError("hex.decode", &.{.{ .string = "abc" }}, error.BuiltinError, "encoding/hex: odd length hex string");
    try t.expectError("hex.decode", &.{.{ .string = "abz" }}, error.BuiltinError, "encoding/hex: invalid byte: U+007A 'z'");
    try t.expectError("hex.decode", &.{.{ .string = "a\n" }}, error.BuiltinError, "encoding/hex: invalid byte: U+000A");
    try t.expectError("hex.decode", &.{.{ .string = "\xc3\xa9" }}, error.BuiltinError, "encoding/hex: invalid byte: U+00C3 'Ã'");
}

test "urlquery" {
    var t: TestContext = undefined;
    t.init();
    defer t.deinit();
    try t.expectString("urlquery.encode", "a=b+1", "a%3Db%2B1");
    try t.expectString("urlquery.encode", " !\"#$%&'()*+,-./09:;<=>?@AZ[\\]^_`az{|}~é", "+%21%22%23%24%25%26%27%28%29%2A%2B%2C-.%2F09%3A%3B%3C%3D%3E%3F%40AZ%5B%5C%5D%5E_%60az%7B%7C%7D~%C3%A9");
    try t.expectString("urlquery.decode", "a%3Db%2B1+c", "a=b+1 c");
    try t.expectString("urlquery.decode", "plain", "plain");
    try t.expectError("urlquery.decode", &.{.{ .string = "a%zzb" }}, error.BuiltinError, "invalid URL escape \"%zz\"");
    try t.expectError("urlquery.decode", &.{.{ .string = "ab%4" }}, error.BuiltinError, "invalid URL escape \"%4\"");

    const encode_cases = [_]struct { []const u8, []const u8 }{
        .{ "{}", "" },
        .{ "{\"c\": \"d\", \"a\": \"b\"}", "a=b&c=d" },
        .{ "{\"a\": \"c=b+1\"}", "a=c%3Db%2B1" },
        .{ "{\"a\": [\"b+1\", \"c+2\"], \"a b\": []}", "a=b%2B1&a=c%2B2" },
    };
    for (encode_cases) |case| {
        const result = try t.call("urlquery.encode_object", &.{try t.json(case[0])});
        try testing.expectEqualStrings(case[1], result.string);
    }
    const set = try order.setFromUnsorted(t.arena.allocator(), &.{ .{ .string = "y" }, .{ .string = "x" } });
    const with_set = try order.objectFromUnsorted(t.arena.allocator(), &.{.{ .number = .fromInt(1) }}, &.{.{ .set = set }}, .reject, null);
    try testing.expectEqualStrings("1=x&1=y", (try t.call("urlquery.encode_object", &.{.{ .object = with_set }})).string);
    try t.expectError("urlquery.encode_object", &.{try t.json("{\"a\": 1}")}, error.TypeError, "operand 1 values must be string, array[string], or set[string]");
    try t.expectError("urlquery.encode_object", &.{try t.json("{\"a\": [\"x\", 1]}")}, error.TypeError, "operand 1 values must be string, array[string], or set[string]");
    try t.expectError("urlquery.encode_object", &.{try t.json("[]")}, error.TypeError, "operand 1 must be object but got array");

    const decode_cases = [_]struct { []const u8, []const u8 }{
        .{ "a=value_a1&b=value_b&a=value_a2", "{\"a\":[\"value_a1\",\"value_a2\"],\"b\":[\"value_b\"]}" },
        .{ "a=value_a1&b", "{\"a\":[\"value_a1\"],\"b\":[\"\"]}" },
        .{ "", "{}" },
        .{ "&&x+y=1%2B1=2&", "{\"x y\":[\"1+1=2\"]}" },
    };
    for (decode_cases) |case| {
        const result = try t.call("urlquery.decode_object", &.{.{ .string = case[0] }});
        try testing.expectEqualStrings(case[1], try t.jsonText(result));
    }
    try t.expectError("urlquery.decode_object", &.{.{ .string = "a=%zz&b;c=1" }}, error.BuiltinError, "invalid semicolon separator in query");
    try t.expectError("urlquery.decode_object", &.{.{ .string = "a=%zz&b=%q" }}, error.BuiltinError, "invalid URL escape \"%zz\"");
}

test "allocation failures surface as OutOfMemory" {
    var t: TestContext = undefined;
    t.init();
    defer t.deinit();
    const calls = [_]struct { []const u8, []const Value }{
        .{ "json.unmarshal", &.{.{ .string = "{\"a\": [1, 2.5, \"x\\n\"], \"b\": null} null" }} },
        .{ "json.marshal_with_options", &.{ try t.json("{\"a\": [1, {\"b\": \"<\"}]}"), try t.json("{\"prefix\": \">\"}") } },
        .{ "urlquery.decode_object", &.{.{ .string = "a=1&b=%41&a=+" }} },
        .{ "urlquery.encode_object", &.{try t.json("{\"a\": [\"x y\", \"z\"], \"b\": \"&\"}")} },
        .{ "base64.decode", &.{.{ .string = "aGVsbG8=" }} },
        .{ "base64url.decode", &.{.{ .string = "aGVsbG8" }} },
        .{ "hex.decode", &.{.{ .string = "6869" }} },
    };
    for (calls) |call| {
        const b = for (builtins) |b| {
            if (std.mem.eql(u8, b.name, call[0])) break b;
        } else unreachable;
        var fail_index: usize = 0;
        while (true) : (fail_index += 1) {
            var arena: std.heap.ArenaAllocator = .init(testing.allocator);
            defer arena.deinit();
            var failing: std.testing.FailingAllocator = .init(arena.allocator(), .{ .fail_index = fail_index });
            var ctx: Context = .{ .allocator = failing.allocator() };
            if (b.func(&ctx, call[1])) |_| {
                break;
            } else |err| try testing.expectEqual(error.OutOfMemory, err);
        }
    }
}
