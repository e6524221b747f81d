//! The GraphQL lexer of gqlparser (lexer/lexer.go), token for token: the same
//! token kinds, values, positions (lines and rune columns) and error messages.
//!
//! Positions matter beyond error messages: gqlparser reports a token's column
//! from its start rune but on the token's *last* line (block strings can span
//! lines), and lexing errors at the rune where lexing stopped. We reproduce both.
const std = @import("std");
const Allocator = std.mem.Allocator;
const types = @import("../builtins/types.zig");

pub const Kind = enum {
    invalid,
    eof,
    bang,
    dollar,
    amp,
    paren_l,
    paren_r,
    spread,
    colon,
    equals,
    at,
    bracket_l,
    bracket_r,
    brace_l,
    brace_r,
    pipe,
    name,
    int,
    float,
    string,
    block_string,
    comment,

    /// lexer.Type.String(): how messages name a kind.
    pub fn text(kind: Kind) []const u8 {
        return switch (kind) {
            .invalid => "<Invalid>",
            .eof => "<EOF>",
            .bang => "!",
            .dollar => "$",
            .amp => "&",
            .paren_l => "(",
            .paren_r => ")",
            .spread => "...",
            .colon => ":",
            .equals => "=",
            .at => "@",
            .bracket_l => "[",
            .bracket_r => "]",
            .brace_l => "{",
            .brace_r => "}",
            .pipe => "|",
            .name => "Name",
            .int => "Int",
            .float => "Float",
            .string => "String",
            .block_string => "BlockString",
            .comment => "Comment",
        };
    }
};

/// A line and a rune column, both 1-based; columns can be odd for block
/// strings (see the file comment), hence signed.
pub const Position = struct {
    line: i64,
    column: i64,
};

pub const Token = struct {
    kind: Kind,
    /// Names, numbers and comments as written; strings unescaped; "" for punctuators.
    value: []const u8,
    position: Position,

    /// lexer.Token.String(): the kind, then the Go-quoted value if any.
    pub fn format(token: Token, w: *std.Io.Writer) std.Io.Writer.Error!void {
        try w.writeAll(token.kind.text());
        if (token.value.len > 0) {
            try w.writeByte(' ');
            try types.writeGoQuoted(w, token.value);
        }
    }
};

/// A token and, when lexing failed, the error (the token is then `.invalid`).
pub const Result = struct {
    token: Token,
    error_message: ?[]const u8 = null,
};

