//! JSON codec for values, compatible with what OPA does through Go's
//! encoding/json.
//!
//! Parsing (RFC 8259, iterative, depth-capped) matches Go's decoder: strict
//! grammar; invalid UTF-8 bytes and unpaired surrogate escapes decode to
//! U+FFFD; duplicate keys keep the last value; a BOM is an error. Error
//! messages follow Go's wording, plus a line and column.
//!
//! Serialization writes compact JSON exactly as OPA's json.marshal and JSON
//! output do (ast.JSON + json.Marshal): object keys are strings (non-string
//! keys become their own JSON text: `1` -> "1", `[1]` -> "[1]") sorted by Go
//! string order, sets become arrays, numbers keep their literal text, and
//! strings use Go's escaping *with* HTML escaping (`<`, `>`, `&` as \u003c,
//! \u003e, \u0026; U+2028/U+2029 escaped; invalid UTF-8 as \ufffd), which is
//! what `opa eval` and json.marshal print.
//!
//! Values are allocated from the caller's allocator and never freed
//! individually (use an arena); on a parse error, values built so far are left
//! to that allocator.
const std = @import("std");
const assert = std.debug.assert;
const Allocator = std.mem.Allocator;
const value_module = @import("value.zig");
const Value = value_module.Value;
const Object = value_module.Object;
const Set = value_module.Set;
const Number = value_module.Number;
const order = @import("order.zig");

/// Containers nested deeper than this are rejected (Go allows 10000; OPA
/// inputs are far shallower, and a cap bounds the parser's memory).
pub const max_depth = 2048;

pub const ParseError = error{
    /// A byte the grammar does not allow at that position.
    SyntaxError,
    /// The input ended inside a value.
    UnexpectedEndOfInput,
    /// More than `max_depth` nested arrays/objects.
    NestingTooDeep,
    /// A number whose exponent is too large to represent (see number.zig).
    NumberOutOfRange,
    OutOfMemory,
};

/// Where and why parsing failed. Line and column are 1-based; the column
/// counts UTF-8 characters; `offset` is the 0-based byte offset of the
/// offending byte (the input length at end of input).
pub const Diagnostic = struct {
    offset: usize = 0,
    line: usize = 1,
    column: usize = 1,
    message_buffer: [max_message_len]u8 = undefined,
    message_len: usize = 0,

    pub const max_message_len = 96;

    pub fn message(self: *const Diagnostic) []const u8 {
        return self.message_buffer[0..self.message_len];
    }

    /// "line 3, column 7: invalid character 'x' looking for beginning of value"
    pub fn format(self: *const Diagnostic, writer: *std.Io.Writer) std.Io.Writer.Error!void {
        try writer.print("line {d}, column {d}: {s}", .{ self.line, self.column, self.message() });
    }

    fn setPosition(self: *Diagnostic, bytes: []const u8, offset: usize) void {
        assert(offset <= bytes.len);
        self.offset = offset;
        self.line = 1;
        var line_start: usize = 0;
        for (bytes[0..offset], 0..) |c, i| {
            if (c == '\n') {
                self.line += 1;
                line_start = i + 1;
            }
        }
        self.column = 1;
        for (bytes[line_start..offset]) |c| {
            // Count characters: skip UTF-8 continuation bytes.
            if (c & 0xc0 != 0x80) self.column += 1;
        }
    }
};

/// Parses one JSON document. Scratch memory also comes from `allocator`; use
/// a `Parser` to keep scratch separate and reuse it across documents.
pub fn parse(allocator: Allocator, bytes: []const u8) ParseError!Value {
    return parseWithDiagnostic(allocator, bytes, null);
}

pub fn parseWithDiagnostic(allocator: Allocator, bytes: []const u8, diagnostic: ?*Diagnostic) ParseError!Value {
    return parseOnce(allocator, bytes, diagnostic, false);
}

/// Like `parseWithDiagnostic`, but strings without escapes are slices of `bytes`
/// instead of copies: for documents used only while `bytes` lives (an evaluation's
/// input, read during one call), it saves a copy of nearly every string.
pub fn parseBorrowing(allocator: Allocator, bytes: []const u8, diagnostic: ?*Diagnostic) ParseError!Value {
    return parseOnce(allocator, bytes, diagnostic, true);
}

fn parseOnce(allocator: Allocator, bytes: []const u8, diagnostic: ?*Diagnostic, borrow_strings: bool) ParseError!Value {
    // Small documents never touch the heap for scratch.
    var scratch = std.heap.stackFallback(4096, allocator);
    var parser = Parser.init(scratch.get());
    defer parser.deinit();
    var state: State = .{ .parser = &parser, .allocator = allocator, .bytes = bytes, .diagnostic = diagnostic, .borrow_strings = borrow_strings };
    return state.run();
}

/// A reusable parser: its scratch stacks keep their capacity between
/// documents, so steady-state parsing only allocates the values themselves.
pub const Parser = struct {
    scratch: Allocator,
    frames: std.ArrayList(Frame) = .empty,
    /// Keys of the open objects, innermost last.
    keys: std.ArrayList(Value) = .empty,
    /// Elements of the open arrays and values of the open objects.
    values: std.ArrayList(Value) = .empty,
    /// Decoded text of a string with escapes or invalid UTF-8.
    string_buffer: std.ArrayList(u8) = .empty,
    /// Sort permutation for object keys.
    perm: std.ArrayList(u32) = .empty,

    const Frame = struct {
        kind: enum { array, object },
        keys_start: usize,
        values_start: usize,
    };

    pub fn init(scratch: Allocator) Parser {
        return .{ .scratch = scratch };
    }

    pub fn deinit(self: *Parser) void {
        self.frames.deinit(self.scratch);
        self.keys.deinit(self.scratch);
        self.values.deinit(self.scratch);
        self.string_buffer.deinit(self.scratch);
        self.perm.deinit(self.scratch);
        self.* = undefined;
    }

    /// Values are allocated from `allocator`; nothing references `bytes`.
    pub fn parse(self: *Parser, allocator: Allocator, bytes: []const u8, diagnostic: ?*Diagnostic) ParseError!Value {
        self.frames.clearRetainingCapacity();
        self.keys.clearRetainingCapacity();
        self.values.clearRetainingCapacity();
        var state: State = .{ .parser = self, .allocator = allocator, .bytes = bytes, .diagnostic = diagnostic };
        return state.run();
    }
};