pub const Lexer = struct {
    input: []const u8,
    /// Unescaped string values live here.
    allocator: Allocator,
    start: usize = 0,
    start_runes: i64 = 0,
    end: usize = 0,
    end_runes: i64 = 0,
    line: i64 = 1,
    line_start_runes: i64 = 0,

    pub fn init(allocator: Allocator, input: []const u8) Lexer {
        return .{ .input = input, .allocator = allocator };
    }

    /// The next token, skipping whitespace, commas and byte order marks.
    pub fn readToken(lexer: *Lexer) Allocator.Error!Result {
        lexer.skipWhitespace();
        lexer.start = lexer.end;
        lexer.start_runes = lexer.end_runes;
        if (lexer.end >= lexer.input.len) return lexer.makeToken(.eof);

        const c = lexer.input[lexer.start];
        lexer.end += 1;
        lexer.end_runes += 1;
        switch (c) {
            '!' => return lexer.makeValueToken(.bang, ""),
            '$' => return lexer.makeValueToken(.dollar, ""),
            '&' => return lexer.makeValueToken(.amp, ""),
            '(' => return lexer.makeValueToken(.paren_l, ""),
            ')' => return lexer.makeValueToken(.paren_r, ""),
            '.' => if (std.mem.startsWith(u8, lexer.input[lexer.start..], "...")) {
                lexer.end += 2;
                lexer.end_runes += 2;
                return lexer.makeValueToken(.spread, "");
            },
            ':' => return lexer.makeValueToken(.colon, ""),
            '=' => return lexer.makeValueToken(.equals, ""),
            '@' => return lexer.makeValueToken(.at, ""),
            '[' => return lexer.makeValueToken(.bracket_l, ""),
            ']' => return lexer.makeValueToken(.bracket_r, ""),
            '{' => return lexer.makeValueToken(.brace_l, ""),
            '}' => return lexer.makeValueToken(.brace_r, ""),
            '|' => return lexer.makeValueToken(.pipe, ""),
            '#' => return lexer.readComment(),
            '_', 'a'...'z', 'A'...'Z' => return lexer.readName(),
            '-', '0'...'9' => return lexer.readNumber(),
            '"' => {
                if (std.mem.startsWith(u8, lexer.input[lexer.start..], "\"\"\"")) return lexer.readBlockString();
                return lexer.readString();
            },
            else => {},
        }
        lexer.end -= 1;
        lexer.end_runes -= 1;
        if (c < 0x20 and c != '\t' and c != '\n' and c != '\r') {
            return lexer.makeError("Cannot contain the invalid character \"\\u{x:0>4}\"", .{c});
        }
        if (c == '\'') {
            return lexer.makeError("Unexpected single quote character ('), did you mean to use a double quote (\")?", .{});
        }
        // Go converts the byte (not the rune) to a string: 0xc3 prints as "Ã".
        var buffer: [4]u8 = undefined;
        const len = std.unicode.utf8Encode(c, &buffer) catch unreachable; // Bytes are valid code points.
        return lexer.makeError("Cannot parse the unexpected character \"{s}\".", .{buffer[0..len]});
    }

    fn makeToken(lexer: *Lexer, kind: Kind) Result {
        return lexer.makeValueToken(kind, lexer.input[lexer.start..lexer.end]);
    }

    fn makeValueToken(lexer: *Lexer, kind: Kind, value: []const u8) Result {
        return .{ .token = .{
            .kind = kind,
            .value = value,
            .position = .{ .line = lexer.line, .column = lexer.start_runes - lexer.line_start_runes + 1 },
        } };
    }

    fn makeError(lexer: *Lexer, comptime fmt: []const u8, args: anytype) Allocator.Error!Result {
        const position: Position = .{ .line = lexer.line, .column = lexer.end_runes - lexer.line_start_runes + 1 };
        return .{
            .token = .{ .kind = .invalid, .value = "", .position = position },
            .error_message = try std.fmt.allocPrint(lexer.allocator, fmt, args),
        };
    }

    fn skipWhitespace(lexer: *Lexer) void {
        const input = lexer.input;
        while (lexer.end < input.len) {
            switch (input[lexer.end]) {
                '\t', ' ', ',' => {
                    lexer.end += 1;
                    lexer.end_runes += 1;
                },
                '\n' => lexer.newLine(1),
                '\r' => {
                    lexer.newLine(1);
                    // \r\n is one line break, and gqlparser counts the \n as no rune.
                    if (lexer.end < input.len and input[lexer.end] == '\n') {
                        lexer.end += 1;
                        lexer.end_runes += 1;
                    }
                },
                0xef => {
                    if (lexer.end + 2 < input.len and input[lexer.end + 1] == 0xbb and input[lexer.end + 2] == 0xbf) {
                        lexer.end += 3;
                        lexer.end_runes += 1;
                    } else return;
                },
                else => return,
            }
        }
    }

    fn newLine(lexer: *Lexer, bytes: usize) void {
        lexer.end += bytes;
        lexer.end_runes += 1;
        lexer.line += 1;
        lexer.line_start_runes = lexer.end_runes;
    }

    /// #[\u0009\u0020-\uFFFF]*
    fn readComment(lexer: *Lexer) Result {
        while (lexer.end < lexer.input.len) {
            const decoded = decodeRune(lexer.input, lexer.end);
            if (decoded.rune <= 0x1f and decoded.rune != '\t') break;
            lexer.end += decoded.width;
            lexer.end_runes += 1;
        }
        return lexer.makeToken(.comment);
    }

    /// Int: -?(0|[1-9][0-9]*); Float adds (\.[0-9]+)?((E|e)(+|-)?[0-9]+)?
    fn readNumber(lexer: *Lexer) Allocator.Error!Result {
        var float = false;
        lexer.end -= 1;
        lexer.end_runes -= 1;
        _ = lexer.acceptByte("-");
        if (lexer.acceptByte("0")) {
            const consumed = lexer.acceptDigits();
            if (consumed != 0) {
                lexer.end -= consumed;
                lexer.end_runes -= @intCast(consumed);
                return lexer.makeError("Invalid number, unexpected digit after 0: {f}.", .{lexer.describeNext()});
            }
        } else if (lexer.acceptDigits() == 0) {
            return lexer.makeError("Invalid number, expected digit but got: {f}.", .{lexer.describeNext()});
        }
        if (lexer.acceptByte(".")) {
            float = true;
            if (lexer.acceptDigits() == 0) {
                return lexer.makeError("Invalid number, expected digit but got: {f}.", .{lexer.describeNext()});
            }
        }
        if (lexer.acceptByte("eE")) {
            float = true;
            _ = lexer.acceptByte("-+");
            if (lexer.acceptDigits() == 0) {
                return lexer.makeError("Invalid number, expected digit but got: {f}.", .{lexer.describeNext()});
            }
        }
        return lexer.makeToken(if (float) .float else .int);
    }

    fn acceptByte(lexer: *Lexer, bytes: []const u8) bool {
        if (lexer.end >= lexer.input.len) return false;
        if (std.mem.indexOfScalar(u8, bytes, lexer.input[lexer.end]) == null) return false;
        lexer.end += 1;
        lexer.end_runes += 1;
        return true;
    }

    fn acceptDigits(lexer: *Lexer) usize {
        var consumed: usize = 0;
        while (lexer.end < lexer.input.len and std.ascii.isDigit(lexer.input[lexer.end])) {
            lexer.end += 1;
            lexer.end_runes += 1;
            consumed += 1;
        }
        return consumed;
    }

    const NextDescription = struct {
        byte: ?u8,

        pub fn format(self: NextDescription, w: *std.Io.Writer) std.Io.Writer.Error!void {
            const byte = self.byte orelse return w.writeAll("<EOF>");
            var buffer: [4]u8 = undefined;
            const len = std.unicode.utf8Encode(byte, &buffer) catch unreachable; // Bytes are valid code points.
            try w.print("\"{s}\"", .{buffer[0..len]});
        }
    };

    fn describeNext(lexer: *const Lexer) NextDescription {
        return .{ .byte = if (lexer.end < lexer.input.len) lexer.input[lexer.end] else null };
    }

    /// "([^"\\\u000A\u000D]|(\\(u[0-9a-fA-F]{4}|["\\/bfnrt])))*"
    fn readString(lexer: *Lexer) Allocator.Error!Result {
        const input = lexer.input;
        // Built only once an escape shows up; until then the value is a slice of the input.
        var unescaped: ?std.ArrayList(u8) = null;
        lexer.start += 1;
        lexer.start_runes += 1;
        while (lexer.end < input.len) {
            const c = input[lexer.end];
            if (c == '\n' or c == '\r') break;
            if (c < 0x20 and c != '\t') {
                return lexer.makeError("Invalid character within String: \"\\u{x:0>4}\".", .{c});
            }
            switch (c) {
                '"' => {
                    var result = lexer.makeToken(.string);
                    if (unescaped) |*buffer| result.token.value = buffer.items;
                    lexer.end += 1;
                    lexer.end_runes += 1;
                    return result;
                },
                '\\' => {
                    if (lexer.end + 1 >= input.len) {
                        lexer.end += 1;
                        lexer.end_runes += 1;
                        return lexer.makeError("Invalid character escape sequence.", .{});
                    }
                    if (unescaped == null) {
                        unescaped = .empty;
                        try unescaped.?.appendSlice(lexer.allocator, input[lexer.start..lexer.end]);
                    }
                    const buffer = &unescaped.?;
                    const escape = input[lexer.end + 1];
                    if (escape == 'u') {
                        if (lexer.end + 6 >= input.len) {
                            lexer.end += 1;
                            lexer.end_runes += 1;
                            return lexer.makeError("Invalid character escape sequence: \\{s}.", .{input[lexer.end..]});
                        }
                        const rune = unhex(input[lexer.end + 2 .. lexer.end + 6]) orelse {
                            lexer.end += 1;
                            lexer.end_runes += 1;
                            return lexer.makeError("Invalid character escape sequence: \\{s}.", .{input[lexer.end .. lexer.end + 5]});
                        };
                        try appendRune(lexer.allocator, buffer, rune);
                        lexer.end += 6;
                        lexer.end_runes += 6;
                    } else {
                        const byte: u8 = switch (escape) {
                            '"', '/', '\\' => escape,
                            'b' => 0x08,
                            'f' => 0x0c,
                            'n' => '\n',
                            'r' => '\r',
                            't' => '\t',
                            else => {
                                lexer.end += 1;
                                lexer.end_runes += 1;
                                var text: [4]u8 = undefined;
                                const len = std.unicode.utf8Encode(escape, &text) catch unreachable; // A byte is a valid code point.
                                return lexer.makeError("Invalid character escape sequence: \\{s}.", .{text[0..len]});
                            },
                        };
                        try buffer.append(lexer.allocator, byte);
                        lexer.end += 2;
                        lexer.end_runes += 2;
                    }
                },
                else => {
                    var rune: u21 = c;
                    var width: usize = 1;
                    if (c >= 127) {
                        const decoded = decodeRune(input, lexer.end);
                        rune = decoded.rune;
                        width = decoded.width;
                    }
                    lexer.end += width;
                    lexer.end_runes += 1;
                    if (unescaped) |*buffer| try appendRune(lexer.allocator, buffer, rune);
                },
            }
        }
        return lexer.makeError("Unterminated string.", .{});
    }

    /// """("?"?(\\"""|\\(?!=""")|[^"\\]))*"""
    fn readBlockString(lexer: *Lexer) Allocator.Error!Result {
        const input = lexer.input;
        var raw: std.ArrayList(u8) = .empty;
        lexer.start += 3;
        lexer.start_runes += 3;
        lexer.end += 2;
        lexer.end_runes += 2;
        while (lexer.end < input.len) {
            const c = input[lexer.end];
            if (c == '"') {
                var quotes: usize = 1;
                while (lexer.end + quotes < input.len and input[lexer.end + quotes] == '"') quotes += 1;
                if (quotes >= 3) {
                    // The last three quotes close the string; any before them are content.
                    try raw.appendNTimes(lexer.allocator, '"', quotes - 3);
                    const result = lexer.makeValueToken(.block_string, try blockStringValue(lexer.allocator, raw.items));
                    lexer.end += quotes;
                    lexer.end_runes += @intCast(quotes);
                    return result;
                }
            }
            if (c < 0x20 and c != '\t' and c != '\n' and c != '\r') {
                return lexer.makeError("Invalid character within String: \"\\u{x:0>4}\".", .{c});
            }
            if (c == '\\' and std.mem.startsWith(u8, input[lexer.end..], "\\\"\"\"")) {
                try raw.appendSlice(lexer.allocator, "\"\"\"");
                lexer.end += 4;
                lexer.end_runes += 4;
            } else if (c == '\r') {
                if (lexer.end + 1 < input.len and input[lexer.end + 1] == '\n') {
                    lexer.end += 1;
                    lexer.end_runes += 1;
                }
                try raw.append(lexer.allocator, '\n');
                lexer.newLine(1);
            } else {
                var rune: u21 = c;
                var width: usize = 1;
                if (c >= 127) {
                    const decoded = decodeRune(input, lexer.end);
                    rune = decoded.rune;
                    width = decoded.width;
                }
                lexer.end += width;
                lexer.end_runes += 1;
                try appendRune(lexer.allocator, &raw, rune);
                if (c == '\n') {
                    lexer.line += 1;
                    lexer.line_start_runes = lexer.end_runes;
                }
            }
        }
        return lexer.makeError("Unterminated string.", .{});
    }

    /// [_A-Za-z][_0-9A-Za-z]*
    fn readName(lexer: *Lexer) Result {
        while (lexer.end < lexer.input.len) {
            const c = lexer.input[lexer.end];
            if (!std.ascii.isAlphanumeric(c) and c != '_') break;
            lexer.end += 1;
            lexer.end_runes += 1;
        }
        return lexer.makeToken(.name);
    }
};