const State = struct {
    parser: *Parser,
    allocator: Allocator,
    bytes: []const u8,
    pos: usize = 0,
    diagnostic: ?*Diagnostic,
    /// Plain strings are slices of `bytes` (see `parseBorrowing`).
    borrow_strings: bool = false,

    fn run(s: *State) ParseError!Value {
        const p = s.parser;
        var v: Value = undefined;
        next_value: while (true) {
            s.skipWhitespace();
            if (s.pos >= s.bytes.len) return s.failEnd();
            switch (s.bytes[s.pos]) {
                '{' => {
                    try s.pushFrame(.object);
                    s.pos += 1;
                    s.skipWhitespace();
                    if (s.pos < s.bytes.len and s.bytes[s.pos] == '}') {
                        s.pos += 1;
                        _ = p.frames.pop();
                        v = .{ .object = &Object.empty };
                    } else {
                        try s.parseKey();
                        continue :next_value;
                    }
                },
                '[' => {
                    try s.pushFrame(.array);
                    s.pos += 1;
                    s.skipWhitespace();
                    if (s.pos < s.bytes.len and s.bytes[s.pos] == ']') {
                        s.pos += 1;
                        _ = p.frames.pop();
                        v = .{ .array = &.{} };
                    } else continue :next_value;
                },
                '"' => v = .{ .string = try s.parseString() },
                '-', '0'...'9' => v = .{ .number = try s.parseNumber() },
                't' => v = try s.parseLiteral("true", Value.true),
                'f' => v = try s.parseLiteral("false", Value.false),
                'n' => v = try s.parseLiteral("null", .null),
                else => return s.failCharacter("looking for beginning of value"),
            }

            // `v` is complete: add it to the innermost container, closing
            // containers for as long as their end follows.
            while (true) {
                const frame = p.frames.getLastOrNull() orelse {
                    s.skipWhitespace();
                    if (s.pos < s.bytes.len) return s.failCharacter("after top-level value");
                    assert(p.keys.items.len == 0 and p.values.items.len == 0);
                    return v;
                };
                try p.values.append(p.scratch, v);
                s.skipWhitespace();
                if (s.pos >= s.bytes.len) return s.failEnd();
                const c = s.bytes[s.pos];
                switch (frame.kind) {
                    .array => switch (c) {
                        ',' => {
                            s.pos += 1;
                            continue :next_value;
                        },
                        ']' => {
                            s.pos += 1;
                            v = .{ .array = try s.finishArray(frame) };
                            _ = p.frames.pop();
                        },
                        else => return s.failCharacter("after array element"),
                    },
                    .object => switch (c) {
                        ',' => {
                            s.pos += 1;
                            s.skipWhitespace();
                            try s.parseKey();
                            continue :next_value;
                        },
                        '}' => {
                            s.pos += 1;
                            v = .{ .object = try s.finishObject(frame) };
                            _ = p.frames.pop();
                        },
                        else => return s.failCharacter("after object key:value pair"),
                    },
                }
            }
        }
    }

    fn skipWhitespace(s: *State) void {
        while (s.pos < s.bytes.len) : (s.pos += 1) {
            switch (s.bytes[s.pos]) {
                ' ', '\t', '\n', '\r' => {},
                else => return,
            }
        }
    }

    fn pushFrame(s: *State, kind: @FieldType(Parser.Frame, "kind")) ParseError!void {
        const p = s.parser;
        if (p.frames.items.len >= max_depth) {
            return s.fail(error.NestingTooDeep, s.pos, "exceeded maximum nesting depth of " ++
                std.fmt.comptimePrint("{d}", .{max_depth}), .{});
        }
        try p.frames.append(p.scratch, .{
            .kind = kind,
            .keys_start = p.keys.items.len,
            .values_start = p.values.items.len,
        });
    }

    /// Parses `"key" :` (after whitespace) onto the key stack.
    fn parseKey(s: *State) ParseError!void {
        if (s.pos >= s.bytes.len) return s.failEnd();
        if (s.bytes[s.pos] != '"') return s.failCharacter("looking for beginning of object key string");
        const key = try s.parseString();
        try s.parser.keys.append(s.parser.scratch, .{ .string = key });
        s.skipWhitespace();
        if (s.pos >= s.bytes.len) return s.failEnd();
        if (s.bytes[s.pos] != ':') return s.failCharacter("after object key");
        s.pos += 1;
    }

    fn finishArray(s: *State, frame: Parser.Frame) ParseError![]const Value {
        const p = s.parser;
        const items = p.values.items[frame.values_start..];
        assert(items.len > 0);
        const result = try s.allocator.dupe(Value, items);
        p.values.shrinkRetainingCapacity(frame.values_start);
        return result;
    }

    fn finishObject(s: *State, frame: Parser.Frame) ParseError!*const Object {
        const p = s.parser;
        const keys = p.keys.items[frame.keys_start..];
        const values = p.values.items[frame.values_start..];
        assert(keys.len == values.len and keys.len > 0);
        const n = keys.len;
        if (n > std.math.maxInt(u32)) return error.OutOfMemory;

        const entries = try s.allocator.alloc(Value, 2 * n);
        try p.perm.resize(p.scratch, n);
        const count = order.sortEntriesInto(
            compareStringKeys,
            p.perm.items,
            keys,
            values,
            entries[0..n],
            entries[n..],
            .last_wins,
            null,
        ) catch |err| switch (err) {
            error.DuplicateKey => unreachable, // .last_wins never reports duplicates.
        };
        const object = try s.allocator.create(Object);
        object.* = .{ .keys = entries[0..count], .values = entries[n..][0..count] };
        p.keys.shrinkRetainingCapacity(frame.keys_start);
        p.values.shrinkRetainingCapacity(frame.values_start);
        return object;
    }

    fn compareStringKeys(a: Value, b: Value) std.math.Order {
        return std.mem.order(u8, a.string, b.string);
    }

    fn parseLiteral(s: *State, comptime text: []const u8, v: Value) ParseError!Value {
        assert(s.bytes[s.pos] == text[0]);
        s.pos += 1;
        inline for (text[1..]) |expected| {
            if (s.pos >= s.bytes.len) return s.failEnd();
            if (s.bytes[s.pos] != expected) {
                return s.failCharacter("in literal " ++ text ++ " (expecting '" ++ .{expected} ++ "')");
            }
            s.pos += 1;
        }
        return v;
    }

    fn parseNumber(s: *State) ParseError!Number {
        const bytes = s.bytes;
        const start = s.pos;
        const negative = bytes[s.pos] == '-';
        if (negative) s.pos += 1;
        if (s.pos >= bytes.len) return s.failEnd();

        // Fast path: up to 18 integer digits always fit in i64.
        var magnitude: u64 = 0;
        const int_start = s.pos;
        switch (bytes[s.pos]) {
            '0' => s.pos += 1,
            '1'...'9' => while (s.pos < bytes.len and isDigit(bytes[s.pos])) : (s.pos += 1) {
                magnitude = magnitude *% 10 +% (bytes[s.pos] - '0');
            },
            else => return s.failCharacter("in numeric literal"),
        }
        const int_digits = s.pos - int_start;
        var plain = true;

        if (s.pos < bytes.len and bytes[s.pos] == '.') {
            plain = false;
            s.pos += 1;
            if (s.pos >= bytes.len) return s.failEnd();
            if (!isDigit(bytes[s.pos])) return s.failCharacter("after decimal point in numeric literal");
            while (s.pos < bytes.len and isDigit(bytes[s.pos])) s.pos += 1;
        }
        if (s.pos < bytes.len and (bytes[s.pos] == 'e' or bytes[s.pos] == 'E')) {
            plain = false;
            s.pos += 1;
            if (s.pos < bytes.len and (bytes[s.pos] == '+' or bytes[s.pos] == '-')) s.pos += 1;
            if (s.pos >= bytes.len) return s.failEnd();
            if (!isDigit(bytes[s.pos])) return s.failCharacter("in exponent of numeric literal");
            while (s.pos < bytes.len and isDigit(bytes[s.pos])) s.pos += 1;
        }

        if (plain and int_digits <= 18 and !(negative and magnitude == 0)) {
            const i: i64 = @intCast(magnitude);
            return Number.fromInt(if (negative) -i else i);
        }
        return Number.parseLiteral(s.allocator, bytes[start..s.pos]) catch |err| switch (err) {
            error.OutOfMemory => error.OutOfMemory,
            error.NumberOutOfRange => s.fail(error.NumberOutOfRange, start, "number out of range", .{}),
            // The grammar was checked above; report rather than trust it.
            error.InvalidNumber => s.fail(error.SyntaxError, start, "invalid number", .{}),
        };
    }

    /// Parses the string starting at the opening quote. Plain strings (no
    /// escapes, valid UTF-8) are one scan and one copy.
    fn parseString(s: *State) ParseError![]const u8 {
        assert(s.bytes[s.pos] == '"');
        const start = s.pos + 1;
        var i = start;
        const bytes = s.bytes;
        while (true) {
            i = skipPlainAscii(bytes, i);
            if (i >= bytes.len) {
                s.pos = i;
                return s.failEnd();
            }
            const c = bytes[i];
            if (c == '"') break;
            if (c == '\\') return s.parseStringSlow(start, i);
            if (c < 0x20) {
                s.pos = i;
                return s.failCharacter("in string literal");
            }
            assert(c >= 0x80);
            const len = utf8SequenceLength(bytes[i..]);
            if (len == 0) return s.parseStringSlow(start, i);
            i += len;
        }
        s.pos = i + 1;
        if (i == start) return "";
        if (s.borrow_strings) return bytes[start..i];
        return s.allocator.dupe(u8, bytes[start..i]);
    }

    /// Decodes escapes and replaces invalid UTF-8, continuing at `i` with
    /// `bytes[start..i]` already known to be plain.
    fn parseStringSlow(s: *State, start: usize, i_start: usize) ParseError![]const u8 {
        const p = s.parser;
        const bytes = s.bytes;
        const out = &p.string_buffer;
        out.clearRetainingCapacity();
        try out.appendSlice(p.scratch, bytes[start..i_start]);
        var i = i_start;
        while (true) {
            const plain_end = skipPlainAscii(bytes, i);
            try out.appendSlice(p.scratch, bytes[i..plain_end]);
            i = plain_end;
            if (i >= bytes.len) {
                s.pos = i;
                return s.failEnd();
            }
            const c = bytes[i];
            switch (c) {
                '"' => break,
                '\\' => i = try s.parseEscape(i),
                0...0x1f => {
                    s.pos = i;
                    return s.failCharacter("in string literal");
                },
                else => {
                    assert(c >= 0x80);
                    const len = utf8SequenceLength(bytes[i..]);
                    if (len == 0) {
                        // Go decodes each invalid byte to U+FFFD.
                        try out.appendSlice(p.scratch, replacement_utf8);
                        i += 1;
                    } else {
                        try out.appendSlice(p.scratch, bytes[i..][0..len]);
                        i += len;
                    }
                },
            }
        }
        s.pos = i + 1;
        return s.allocator.dupe(u8, out.items);
    }

    /// Decodes the escape at `bytes[i] == '\\'` into the string buffer;
    /// returns the position after it.
    fn parseEscape(s: *State, i: usize) ParseError!usize {
        const p = s.parser;
        const bytes = s.bytes;
        assert(bytes[i] == '\\');
        if (i + 1 >= bytes.len) {
            s.pos = bytes.len;
            return s.failEnd();
        }
        const simple: u8 = switch (bytes[i + 1]) {
            '"' => '"',
            '\\' => '\\',
            '/' => '/',
            'b' => 0x08,
            'f' => 0x0c,
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'u' => {
                const unit = try s.parseHex4(i + 2);
                var code_point: u21 = unit;
                var end = i + 6;
                if (std.unicode.utf16IsHighSurrogate(unit)) {
                    // A pair only if a low surrogate escape follows; otherwise
                    // U+FFFD and the next escape is decoded on its own (Go).
                    if (lowSurrogateAt(bytes, end)) |low| {
                        code_point = 0x10000 + ((@as(u21, unit) - 0xd800) << 10) + (low - 0xdc00);
                        end += 6;
                    } else code_point = replacement;
                } else if (std.unicode.utf16IsLowSurrogate(unit)) {
                    code_point = replacement;
                }
                var buffer: [4]u8 = undefined;
                // Surrogates were replaced above, so encoding cannot fail.
                const len = std.unicode.utf8Encode(code_point, &buffer) catch unreachable;
                try p.string_buffer.appendSlice(p.scratch, buffer[0..len]);
                return end;
            },
            else => {
                s.pos = i + 1;
                return s.failCharacter("in string escape code");
            },
        };
        try p.string_buffer.append(p.scratch, simple);
        return i + 2;
    }

    fn parseHex4(s: *State, at: usize) ParseError!u16 {
        var unit: u16 = 0;
        for (0..4) |k| {
            const j = at + k;
            if (j >= s.bytes.len) {
                s.pos = s.bytes.len;
                return s.failEnd();
            }
            const digit = hexValue(s.bytes[j]) orelse {
                s.pos = j;
                return s.failCharacter("in \\u hexadecimal character escape");
            };
            unit = unit << 4 | digit;
        }
        return unit;
    }

    fn failEnd(s: *State) ParseError {
        return s.fail(error.UnexpectedEndOfInput, s.bytes.len, "unexpected end of JSON input", .{});
    }

    /// "invalid character 'x' <context>" about the byte at `s.pos`.
    fn failCharacter(s: *State, comptime context: []const u8) ParseError {
        assert(s.pos < s.bytes.len);
        return s.fail(error.SyntaxError, s.pos, "invalid character {f} " ++ context, .{QuotedByte{ .byte = s.bytes[s.pos] }});
    }

    fn fail(s: *State, err: ParseError, offset: usize, comptime fmt: []const u8, args: anytype) ParseError {
        if (s.diagnostic) |d| {
            d.setPosition(s.bytes, offset);
            var w: std.Io.Writer = .fixed(&d.message_buffer);
            w.print(fmt, args) catch {}; // Truncation is fine.
            d.message_len = w.end;
        }
        return err;
    }
};

const replacement: u21 = 0xfffd;
const replacement_utf8 = "\xef\xbf\xbd";

fn isDigit(c: u8) bool {
    return c >= '0' and c <= '9';
}

fn hexValue(c: u8) ?u16 {
    return switch (c) {
        '0'...'9' => c - '0',
        'a'...'f' => c - 'a' + 10,
        'A'...'F' => c - 'A' + 10,
        else => null,
    };
}

/// The low surrogate of a `\uDC00`..`\uDFFF` escape at `bytes[i..]`.
fn lowSurrogateAt(bytes: []const u8, i: usize) ?u21 {
    if (i + 6 > bytes.len or bytes[i] != '\\' or bytes[i + 1] != 'u') return null;
    var unit: u21 = 0;
    for (bytes[i + 2 .. i + 6]) |c| unit = unit << 4 | (hexValue(c) orelse return null);
    if (unit < 0xdc00 or unit > 0xdfff) return null;
    return unit;
}

/// Index of the first byte at or after `i` that needs attention inside a
/// string: '"', '\\', a control character or a non-ASCII byte.
fn skipPlainAscii(bytes: []const u8, start: usize) usize {
    const lanes = 16;
    const V = @Vector(lanes, u8);
    var i = start;
    while (i + lanes <= bytes.len) {
        const chunk: V = bytes[i..][0..lanes].*;
        const quote: u16 = @bitCast(chunk == @as(V, @splat('"')));
        const backslash: u16 = @bitCast(chunk == @as(V, @splat('\\')));
        const control: u16 = @bitCast(chunk < @as(V, @splat(0x20)));
        const high: u16 = @bitCast(chunk >= @as(V, @splat(0x80)));
        const special = quote | backslash | control | high;
        if (special != 0) return i + @ctz(special);
        i += lanes;
    }
    while (i < bytes.len) : (i += 1) {
        const c = bytes[i];
        if (c == '"' or c == '\\' or c < 0x20 or c >= 0x80) return i;
    }
    return i;
}