const Decoded = struct { rune: u21, width: usize };

/// utf8.DecodeRuneInString: an invalid or truncated sequence is U+FFFD of width 1.
pub fn decodeRune(bytes: []const u8, index: usize) Decoded {
    const first = bytes[index];
    if (first < 0x80) return .{ .rune = first, .width = 1 };
    const len = std.unicode.utf8ByteSequenceLength(first) catch return .{ .rune = 0xfffd, .width = 1 };
    if (index + len > bytes.len) return .{ .rune = 0xfffd, .width = 1 };
    const rune = std.unicode.utf8Decode(bytes[index..][0..len]) catch return .{ .rune = 0xfffd, .width = 1 };
    return .{ .rune = rune, .width = len };
}

/// bytes.Buffer.WriteRune: surrogates (from \u escapes) become U+FFFD.
fn appendRune(allocator: Allocator, buffer: *std.ArrayList(u8), rune: u21) Allocator.Error!void {
    var bytes: [4]u8 = undefined;
    const len = std.unicode.utf8Encode(rune, &bytes) catch std.unicode.utf8Encode(0xfffd, &bytes) catch unreachable;
    try buffer.appendSlice(allocator, bytes[0..len]);
}

fn unhex(digits: []const u8) ?u21 {
    var value: u21 = 0;
    for (digits) |c| {
        const digit = std.fmt.charToDigit(c, 16) catch return null;
        value = value << 4 | digit;
    }
    return value;
}