/// Length of the valid UTF-8 sequence starting at `bytes[0]` (a non-ASCII
/// byte), or 0 when invalid: Go's utf8.DecodeRune rules (no overlongs, no
/// surrogates, nothing above U+10FFFF, no truncation).
fn utf8SequenceLength(bytes: []const u8) u3 {
    assert(bytes.len > 0 and bytes[0] >= 0x80);
    const first = bytes[0];
    const len: u3, const low: u8, const high: u8 = switch (first) {
        0xc2...0xdf => .{ 2, 0x80, 0xbf },
        0xe0 => .{ 3, 0xa0, 0xbf },
        0xe1...0xec, 0xee...0xef => .{ 3, 0x80, 0xbf },
        0xed => .{ 3, 0x80, 0x9f },
        0xf0 => .{ 4, 0x90, 0xbf },
        0xf1...0xf3 => .{ 4, 0x80, 0xbf },
        0xf4 => .{ 4, 0x80, 0x8f },
        else => return 0,
    };
    if (bytes.len < len) return 0;
    if (bytes[1] < low or bytes[1] > high) return 0;
    for (bytes[2..len]) |c| {
        if (c < 0x80 or c > 0xbf) return 0;
    }
    return len;
}

/// A byte quoted like Go's encoding/json quoteChar: 'x', '\'', '"', '\x01',
/// '\n', and bytes >= 0x80 as the Latin-1 character ('ï' for 0xEF).
const QuotedByte = struct {
    byte: u8,

    pub fn format(self: QuotedByte, w: *std.Io.Writer) std.Io.Writer.Error!void {
        const c = self.byte;
        try w.writeByte('\'');
        switch (c) {
            '\'' => try w.writeAll("\\'"),
            '\\' => try w.writeAll("\\\\"),
            0x07 => try w.writeAll("\\a"),
            0x08 => try w.writeAll("\\b"),
            0x0c => try w.writeAll("\\f"),
            '\n' => try w.writeAll("\\n"),
            '\r' => try w.writeAll("\\r"),
            '\t' => try w.writeAll("\\t"),
            0x0b => try w.writeAll("\\v"),
            0x00...0x06, 0x0e...0x1f, 0x7f => try w.print("\\x{x:0>2}", .{c}),
            0x20...0x26, 0x28...0x5b, 0x5d...0x7e => try w.writeByte(c),
            // strconv.IsPrint is false for C1 controls, NBSP and soft hyphen.
            0x80...0xa0, 0xad => try w.print("\\u{x:0>4}", .{c}),
            else => {
                var buffer: [2]u8 = undefined;
                const len = std.unicode.utf8Encode(c, &buffer) catch unreachable; // Below U+0100.
                try w.writeAll(buffer[0..len]);
            },
        }
        try w.writeByte('\'');
    }
};

// ---------------------------------------------------------------------------
// Serialization

pub const SerializeError = error{ WriteFailed, OutOfMemory, NestingTooDeep };

/// Non-string object keys are rendered as JSON to become string keys; a key
/// whose rendering needs another such key nests one level. This caps that
/// nesting (ordinary nesting uses a heap stack and has no limit).
pub const max_key_nesting = 64;

/// Writes `v` as compact JSON in OPA's output form (see the file comment).
/// `allocator` is scratch for the traversal stack and for rendering
/// non-string keys; everything is freed before returning. Deep values are
/// fine: the traversal keeps its stack on the heap.
pub fn serialize(allocator: Allocator, v: Value, writer: *std.Io.Writer) SerializeError!void {
    var key_arena = std.heap.ArenaAllocator.init(allocator);
    defer key_arena.deinit();
    var stack_fallback = std.heap.stackFallback(2048, allocator);
    var serializer: Serializer = .{
        .scratch = stack_fallback.get(),
        .key_arena = key_arena.allocator(),
        .key_nesting = 0,
    };
    defer serializer.frames.deinit(serializer.scratch);
    try serializer.run(v, writer);
}

/// `serialize` into a new slice owned by the caller.
pub fn serializeAlloc(allocator: Allocator, v: Value) error{ OutOfMemory, NestingTooDeep }![]u8 {
    var out: std.Io.Writer.Allocating = .init(allocator);
    defer out.deinit();
    serialize(allocator, v, &out.writer) catch |err| switch (err) {
        error.WriteFailed => return error.OutOfMemory, // The only way Allocating fails.
        else => |e| return e,
    };
    return out.toOwnedSlice();
}

const Serializer = struct {
    scratch: Allocator,
    key_arena: Allocator,
    key_nesting: usize,
    frames: std.ArrayList(Frame) = .empty,

    const Frame = struct {
        kind: enum { array, object, mapped_object },
        /// Array or set items, or object keys.
        items: []const Value,
        /// Object values.
        values: []const Value = &.{},
        /// For objects with non-string keys: entries in output order.
        mapped: []const MappedKey = &.{},
        next: usize = 0,

        fn len(frame: Frame) usize {
            return switch (frame.kind) {
                .array, .object => frame.items.len,
                .mapped_object => frame.mapped.len,
            };
        }
    };

    const MappedKey = struct {
        key: []const u8,
        index: usize,
    };

    fn run(self: *Serializer, root: Value, w: *std.Io.Writer) SerializeError!void {
        try self.open(root, w);
        while (self.frames.items.len > 0) {
            const frame = &self.frames.items[self.frames.items.len - 1];
            if (frame.next == frame.len()) {
                try w.writeByte(if (frame.kind == .array) ']' else '}');
                _ = self.frames.pop();
                continue;
            }
            if (frame.next > 0) try w.writeByte(',');
            const i = frame.next;
            frame.next += 1;
            // `frame` may dangle once `open` pushes; it is not used after.
            const child = switch (frame.kind) {
                .array => frame.items[i],
                .object => child: {
                    try writeString(w, frame.items[i].string);
                    try w.writeByte(':');
                    break :child frame.values[i];
                },
                .mapped_object => child: {
                    const entry = frame.mapped[i];
                    try writeString(w, entry.key);
                    try w.writeByte(':');
                    break :child frame.values[entry.index];
                },
            };
            try self.open(child, w);
        }
    }

    /// Writes a scalar, or the opening of a container and pushes its frame.
    fn open(self: *Serializer, v: Value, w: *std.Io.Writer) SerializeError!void {
        switch (v) {
            .null => try w.writeAll("null"),
            .boolean => |b| try w.writeAll(if (b) "true" else "false"),
            .number => |n| try n.format(w),
            .string => |s| try writeString(w, s),
            .array => |items| try self.openList(items, w),
            .set => |set| try self.openList(set.items, w),
            .object => |object| {
                const keys = object.keys;
                if (keys.len == 0) return w.writeAll("{}");
                try w.writeByte('{');
                // Canonical order puts every non-string key before or after
                // the strings, so the ends tell whether any exists.
                if (keys[0] == .string and keys[keys.len - 1] == .string) {
                    try self.frames.append(self.scratch, .{ .kind = .object, .items = keys, .values = object.values });
                } else {
                    const mapped = try self.mapKeys(object);
                    try self.frames.append(self.scratch, .{ .kind = .mapped_object, .items = keys, .values = object.values, .mapped = mapped });
                }
            },
        }
    }

    fn openList(self: *Serializer, items: []const Value, w: *std.Io.Writer) SerializeError!void {
        if (items.len == 0) return w.writeAll("[]");
        try w.writeByte('[');
        try self.frames.append(self.scratch, .{ .kind = .array, .items = items });
    }

    /// OPA turns the object into a Go map[string]any: each non-string key
    /// becomes its JSON text, keys that collide keep the entry iterated last
    /// (canonical order), and json.Marshal sorts the key strings.
    fn mapKeys(self: *Serializer, object: *const Object) SerializeError![]const MappedKey {
        if (self.key_nesting >= max_key_nesting) return error.NestingTooDeep;
        const arena = self.key_arena;
        const entries = try arena.alloc(MappedKey, object.keys.len);
        for (object.keys, entries, 0..) |key, *entry, i| {
            entry.* = .{ .index = i, .key = switch (key) {
                .string => |s| s,
                else => try self.renderKey(key),
            } };
        }
        const Context = struct {
            fn lessThan(_: void, a: MappedKey, b: MappedKey) bool {
                return switch (std.mem.order(u8, a.key, b.key)) {
                    .lt => true,
                    .gt => false,
                    .eq => a.index < b.index,
                };
            }
        };
        std.sort.pdq(MappedKey, entries, {}, Context.lessThan);
        // Keep the last entry of each run of equal key strings.
        var count: usize = 0;
        for (entries, 0..) |entry, i| {
            if (i + 1 < entries.len and std.mem.eql(u8, entry.key, entries[i + 1].key)) continue;
            entries[count] = entry;
            count += 1;
        }
        return entries[0..count];
    }

    fn renderKey(self: *Serializer, key: Value) SerializeError![]const u8 {
        var out: std.Io.Writer.Allocating = .init(self.key_arena);
        var nested: Serializer = .{
            .scratch = self.key_arena,
            .key_arena = self.key_arena,
            .key_nesting = self.key_nesting + 1,
        };
        nested.run(key, &out.writer) catch |err| switch (err) {
            error.WriteFailed => return error.OutOfMemory,
            else => |e| return e,
        };
        return out.written();
    }
};

/// Writes `s` as a JSON string the way Go's encoding/json does with HTML
/// escaping on (json.Marshal's default, hence OPA's output and json.marshal).
pub fn writeString(w: *std.Io.Writer, s: []const u8) std.Io.Writer.Error!void {
    try w.writeByte('"');
    var start: usize = 0;
    var i: usize = 0;
    while (i < s.len) {
        const c = s[i];
        if (c < 0x80) {
            if (html_safe[c]) {
                i += 1;
                continue;
            }
            try w.writeAll(s[start..i]);
            switch (c) {
                '"', '\\' => try w.writeAll(&.{ '\\', c }),
                0x08 => try w.writeAll("\\b"),
                0x0c => try w.writeAll("\\f"),
                '\n' => try w.writeAll("\\n"),
                '\r' => try w.writeAll("\\r"),
                '\t' => try w.writeAll("\\t"),
                else => try w.writeAll(&.{ '\\', 'u', '0', '0', hex_digits[c >> 4], hex_digits[c & 0xf] }),
            }
            i += 1;
            start = i;
            continue;
        }
        const len = utf8SequenceLength(s[i..]);
        if (len == 0) {
            try w.writeAll(s[start..i]);
            try w.writeAll("\\ufffd");
            i += 1;
            start = i;
            continue;
        }
        // U+2028 and U+2029 (E2 80 A8/A9) break JavaScript string literals.
        if (len == 3 and c == 0xe2 and s[i + 1] == 0x80 and (s[i + 2] & 0xfe) == 0xa8) {
            try w.writeAll(s[start..i]);
            try w.writeAll(if (s[i + 2] == 0xa8) "\\u2028" else "\\u2029");
            i += 3;
            start = i;
            continue;
        }
        i += len;
    }
    try w.writeAll(s[start..]);
    try w.writeByte('"');
}

const hex_digits = "0123456789abcdef";

/// ASCII bytes Go writes unescaped when escaping HTML.
const html_safe: [128]bool = blk: {
    var table: [128]bool = undefined;
    for (&table, 0..) |*safe, c| {
        safe.* = c >= 0x20 and c != '"' and c != '\\' and c != '<' and c != '>' and c != '&';
    }
    break :blk table;
};

// ---------------------------------------------------------------------------
// Tests

const testing = std.testing;

/// Parses `input` and serializes the result.
fn roundTrip(arena: Allocator, input: []const u8) ![]u8 {
    var diagnostic: Diagnostic = .{};
    const v = parseWithDiagnostic(arena, input, &diagnostic) catch |err| {
        std.debug.print("unexpected parse error for {s}: {f}\n", .{ input, &diagnostic });
        return err;
    };
    return serializeAlloc(arena, v);
}

fn expectRoundTrip(input: []const u8, expected: []const u8) !void {
    var arena_state = std.heap.ArenaAllocator.init(testing.allocator);
    defer arena_state.deinit();
    try testing.expectEqualStrings(expected, try roundTrip(arena_state.allocator(), input));
}

test "numbers round trip with their literal text" {
    try expectRoundTrip("123456789012345678901234567890", "123456789012345678901234567890");
    try expectRoundTrip("-123456789012345678901234567890", "-123456789012345678901234567890");
    try expectRoundTrip(
        \\[0.1, 1.0, 1e-7, -0, 1E+2, -0.0, 0.10, 1e400, 9223372036854775807, -9223372036854775808, 9223372036854775808, 0, -1, 123456789012345678]
    ,
        \\[0.1,1.0,1e-7,-0,1E+2,-0.0,0.10,1e400,9223372036854775807,-9223372036854775808,9223372036854775808,0,-1,123456789012345678]
    );
    var arena_state = std.heap.ArenaAllocator.init(testing.allocator);
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    const v = try parse(arena, "[123456789012345678, 1234567890123456789, -0, 1.5]");
    try testing.expectEqual(@as(i64, 123456789012345678), v.array[0].number.int);
    try testing.expectEqual(@as(i64, 1234567890123456789), v.array[1].number.int);
    try testing.expect(v.array[2].number == .big);
    try testing.expect(v.array[3].number == .big);
}