/// The GraphQL BlockStringValue() algorithm as gqlparser implements it: the
/// common indentation is taken over all lines, the first included.
pub fn blockStringValue(allocator: Allocator, raw: []const u8) Allocator.Error![]const u8 {
    const no_indent = std.math.maxInt(usize);
    var lines: std.ArrayList([]const u8) = .empty;
    var iterator = std.mem.splitScalar(u8, raw, '\n');
    while (iterator.next()) |line| try lines.append(allocator, line);
    const items = lines.items;

    var common_indent: usize = no_indent;
    for (items) |line| {
        const indent = leadingWhitespace(line) orelse continue;
        if (indent < common_indent) {
            common_indent = indent;
            if (common_indent == 0) break;
        }
    }
    if (common_indent != no_indent) {
        for (items[1..]) |*line| {
            line.* = if (line.len < common_indent) "" else line.*[common_indent..];
        }
    }
    var first: usize = 0;
    var last: usize = items.len;
    while (first < last and leadingWhitespace(items[first]) == null) first += 1;
    while (first < last and leadingWhitespace(items[last - 1]) == null) last -= 1;
    return std.mem.join(allocator, "\n", items[first..last]);
}

/// The count of leading spaces and tabs, or null for a blank line.
fn leadingWhitespace(line: []const u8) ?usize {
    for (line, 0..) |c, i| {
        if (c != ' ' and c != '\t') return i;
    }
    return null;
}