test "strings: escapes, unicode and Go's replacement rules" {
    // Escaped and raw non-ASCII, emoji as a surrogate pair and raw.
    try expectRoundTrip(
        \\["\u00e9", "é", "\ud83d\ude00", "😀", "\u4e2d文", "\/", "\b\f\n\r\t", "\u0001", "\"\\"]
    ,
        \\["é","é","😀","😀","中文","/","\b\f\n\r\t","\u0001","\"\\"]
    );
    // Lone or misordered surrogates become U+FFFD (Go's unquote); the escape
    // after a bad high surrogate is decoded on its own.
    try expectRoundTrip(
        \\["\ud83d", "\ude00", "\ud83dx", "\ud83d\u0041", "\ud83d\ud83d\ude00", "\uDBFF\uDFFF"]
    ,
        "[\"\u{fffd}\",\"\u{fffd}\",\"\u{fffd}x\",\"\u{fffd}A\",\"\u{fffd}\u{1f600}\",\"\u{10ffff}\"]",
    );
    // Invalid UTF-8: each bad byte becomes U+FFFD when parsing, and is written
    // as \ufffd when serializing.
    var arena_state = std.heap.ArenaAllocator.init(testing.allocator);
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    const cases = [_]struct { []const u8, []const u8 }{
        .{ "\"\xff\"", "\u{fffd}" },
        .{ "\"a\xe2\x82\"", "a\u{fffd}\u{fffd}" },
        .{ "\"\xed\xa0\x80\"", "\u{fffd}\u{fffd}\u{fffd}" }, // Encoded surrogate.
        .{ "\"\xc0\x80\"", "\u{fffd}\u{fffd}" }, // Overlong.
        .{ "\"\xf4\x90\x80\x80\"", "\u{fffd}\u{fffd}\u{fffd}\u{fffd}" }, // Above U+10FFFF.
        .{ "\"\xf0\x9f\x98\x80\\n\xff\"", "😀\n\u{fffd}" },
        .{ "\"\x7f\"", "\x7f" },
    };
    for (cases) |case| {
        const v = try parse(arena, case[0]);
        try testing.expectEqualStrings(case[1], v.string);
    }
    try testing.expectEqualStrings("\"\\ufffd\"", try serializeAlloc(arena, .{ .string = "\xff" }));
}

test "strings are escaped like Go's json.Marshal (checked against opa)" {
    var arena_state = std.heap.ArenaAllocator.init(testing.allocator);
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    // opa eval --format raw 'json.marshal("\b\f\u0001\u007f\t\n\r\"\\/\u2029é😀")'
    try testing.expectEqualStrings(
        "\"\\b\\f\\u0001\x7f\\t\\n\\r\\\"\\\\/\\u2029é😀\"",
        try serializeAlloc(arena, .{ .string = "\x08\x0c\x01\x7f\t\n\r\"\\/\u{2029}é😀" }),
    );
    // opa eval --format json '"<a&b>"' prints "\u003ca\u0026b\u003e".
    try testing.expectEqualStrings(
        "\"\\u003ca\\u0026b\\u003e\\u2028\"",
        try serializeAlloc(arena, .{ .string = "<a&b>\u{2028}" }),
    );
    // A long plain string with one escape near the end.
    const long = "abcdefghijklmnopqrstuvwxyz0123456789" ** 4 ++ "\n";
    try expectRoundTrip("\"" ++ long[0 .. long.len - 1] ++ "\\n\"", "\"" ++ long[0 .. long.len - 1] ++ "\\n\"");
}

test "objects: canonical key order and last duplicate wins" {
    try expectRoundTrip(
        \\ { "b" : 1 , "a" : [ true , false , null ] , "c" : { } , "": [] }
    ,
        \\{"":[],"a":[true,false,null],"b":1,"c":{}}
    );
    try expectRoundTrip(
        \\{"a": 1, "b": 2, "a": 3, "c": {"x": 1, "x": {"y": 2}}}
    ,
        \\{"a":3,"b":2,"c":{"x":{"y":2}}}
    );
    var arena_state = std.heap.ArenaAllocator.init(testing.allocator);
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    const v = try parse(arena, "{\"z\": 1, \"é\": 2, \"Z\": 3, \"a\": 4}");
    try testing.expect(order.isCanonicalObject(v.object));
    try testing.expectEqualStrings("Z", v.object.keys[0].string);
    try testing.expectEqualStrings("é", v.object.keys[3].string);
}

test "serialize: non-string keys and sets as OPA prints them" {
    var arena_state = std.heap.ArenaAllocator.init(testing.allocator);
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    const one: Value = .{ .number = Number.fromInt(1) };
    const two: Value = .{ .number = Number.fromInt(2) };
    const array_one: Value = .{ .array = &.{one} };

    // opa eval --format json '{1:2, "a":1, null: 3, [1]: 4, true: 5}'
    const mixed = try order.objectFromUnsorted(
        arena,
        &.{ one, .{ .string = "a" }, .null, array_one, Value.true },
        &.{ two, one, .{ .number = Number.fromInt(3) }, .{ .number = Number.fromInt(4) }, .{ .number = Number.fromInt(5) } },
        .reject,
        null,
    );
    try testing.expectEqualStrings(
        \\{"1":2,"[1]":4,"a":1,"null":3,"true":5}
    , try serializeAlloc(arena, .{ .object = mixed }));

    // opa: json.marshal({"1": 3, 1: 4}) == `{"1":3}` (the string key iterates last).
    const colliding = try order.objectFromUnsorted(arena, &.{ .{ .string = "1" }, one }, &.{ .{ .number = Number.fromInt(3) }, .{ .number = Number.fromInt(4) } }, .reject, null);
    try testing.expectEqualStrings("{\"1\":3}", try serializeAlloc(arena, .{ .object = colliding }));

    // opa: json.marshal({[{"b":1,"a":"<"}]: 1, {1,2}: 2, "1": 3, 1: 4})
    //   == {"1":3,"[1,2]":2,"[{\"a\":\"\\u003c\",\"b\":1}]":1}
    const inner = try order.objectFromUnsorted(arena, &.{ .{ .string = "b" }, .{ .string = "a" } }, &.{ one, .{ .string = "<" } }, .reject, null);
    const array_of_inner: Value = .{ .array = &.{.{ .object = inner }} };
    const set12 = try order.setFromUnsorted(arena, &.{ two, one });
    const nested = try order.objectFromUnsorted(
        arena,
        &.{ array_of_inner, .{ .set = set12 }, .{ .string = "1" }, one },
        &.{ one, two, .{ .number = Number.fromInt(3) }, .{ .number = Number.fromInt(4) } },
        .reject,
        null,
    );
    try testing.expectEqualStrings(
        \\{"1":3,"[1,2]":2,"[{\"a\":\"\\u003c\",\"b\":1}]":1}
    , try serializeAlloc(arena, .{ .object = nested }));

    // Sets are arrays in canonical order; float keys keep their text.
    const s = try order.setFromUnsorted(arena, &.{ .{ .string = "b" }, two, .null, one });
    try testing.expectEqualStrings("[null,1,2,\"b\"]", try serializeAlloc(arena, .{ .set = s }));
    const float_key = try order.objectFromUnsorted(arena, &.{.{ .number = try Number.parseLiteral(arena, "1.0") }}, &.{.{ .set = &Set.empty }}, .reject, null);
    try testing.expectEqualStrings("{\"1.0\":[]}", try serializeAlloc(arena, .{ .object = float_key }));
}

test "serialize writes through a fixed writer and reports a full buffer" {
    var buffer: [8]u8 = undefined;
    var w: std.Io.Writer = .fixed(&buffer);
    try testing.expectError(error.WriteFailed, serialize(testing.allocator, .{ .string = "0123456789" }, &w));
}

fn nestedDocument(arena: Allocator, depth: usize, open: []const u8, close: []const u8) ![]u8 {
    var out: std.ArrayList(u8) = .empty;
    for (0..depth) |_| try out.appendSlice(arena, open);
    try out.append(arena, '1');
    for (0..depth) |_| try out.appendSlice(arena, close);
    return out.items;
}

test "deep nesting: max_depth accepted, deeper is a clean error" {
    var arena_state = std.heap.ArenaAllocator.init(testing.allocator);
    defer arena_state.deinit();
    const arena = arena_state.allocator();

    const arrays = try nestedDocument(arena, max_depth, "[", "]");
    try testing.expectEqualStrings(arrays, try roundTrip(arena, arrays));
    const objects = try nestedDocument(arena, 2000, "{\"k\":", "}");
    try testing.expectEqualStrings(objects, try roundTrip(arena, objects));

    var diagnostic: Diagnostic = .{};
    const too_deep = try nestedDocument(arena, max_depth + 1, "[", "]");
    try testing.expectError(error.NestingTooDeep, parseWithDiagnostic(arena, too_deep, &diagnostic));
    try testing.expectEqual(@as(usize, max_depth), diagnostic.offset);
    try testing.expectEqualStrings("exceeded maximum nesting depth of 2048", diagnostic.message());

    const huge = try nestedDocument(arena, 100_000, "[{\"a\":", "}]");
    try testing.expectError(error.NestingTooDeep, parse(arena, huge));
    // Unclosed: the depth check fires before the end is reached.
    try testing.expectError(error.NestingTooDeep, parse(arena, "[" ** 100_000));
}

test "serialize handles values deeper than max_depth without recursion" {
    var arena_state = std.heap.ArenaAllocator.init(testing.allocator);
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    const depth = 100_000;
    var v: Value = .{ .number = Number.fromInt(1) };
    for (0..depth) |i| {
        const child = v;
        if (i % 2 == 0) {
            v = .{ .array = try arena.dupe(Value, &.{child}) };
        } else {
            v = .{ .object = try order.objectFromUnsorted(arena, &.{.{ .string = "k" }}, &.{child}, .reject, null) };
        }
    }
    const text = try serializeAlloc(arena, v);
    try testing.expectEqual(@as(usize, 2 * (depth / 2) + 6 * (depth / 2) + 1), text.len);
    try testing.expect(std.mem.startsWith(u8, text, "{\"k\":[{\"k\":["));
}

const ErrorCase = struct {
    input: []const u8,
    err: ParseError,
    line: usize,
    column: usize,
    message: []const u8,
};

test "invalid JSON: error, position and Go's message" {
    const cases = [_]ErrorCase{
        .{ .input = "", .err = error.UnexpectedEndOfInput, .line = 1, .column = 1, .message = "unexpected end of JSON input" },
        .{ .input = "  \n ", .err = error.UnexpectedEndOfInput, .line = 2, .column = 2, .message = "unexpected end of JSON input" },
        .{ .input = "\xef\xbb\xbf1", .err = error.SyntaxError, .line = 1, .column = 1, .message = "invalid character 'ï' looking for beginning of value" },
        .{ .input = "[1,]", .err = error.SyntaxError, .line = 1, .column = 4, .message = "invalid character ']' looking for beginning of value" },
        .{ .input = "{\"a\":1,}", .err = error.SyntaxError, .line = 1, .column = 8, .message = "invalid character '}' looking for beginning of object key string" },
        .{ .input = "{1:2}", .err = error.SyntaxError, .line = 1, .column = 2, .message = "invalid character '1' looking for beginning of object key string" },
        .{ .input = "{\"a\" 1}", .err = error.SyntaxError, .line = 1, .column = 6, .message = "invalid character '1' after object key" },
        .{ .input = "{\"a\":1 \"b\":2}", .err = error.SyntaxError, .line = 1, .column = 8, .message = "invalid character '\"' after object key:value pair" },
        .{ .input = "[1 2]", .err = error.SyntaxError, .line = 1, .column = 4, .message = "invalid character '2' after array element" },
        .{ .input = "01", .err = error.SyntaxError, .line = 1, .column = 2, .message = "invalid character '1' after top-level value" },
        .{ .input = "1 2", .err = error.SyntaxError, .line = 1, .column = 3, .message = "invalid character '2' after top-level value" },
        .{ .input = "{\"a\":1}}", .err = error.SyntaxError, .line = 1, .column = 8, .message = "invalid character '}' after top-level value" },
        .{ .input = "1\x00", .err = error.SyntaxError, .line = 1, .column = 2, .message = "invalid character '\\x00' after top-level value" },
        .{ .input = "1.", .err = error.UnexpectedEndOfInput, .line = 1, .column = 3, .message = "unexpected end of JSON input" },
        .{ .input = "1.e3", .err = error.SyntaxError, .line = 1, .column = 3, .message = "invalid character 'e' after decimal point in numeric literal" },
        .{ .input = "-a", .err = error.SyntaxError, .line = 1, .column = 2, .message = "invalid character 'a' in numeric literal" },
        .{ .input = "-", .err = error.UnexpectedEndOfInput, .line = 1, .column = 2, .message = "unexpected end of JSON input" },
        .{ .input = "1e+x", .err = error.SyntaxError, .line = 1, .column = 4, .message = "invalid character 'x' in exponent of numeric literal" },
        .{ .input = "+1", .err = error.SyntaxError, .line = 1, .column = 1, .message = "invalid character '+' looking for beginning of value" },
        .{ .input = ".5", .err = error.SyntaxError, .line = 1, .column = 1, .message = "invalid character '.' looking for beginning of value" },
        .{ .input = "1e1000000000000000000", .err = error.NumberOutOfRange, .line = 1, .column = 1, .message = "number out of range" },
        .{ .input = "tru", .err = error.UnexpectedEndOfInput, .line = 1, .column = 4, .message = "unexpected end of JSON input" },
        .{ .input = "trux", .err = error.SyntaxError, .line = 1, .column = 4, .message = "invalid character 'x' in literal true (expecting 'e')" },
        .{ .input = "nUll", .err = error.SyntaxError, .line = 1, .column = 2, .message = "invalid character 'U' in literal null (expecting 'u')" },
        .{ .input = "[\n  fals\n]", .err = error.SyntaxError, .line = 2, .column = 7, .message = "invalid character '\\n' in literal false (expecting 'e')" },
        .{ .input = "NaN", .err = error.SyntaxError, .line = 1, .column = 1, .message = "invalid character 'N' looking for beginning of value" },
        .{ .input = "\"abc", .err = error.UnexpectedEndOfInput, .line = 1, .column = 5, .message = "unexpected end of JSON input" },
        .{ .input = "\"a\x01\"", .err = error.SyntaxError, .line = 1, .column = 3, .message = "invalid character '\\x01' in string literal" },
        .{ .input = "[\"\t\"]", .err = error.SyntaxError, .line = 1, .column = 3, .message = "invalid character '\\t' in string literal" },
        .{ .input = "\"\\u00e9\n\"", .err = error.SyntaxError, .line = 1, .column = 8, .message = "invalid character '\\n' in string literal" },
        .{ .input = "\"\\x\"", .err = error.SyntaxError, .line = 1, .column = 3, .message = "invalid character 'x' in string escape code" },
        .{ .input = "\"\\'\"", .err = error.SyntaxError, .line = 1, .column = 3, .message = "invalid character '\\'' in string escape code" },
        .{ .input = "\"\\u12g4\"", .err = error.SyntaxError, .line = 1, .column = 6, .message = "invalid character 'g' in \\u hexadecimal character escape" },
        .{ .input = "\"\\ud83d\\u12g4\"", .err = error.SyntaxError, .line = 1, .column = 12, .message = "invalid character 'g' in \\u hexadecimal character escape" },
        .{ .input = "\"\\u12", .err = error.UnexpectedEndOfInput, .line = 1, .column = 6, .message = "unexpected end of JSON input" },
        .{ .input = "\"\\", .err = error.UnexpectedEndOfInput, .line = 1, .column = 3, .message = "unexpected end of JSON input" },
        .{ .input = "[", .err = error.UnexpectedEndOfInput, .line = 1, .column = 2, .message = "unexpected end of JSON input" },
        .{ .input = "{\"a\":", .err = error.UnexpectedEndOfInput, .line = 1, .column = 6, .message = "unexpected end of JSON input" },
        .{ .input = "{\"a\"", .err = error.UnexpectedEndOfInput, .line = 1, .column = 5, .message = "unexpected end of JSON input" },
        .{ .input = "{", .err = error.UnexpectedEndOfInput, .line = 1, .column = 2, .message = "unexpected end of JSON input" },
        .{ .input = "[1,", .err = error.UnexpectedEndOfInput, .line = 1, .column = 4, .message = "unexpected end of JSON input" },
        .{ .input = "\xc0", .err = error.SyntaxError, .line = 1, .column = 1, .message = "invalid character 'À' looking for beginning of value" },
        .{ .input = "\x85", .err = error.SyntaxError, .line = 1, .column = 1, .message = "invalid character '\\u0085' looking for beginning of value" },
        .{ .input = "'a'", .err = error.SyntaxError, .line = 1, .column = 1, .message = "invalid character '\\'' looking for beginning of value" },
        .{ .input = "\x0b1", .err = error.SyntaxError, .line = 1, .column = 1, .message = "invalid character '\\v' looking for beginning of value" },
        .{ .input = "{\"é\": 1,\n \"b\": x}", .err = error.SyntaxError, .line = 2, .column = 7, .message = "invalid character 'x' looking for beginning of value" },
        .{ .input = "[1]\r\n[2]", .err = error.SyntaxError, .line = 2, .column = 1, .message = "invalid character '[' after top-level value" },
    };
    var arena_state = std.heap.ArenaAllocator.init(testing.allocator);
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    for (cases) |case| {
        var diagnostic: Diagnostic = .{};
        const result = parseWithDiagnostic(arena, case.input, &diagnostic);
        testing.expectError(case.err, result) catch |err| {
            std.debug.print("input {f}\n", .{std.zig.fmtString(case.input)});
            return err;
        };
        testing.expectEqualStrings(case.message, diagnostic.message()) catch |err| {
            std.debug.print("input {f}\n", .{std.zig.fmtString(case.input)});
            return err;
        };
        testing.expect(case.line == diagnostic.line and case.column == diagnostic.column) catch |err| {
            std.debug.print("input {f}: line {d} column {d}\n", .{ std.zig.fmtString(case.input), diagnostic.line, diagnostic.column });
            return err;
        };
    }
    // The full diagnostic text, as the C ABI reports it.
    var diagnostic: Diagnostic = .{};
    try testing.expectError(error.SyntaxError, parseWithDiagnostic(arena, "{\n  \"a\": [1,\n    2,, 3]}", &diagnostic));
    var buffer: [128]u8 = undefined;
    var w: std.Io.Writer = .fixed(&buffer);
    try w.print("invalid JSON at {f}", .{&diagnostic});
    try testing.expectEqualStrings("invalid JSON at line 3, column 7: invalid character ',' looking for beginning of value", w.buffered());
    try testing.expectEqual(@as(usize, 19), diagnostic.offset);
}