// ---------------------------------------------------------------------------
// Tests

const testing = std.testing;

fn expectTokens(input: []const u8, expected: []const Kind) !void {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    var lexer: Lexer = .init(arena.allocator(), input);
    for (expected) |kind| {
        const result = try lexer.readToken();
        try testing.expectEqual(kind, result.token.kind);
    }
}

test "punctuators, names, numbers and comments" {
    try expectTokens("! $ & ( ) ... : = @ [ ] { } |", &.{ .bang, .dollar, .amp, .paren_l, .paren_r, .spread, .colon, .equals, .at, .bracket_l, .bracket_r, .brace_l, .brace_r, .pipe, .eof });
    try expectTokens("name _x1, -12 0 1.5 2e10 # note\n x", &.{ .name, .name, .int, .int, .float, .float, .comment, .name, .eof });
    try expectTokens("01", &.{.invalid});
    try expectTokens("1.", &.{.invalid});
    try expectTokens("..", &.{.invalid});
    try expectTokens("'x'", &.{.invalid});
}

test "strings unescape and report positions after the quote" {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    var lexer: Lexer = .init(arena.allocator(), "\n  \"a\\n\\u00e9\\ud800ਊ\" \"plain\"");
    const first = (try lexer.readToken()).token;
    try testing.expectEqual(Kind.string, first.kind);
    try testing.expectEqualStrings("a\né\u{fffd}ਊ", first.value);
    try testing.expectEqual(Position{ .line = 2, .column = 4 }, first.position);
    const second = (try lexer.readToken()).token;
    try testing.expectEqualStrings("plain", second.value);
    try testing.expectEqual(@as(i64, 23), second.position.column);

    var unterminated: Lexer = .init(arena.allocator(), "\"abc");
    const failed = try unterminated.readToken();
    try testing.expectEqual(Kind.invalid, failed.token.kind);
    try testing.expectEqualStrings("Unterminated string.", failed.error_message.?);
    try testing.expectEqual(Position{ .line = 1, .column = 5 }, failed.token.position);
}

test "block strings strip common indentation and blank edge lines" {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    var lexer: Lexer = .init(arena.allocator(), "\"\"\"\n    Hello,\n      World!\n\n    Yours \\\"\"\"\n  \"\"\"");
    const token = (try lexer.readToken()).token;
    try testing.expectEqual(Kind.block_string, token.kind);
    try testing.expectEqualStrings("Hello,\n  World!\n\nYours \"\"\"", token.value);

    var carriage: Lexer = .init(arena.allocator(), "\"\"\"\r");
    const failed = try carriage.readToken();
    try testing.expectEqual(Position{ .line = 2, .column = 1 }, failed.token.position);
}

test "tokens print as gqlparser names them" {
    var buffer: [64]u8 = undefined;
    const text = try std.fmt.bufPrint(&buffer, "{f}|{f}|{f}", .{
        Token{ .kind = .name, .value = "on", .position = .{ .line = 1, .column = 1 } },
        Token{ .kind = .brace_r, .value = "", .position = .{ .line = 1, .column = 1 } },
        Token{ .kind = .string, .value = "a\"b", .position = .{ .line = 1, .column = 1 } },
    });
    try testing.expectEqualStrings("Name \"on\"|}|String \"a\\\"b\"", text);
}