test "parse accepts every valid scalar and whitespace form" {
    var arena_state = std.heap.ArenaAllocator.init(testing.allocator);
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    try testing.expect((try parse(arena, " \t\r\nnull\n")) == .null);
    try testing.expect((try parse(arena, "true")).boolean);
    try testing.expect(!(try parse(arena, "false")).boolean);
    try testing.expectEqualStrings("", (try parse(arena, "\"\"")).string);
    try testing.expectEqual(@as(i64, -42), (try parse(arena, "-42")).number.int);
    try testing.expectEqual(@as(usize, 0), (try parse(arena, "[ ]")).array.len);
    try testing.expectEqual(@as(usize, 0), (try parse(arena, "{ }")).object.keys.len);
}

test "a reusable Parser keeps scratch apart from values" {
    var parser = Parser.init(testing.allocator);
    defer parser.deinit();
    for (0..3) |_| {
        var arena_state = std.heap.ArenaAllocator.init(testing.allocator);
        defer arena_state.deinit();
        const arena = arena_state.allocator();
        const v = try parser.parse(arena, "{\"b\": [1, \"x\\n\", {\"d\": 1.5, \"c\": null}], \"a\": \"\\u00e9\"}", null);
        try testing.expectEqualStrings(
            \\{"a":"é","b":[1,"x\n",{"c":null,"d":1.5}]}
        , try serializeAlloc(arena, v));
        var diagnostic: Diagnostic = .{};
        try testing.expectError(error.SyntaxError, parser.parse(arena, "[[[1}", &diagnostic));
        try testing.expectEqual(@as(usize, 5), diagnostic.column);
    }
}

test "parse reports OutOfMemory instead of crashing" {
    const input = "{\"k\": [1, 2.5, \"s\\n\", {\"z\": true, \"a\": null}], \"big\": 123456789012345678901234567890}";
    var fail_index: usize = 0;
    while (true) : (fail_index += 1) {
        var arena_state = std.heap.ArenaAllocator.init(testing.allocator);
        defer arena_state.deinit();
        var failing = std.testing.FailingAllocator.init(arena_state.allocator(), .{ .fail_index = fail_index });
        const result = parse(failing.allocator(), input);
        if (result) |_| {
            break;
        } else |err| try testing.expectEqual(error.OutOfMemory, err);
    }
    try testing.expect(fail_index > 3);
}

test "borrowed strings point into the document, escaped ones are decoded" {
    var arena: std.heap.ArenaAllocator = .init(std.testing.allocator);
    defer arena.deinit();
    const text = "{\"plain\":\"abc\",\"escaped\":\"a\\nb\"}";
    const v = try parseBorrowing(arena.allocator(), text, null);
    const plain = order.objectGet(v.object, .{ .string = "plain" }).?.string;
    const at = @intFromPtr(plain.ptr);
    try std.testing.expect(at >= @intFromPtr(text.ptr) and at < @intFromPtr(text.ptr) + text.len);
    try std.testing.expectEqualStrings("a\nb", order.objectGet(v.object, .{ .string = "escaped" }).?.string);
}
