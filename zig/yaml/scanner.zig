//! YAML 1.1 tokenizer with go-yaml v2's (libyaml's) behaviour: the same
//! tokens, the same simple-key rules, the same marks and error messages, so
//! that documents that go-yaml accepts, rejects or reads oddly come out alike.
//!
//! Tokens are produced lazily, as go-yaml does: a parser that stops after the
//! first document never sees errors further on.
const std = @import("std");
const assert = std.debug.assert;
const Allocator = std.mem.Allocator;
const errors = @import("errors.zig");

const Mark = errors.Mark;
const Diagnostic = errors.Diagnostic;
const Error = errors.Error;

/// go-yaml allows 10000 levels; our parser and decoder recurse, so we stop
/// earlier to stay well inside a thread's stack.
pub const max_depth = 512;

pub const TokenType = enum {
    stream_start,
    stream_end,
    version_directive,
    tag_directive,
    document_start,
    document_end,
    block_sequence_start,
    block_mapping_start,
    block_end,
    flow_sequence_start,
    flow_sequence_end,
    flow_mapping_start,
    flow_mapping_end,
    block_entry,
    flow_entry,
    key,
    value,
    alias,
    anchor,
    tag,
    scalar,
};

pub const ScalarStyle = enum { plain, single_quoted, double_quoted, literal, folded };

pub const Token = struct {
    type: TokenType,
    start_mark: Mark,
    end_mark: Mark,
    /// Scalar text, anchor/alias name, tag handle, or %TAG handle.
    value: []const u8 = "",
    /// Tag suffix or %TAG prefix.
    suffix: []const u8 = "",
    style: ScalarStyle = .plain,
};

const SimpleKey = struct {
    possible: bool = false,
    required: bool = false,
    token_number: usize = 0,
    mark: Mark = .{},
};

pub const Scanner = struct {
    allocator: Allocator,
    diagnostic: *Diagnostic,
    /// The input followed by zero bytes (validated: no NUL inside), so that
    /// lookahead of a few bytes never leaves the buffer.
    buf: []const u8,
    pos: usize = 0,
    mark: Mark = .{},

    tokens: std.ArrayList(Token) = .empty,
    head: usize = 0,
    tokens_parsed: usize = 0,
    stream_start_produced: bool = false,
    stream_end_produced: bool = false,
    token_available: bool = false,

    indent: isize = -1,
    indents: std.ArrayList(isize) = .empty,
    simple_key_allowed: bool = false,
    simple_keys: std.ArrayList(SimpleKey) = .empty,
    flow_level: usize = 0,

    /// `padded` must end with at least 4 zero bytes and hold no other zero.
    pub fn init(allocator: Allocator, padded: []const u8, diagnostic: *Diagnostic) Scanner {
        assert(padded.len >= 4 and padded[padded.len - 1] == 0);
        return .{ .allocator = allocator, .diagnostic = diagnostic, .buf = padded };
    }

    // -- tokens ------------------------------------------------------------

    /// The next token, scanning as much as the simple-key rules need.
    pub fn peek(s: *Scanner) Error!*const Token {
        if (!s.token_available) try s.fetchMoreTokens();
        s.token_available = true;
        return &s.tokens.items[s.head];
    }

    pub fn skipToken(s: *Scanner) void {
        assert(s.token_available and s.head < s.tokens.items.len);
        s.token_available = false;
        s.head += 1;
        s.tokens_parsed += 1;
    }

    fn fetchMoreTokens(s: *Scanner) Error!void {
        while (true) {
            if (s.head != s.tokens.items.len) {
                // Only a head token that may still become a simple key needs more lookahead.
                const key = s.simpleKeyForToken(s.tokens_parsed) orelse break;
                if (!try s.simpleKeyIsValid(key)) break;
            }
            try s.fetchNextToken();
        }
    }

    fn simpleKeyForToken(s: *Scanner, number: usize) ?*SimpleKey {
        for (s.simple_keys.items) |*key| {
            if (key.possible and key.token_number == number) return key;
        }
        return null;
    }

    fn insertToken(s: *Scanner, position: ?usize, token: Token) Error!void {
        // Drop consumed tokens now and then so the queue stays short.
        if (s.head > 64 and s.head * 2 > s.tokens.items.len) {
            const rest = s.tokens.items.len - s.head;
            std.mem.copyForwards(Token, s.tokens.items[0..rest], s.tokens.items[s.head..]);
            s.tokens.shrinkRetainingCapacity(rest);
            s.head = 0;
        }
        if (position) |p| {
            try s.tokens.insert(s.allocator, s.head + p, token);
        } else {
            try s.tokens.append(s.allocator, token);
        }
    }

    fn queued(s: *const Scanner) usize {
        return s.tokens_parsed + (s.tokens.items.len - s.head);
    }

    // -- characters ----------------------------------------------------------

    fn at(s: *const Scanner, offset: usize) u8 {
        const i = s.pos + offset;
        return if (i < s.buf.len) s.buf[i] else 0;
    }

    fn width(c: u8) usize {
        if (c & 0x80 == 0) return 1;
        if (c & 0xE0 == 0xC0) return 2;
        if (c & 0xF0 == 0xE0) return 3;
        if (c & 0xF8 == 0xF0) return 4;
        return 1; // Unreachable on validated input.
    }

    fn isZ(s: *const Scanner, o: usize) bool {
        return s.at(o) == 0;
    }
    fn isSpace(s: *const Scanner, o: usize) bool {
        return s.at(o) == ' ';
    }
    fn isTab(s: *const Scanner, o: usize) bool {
        return s.at(o) == '\t';
    }
    fn isBlank(s: *const Scanner, o: usize) bool {
        return s.at(o) == ' ' or s.at(o) == '\t';
    }
    fn isBreak(s: *const Scanner, o: usize) bool {
        const c = s.at(o);
        return c == '\r' or c == '\n' or
            (c == 0xC2 and s.at(o + 1) == 0x85) or
            (c == 0xE2 and s.at(o + 1) == 0x80 and (s.at(o + 2) == 0xA8 or s.at(o + 2) == 0xA9));
    }
    fn isBreakZ(s: *const Scanner, o: usize) bool {
        return s.isBreak(o) or s.isZ(o);
    }
    fn isBlankZ(s: *const Scanner, o: usize) bool {
        return s.isBlank(o) or s.isBreakZ(o);
    }
    fn isAlpha(s: *const Scanner, o: usize) bool {
        const c = s.at(o);
        return std.ascii.isAlphanumeric(c) or c == '_' or c == '-';
    }
    fn isBom(s: *const Scanner) bool {
        return s.at(0) == 0xEF and s.at(1) == 0xBB and s.at(2) == 0xBF;
    }

    fn skip(s: *Scanner) void {
        s.mark.index += 1;
        s.mark.column += 1;
        s.pos += width(s.buf[s.pos]);
    }

    fn skipLine(s: *Scanner) void {
        if (s.at(0) == '\r' and s.at(1) == '\n') {
            s.mark.index += 2;
            s.mark.column = 0;
            s.mark.line += 1;
            s.pos += 2;
        } else if (s.isBreak(0)) {
            s.mark.index += 1;
            s.mark.column = 0;
            s.mark.line += 1;
            s.pos += width(s.buf[s.pos]);
        }
    }

    fn read(s: *Scanner, out: *std.ArrayList(u8)) Error!void {
        const w = width(s.buf[s.pos]);
        try out.appendSlice(s.allocator, s.buf[s.pos..][0..w]);
        s.skip();
    }

    /// Appends a line break, normalized to '\n' (LS and PS are kept).
    fn readLine(s: *Scanner, out: *std.ArrayList(u8)) Error!void {
        const c = s.at(0);
        if (c == '\r' and s.at(1) == '\n') {
            try out.append(s.allocator, '\n');
            s.pos += 2;
            s.mark.index += 2;
        } else if (c == '\r' or c == '\n') {
            try out.append(s.allocator, '\n');
            s.pos += 1;
            s.mark.index += 1;
        } else if (c == 0xC2) {
            try out.append(s.allocator, '\n');
            s.pos += 2;
            s.mark.index += 1;
        } else {
            try out.appendSlice(s.allocator, s.buf[s.pos..][0..3]);
            s.pos += 3;
            s.mark.index += 1;
        }
        s.mark.column = 0;
        s.mark.line += 1;
    }

    fn scannerError(s: *Scanner, context_mark: Mark, problem: []const u8) Error {
        return s.diagnostic.set(.scanner, s.mark, context_mark, "{s}", .{problem});
    }

    // -- the token dispatcher ----------------------------------------------

    fn fetchNextToken(s: *Scanner) Error!void {
        if (!s.stream_start_produced) return s.fetchStreamStart();
        if (s.stream_end_produced) return s.scannerError(s.mark, "did not find expected token");
        try s.scanToNextToken();
        try s.unrollIndent(@intCast(s.mark.column));

        if (s.isZ(0)) return s.fetchStreamEnd();
        const c = s.at(0);
        if (s.mark.column == 0 and c == '%') return s.fetchDirective();
        if (s.mark.column == 0 and s.isBlankZ(3)) {
            if (c == '-' and s.at(1) == '-' and s.at(2) == '-') return s.fetchDocumentIndicator(.document_start);
            if (c == '.' and s.at(1) == '.' and s.at(2) == '.') return s.fetchDocumentIndicator(.document_end);
        }
        switch (c) {
            '[' => return s.fetchFlowCollectionStart(.flow_sequence_start),
            '{' => return s.fetchFlowCollectionStart(.flow_mapping_start),
            ']' => return s.fetchFlowCollectionEnd(.flow_sequence_end),
            '}' => return s.fetchFlowCollectionEnd(.flow_mapping_end),
            ',' => return s.fetchFlowEntry(),
            else => {},
        }
        if (c == '-' and s.isBlankZ(1)) return s.fetchBlockEntry();
        if (c == '?' and (s.flow_level > 0 or s.isBlankZ(1))) return s.fetchKey();
        if (c == ':' and (s.flow_level > 0 or s.isBlankZ(1))) return s.fetchValue();
        switch (c) {
            '*' => return s.fetchAnchor(.alias),
            '&' => return s.fetchAnchor(.anchor),
            '!' => return s.fetchTag(),
            '|' => if (s.flow_level == 0) return s.fetchBlockScalar(true),
            '>' => if (s.flow_level == 0) return s.fetchBlockScalar(false),
            '\'' => return s.fetchFlowScalar(true),
            '"' => return s.fetchFlowScalar(false),
            else => {},
        }
        const indicator = switch (c) {
            '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`' => true,
            else => false,
        };
        if (!(s.isBlankZ(0) or indicator) or
            (c == '-' and !s.isBlank(1)) or
            (s.flow_level == 0 and (c == '?' or c == ':') and !s.isBlankZ(1)))
        {
            return s.fetchPlainScalar();
        }
        return s.diagnostic.set(.scanner, s.mark, s.mark, "found character that cannot start any token", .{});
    }

    fn simpleKeyIsValid(s: *Scanner, key: *SimpleKey) Error!bool {
        if (!key.possible) return false;
        if (key.mark.line < s.mark.line or key.mark.index + 1024 < s.mark.index) {
            if (key.required) return s.diagnostic.set(.scanner, s.mark, key.mark, "could not find expected ':'", .{});
            key.possible = false;
            return false;
        }
        return true;
    }

    fn saveSimpleKey(s: *Scanner) Error!void {
        const required = s.flow_level == 0 and s.indent == @as(isize, @intCast(s.mark.column));
        if (s.simple_key_allowed) {
            try s.removeSimpleKey();
            s.simple_keys.items[s.simple_keys.items.len - 1] = .{
                .possible = true,
                .required = required,
                .token_number = s.queued(),
                .mark = s.mark,
            };
        }
    }

    fn removeSimpleKey(s: *Scanner) Error!void {
        const key = &s.simple_keys.items[s.simple_keys.items.len - 1];
        if (key.possible) {
            if (key.required) return s.diagnostic.set(.scanner, s.mark, key.mark, "could not find expected ':'", .{});
            key.possible = false;
        }
    }

    fn increaseFlowLevel(s: *Scanner) Error!void {
        try s.simple_keys.append(s.allocator, .{ .token_number = s.queued(), .mark = s.mark });
        s.flow_level += 1;
        if (s.flow_level + s.indents.items.len > max_depth) {
            return s.diagnostic.set(.scanner, s.mark, s.mark, "exceeded max depth of {d}", .{max_depth});
        }
    }

    fn decreaseFlowLevel(s: *Scanner) void {
        if (s.flow_level > 0) {
            s.flow_level -= 1;
            s.simple_keys.items.len -= 1;
        }
    }

    /// Opens a block collection when `column` is deeper than the current
    /// indentation; `number` places the start token before a simple key.
    fn rollIndent(s: *Scanner, column: usize, number: ?usize, token_type: TokenType, mark: Mark) Error!void {
        if (s.flow_level > 0) return;
        const col: isize = @intCast(column);
        if (s.indent < col) {
            try s.indents.append(s.allocator, s.indent);
            s.indent = col;
            if (s.flow_level + s.indents.items.len > max_depth) {
                return s.diagnostic.set(.scanner, s.mark, mark, "exceeded max depth of {d}", .{max_depth});
            }
            const position = if (number) |n| n - s.tokens_parsed else null;
            try s.insertToken(position, .{ .type = token_type, .start_mark = mark, .end_mark = mark });
        }
    }

    fn unrollIndent(s: *Scanner, column: isize) Error!void {
        if (s.flow_level > 0) return;
        while (s.indent > column) {
            try s.insertToken(null, .{ .type = .block_end, .start_mark = s.mark, .end_mark = s.mark });
            s.indent = s.indents.pop().?;
        }
    }

    fn fetchStreamStart(s: *Scanner) Error!void {
        s.indent = -1;
        try s.simple_keys.append(s.allocator, .{});
        s.simple_key_allowed = true;
        s.stream_start_produced = true;
        // A UTF-8 byte order mark at the start is not content.
        if (s.isBom()) s.pos += 3;
        try s.insertToken(null, .{ .type = .stream_start, .start_mark = s.mark, .end_mark = s.mark });
    }

    fn fetchStreamEnd(s: *Scanner) Error!void {
        if (s.mark.column != 0) {
            s.mark.column = 0;
            s.mark.line += 1;
        }
        try s.unrollIndent(-1);
        try s.removeSimpleKey();
        s.simple_key_allowed = false;
        try s.insertToken(null, .{ .type = .stream_end, .start_mark = s.mark, .end_mark = s.mark });
        s.stream_end_produced = true;
    }

    fn fetchDirective(s: *Scanner) Error!void {
        try s.unrollIndent(-1);
        try s.removeSimpleKey();
        s.simple_key_allowed = false;
        try s.insertToken(null, try s.scanDirective());
    }

    fn fetchDocumentIndicator(s: *Scanner, token_type: TokenType) Error!void {
        try s.unrollIndent(-1);
        try s.removeSimpleKey();
        s.simple_key_allowed = false;
        const start = s.mark;
        s.skip();
        s.skip();
        s.skip();
        try s.insertToken(null, .{ .type = token_type, .start_mark = start, .end_mark = s.mark });
    }

    fn fetchFlowCollectionStart(s: *Scanner, token_type: TokenType) Error!void {
        try s.saveSimpleKey();
        try s.increaseFlowLevel();
        s.simple_key_allowed = true;
        const start = s.mark;
        s.skip();
        try s.insertToken(null, .{ .type = token_type, .start_mark = start, .end_mark = s.mark });
    }

    fn fetchFlowCollectionEnd(s: *Scanner, token_type: TokenType) Error!void {
        try s.removeSimpleKey();
        s.decreaseFlowLevel();
        s.simple_key_allowed = false;
        const start = s.mark;
        s.skip();
        try s.insertToken(null, .{ .type = token_type, .start_mark = start, .end_mark = s.mark });
    }

    fn fetchFlowEntry(s: *Scanner) Error!void {
        try s.removeSimpleKey();
        s.simple_key_allowed = true;
        const start = s.mark;
        s.skip();
        try s.insertToken(null, .{ .type = .flow_entry, .start_mark = start, .end_mark = s.mark });
    }

    fn fetchBlockEntry(s: *Scanner) Error!void {
        if (s.flow_level == 0) {
            if (!s.simple_key_allowed) {
                return s.diagnostic.set(.scanner, s.mark, s.mark, "block sequence entries are not allowed in this context", .{});
            }
            try s.rollIndent(s.mark.column, null, .block_sequence_start, s.mark);
        }
        try s.removeSimpleKey();
        s.simple_key_allowed = true;
        const start = s.mark;
        s.skip();
        try s.insertToken(null, .{ .type = .block_entry, .start_mark = start, .end_mark = s.mark });
    }

    fn fetchKey(s: *Scanner) Error!void {
        if (s.flow_level == 0) {
            if (!s.simple_key_allowed) {
                return s.diagnostic.set(.scanner, s.mark, s.mark, "mapping keys are not allowed in this context", .{});
            }
            try s.rollIndent(s.mark.column, null, .block_mapping_start, s.mark);
        }
        try s.removeSimpleKey();
        s.simple_key_allowed = s.flow_level == 0;
        const start = s.mark;
        s.skip();
        try s.insertToken(null, .{ .type = .key, .start_mark = start, .end_mark = s.mark });
    }

    fn fetchValue(s: *Scanner) Error!void {
        const key = &s.simple_keys.items[s.simple_keys.items.len - 1];
        if (try s.simpleKeyIsValid(key)) {
            // The scalar (or collection) just scanned was a key: put KEY before it.
            try s.insertToken(key.token_number - s.tokens_parsed, .{ .type = .key, .start_mark = key.mark, .end_mark = key.mark });
            try s.rollIndent(key.mark.column, key.token_number, .block_mapping_start, key.mark);
            s.simple_keys.items[s.simple_keys.items.len - 1].possible = false;
            s.simple_key_allowed = false;
        } else {
            if (s.flow_level == 0) {
                if (!s.simple_key_allowed) {
                    return s.diagnostic.set(.scanner, s.mark, s.mark, "mapping values are not allowed in this context", .{});
                }
                try s.rollIndent(s.mark.column, null, .block_mapping_start, s.mark);
            }
            s.simple_key_allowed = s.flow_level == 0;
        }
        const start = s.mark;
        s.skip();
        try s.insertToken(null, .{ .type = .value, .start_mark = start, .end_mark = s.mark });
    }

    fn fetchAnchor(s: *Scanner, token_type: TokenType) Error!void {
        try s.saveSimpleKey();
        s.simple_key_allowed = false;
        try s.insertToken(null, try s.scanAnchor(token_type));
    }

    fn fetchTag(s: *Scanner) Error!void {
        try s.saveSimpleKey();
        s.simple_key_allowed = false;
        try s.insertToken(null, try s.scanTag());
    }

    fn fetchBlockScalar(s: *Scanner, literal: bool) Error!void {
        try s.removeSimpleKey();
        s.simple_key_allowed = true;
        try s.insertToken(null, try s.scanBlockScalar(literal));
    }

    fn fetchFlowScalar(s: *Scanner, single: bool) Error!void {
        try s.saveSimpleKey();
        s.simple_key_allowed = false;
        try s.insertToken(null, try s.scanFlowScalar(single));
    }

    fn fetchPlainScalar(s: *Scanner) Error!void {
        try s.saveSimpleKey();
        s.simple_key_allowed = false;
        try s.insertToken(null, try s.scanPlainScalar());
    }

    fn scanToNextToken(s: *Scanner) Error!void {
        while (true) {
            if (s.mark.column == 0 and s.isBom()) s.skip();
            while (s.at(0) == ' ' or ((s.flow_level > 0 or !s.simple_key_allowed) and s.at(0) == '\t')) s.skip();
            if (s.at(0) == '#') {
                while (!s.isBreakZ(0)) s.skip();
            }
            if (!s.isBreak(0)) return;
            s.skipLine();
            if (s.flow_level == 0) s.simple_key_allowed = true;
        }
    }

    // -- directives, anchors, tags -----------------------------------------

    fn scanDirective(s: *Scanner) Error!Token {
        const start = s.mark;
        s.skip();
        const name_start = s.pos;
        while (s.isAlpha(0)) s.skip();
        const name = s.buf[name_start..s.pos];
        if (name.len == 0) {
            return s.diagnostic.set(.scanner, s.mark, start, "could not find expected directive name", .{});
        }
        if (!s.isBlankZ(0)) {
            return s.diagnostic.set(.scanner, s.mark, start, "found unexpected non-alphabetical character", .{});
        }
        var token: Token = undefined;
        if (std.mem.eql(u8, name, "YAML")) {
            while (s.isBlank(0)) s.skip();
            try s.scanVersionNumber(start);
            if (s.at(0) != '.') {
                return s.diagnostic.set(.scanner, s.mark, start, "did not find expected digit or '.' character", .{});
            }
            s.skip();
            try s.scanVersionNumber(start);
            token = .{ .type = .version_directive, .start_mark = start, .end_mark = s.mark };
        } else if (std.mem.eql(u8, name, "TAG")) {
            while (s.isBlank(0)) s.skip();
            const handle = try s.scanTagHandle(true, start);
            if (!s.isBlank(0)) {
                return s.diagnostic.set(.scanner, s.mark, start, "did not find expected whitespace", .{});
            }
            while (s.isBlank(0)) s.skip();
            const prefix = try s.scanTagUri("", start);
            if (!s.isBlankZ(0)) {
                return s.diagnostic.set(.scanner, s.mark, start, "did not find expected whitespace or line break", .{});
            }
            token = .{ .type = .tag_directive, .start_mark = start, .end_mark = s.mark, .value = handle, .suffix = prefix };
        } else {
            return s.diagnostic.set(.scanner, s.mark, start, "found unknown directive name", .{});
        }
        while (s.isBlank(0)) s.skip();
        if (s.at(0) == '#') {
            while (!s.isBreakZ(0)) s.skip();
        }
        if (!s.isBreakZ(0)) {
            return s.diagnostic.set(.scanner, s.mark, start, "did not find expected comment or line break", .{});
        }
        s.skipLine();
        return token;
    }

    fn scanVersionNumber(s: *Scanner, start: Mark) Error!void {
        var digits: usize = 0;
        while (std.ascii.isDigit(s.at(0))) : (digits += 1) {
            if (digits + 1 > 9) {
                return s.diagnostic.set(.scanner, s.mark, start, "found extremely long version number", .{});
            }
            s.skip();
        }
        if (digits == 0) {
            return s.diagnostic.set(.scanner, s.mark, start, "did not find expected version number", .{});
        }
    }

    fn scanAnchor(s: *Scanner, token_type: TokenType) Error!Token {
        const start = s.mark;
        s.skip();
        const name_start = s.pos;
        while (s.isAlpha(0)) s.skip();
        const name = s.buf[name_start..s.pos];
        const c = s.at(0);
        if (name.len == 0 or !(s.isBlankZ(0) or c == '?' or c == ':' or c == ',' or c == ']' or c == '}' or c == '%' or c == '@' or c == '`')) {
            return s.diagnostic.set(.scanner, s.mark, start, "did not find expected alphabetic or numeric character", .{});
        }
        return .{ .type = token_type, .start_mark = start, .end_mark = s.mark, .value = name };
    }

    fn scanTag(s: *Scanner) Error!Token {
        const start = s.mark;
        var handle: []const u8 = "";
        var suffix: []const u8 = "";
        if (s.at(1) == '<') {
            s.skip();
            s.skip();
            suffix = try s.scanTagUri("", start);
            if (s.at(0) != '>') {
                return s.diagnostic.set(.scanner, s.mark, start, "did not find the expected '>'", .{});
            }
            s.skip();
        } else {
            handle = try s.scanTagHandle(false, start);
            if (handle.len > 1 and handle[0] == '!' and handle[handle.len - 1] == '!') {
                suffix = try s.scanTagUri("", start);
            } else {
                // `!foo` is the primary handle with suffix `foo`; a lone `!` is the non-specific tag.
                suffix = try s.scanTagUri(handle, start);
                handle = "!";
                if (suffix.len == 0) {
                    suffix = handle;
                    handle = "";
                }
            }
        }
        if (!s.isBlankZ(0)) {
            return s.diagnostic.set(.scanner, s.mark, start, "did not find expected whitespace or line break", .{});
        }
        return .{ .type = .tag, .start_mark = start, .end_mark = s.mark, .value = handle, .suffix = suffix };
    }

    fn scanTagHandle(s: *Scanner, directive: bool, start: Mark) Error![]const u8 {
        if (s.at(0) != '!') {
            return s.diagnostic.set(.scanner, s.mark, start, "did not find expected '!'", .{});
        }
        const handle_start = s.pos;
        s.skip();
        while (s.isAlpha(0)) s.skip();
        if (s.at(0) == '!') {
            s.skip();
        } else if (directive and !(s.pos - handle_start == 1)) {
            return s.diagnostic.set(.scanner, s.mark, start, "did not find expected '!'", .{});
        }
        return s.buf[handle_start..s.pos];
    }

    /// Reads a tag URI; `head` (a handle like `!foo`) contributes all but its `!`.
    fn scanTagUri(s: *Scanner, head: []const u8, start: Mark) Error![]const u8 {
        var out: std.ArrayList(u8) = .empty;
        if (head.len > 1) try out.appendSlice(s.allocator, head[1..]);
        while (true) {
            const c = s.at(0);
            const uri_char = std.ascii.isAlphanumeric(c) or switch (c) {
                '_', '-', ';', '/', '?', ':', '@', '&', '=', '+', '$', ',', '.', '!', '~', '*', '\'', '(', ')', '[', ']', '%' => true,
                else => false,
            };
            if (!uri_char) break;
            if (c == '%') {
                try s.scanUriEscapes(start, &out);
            } else {
                try s.read(&out);
            }
        }
        if (out.items.len == 0 and head.len == 0) {
            return s.diagnostic.set(.scanner, s.mark, start, "did not find expected tag URI", .{});
        }
        return out.items;
    }

    fn scanUriEscapes(s: *Scanner, start: Mark, out: *std.ArrayList(u8)) Error!void {
        var remaining: usize = 0;
        while (true) {
            if (!(s.at(0) == '%' and std.ascii.isHex(s.at(1)) and std.ascii.isHex(s.at(2)))) {
                return s.diagnostic.set(.scanner, s.mark, start, "did not find URI escaped octet", .{});
            }
            const octet: u8 = (hexValue(s.at(1)) << 4) | hexValue(s.at(2));
            if (remaining == 0) {
                remaining = switch (octet) {
                    0x00...0x7F => 1,
                    0xC0...0xDF => 2,
                    0xE0...0xEF => 3,
                    0xF0...0xF7 => 4,
                    else => return s.diagnostic.set(.scanner, s.mark, start, "found an incorrect leading UTF-8 octet", .{}),
                };
            } else if (octet & 0xC0 != 0x80) {
                return s.diagnostic.set(.scanner, s.mark, start, "found an incorrect trailing UTF-8 octet", .{});
            }
            try out.append(s.allocator, octet);
            s.skip();
            s.skip();
            s.skip();
            remaining -= 1;
            if (remaining == 0) return;
        }
    }

    // -- scalars -------------------------------------------------------------

    fn scanBlockScalar(s: *Scanner, literal: bool) Error!Token {
        const start = s.mark;
        s.skip();
        var chomping: i2 = 0;
        var increment: usize = 0;
        if (s.at(0) == '+' or s.at(0) == '-') {
            chomping = if (s.at(0) == '+') 1 else -1;
            s.skip();
            if (std.ascii.isDigit(s.at(0))) {
                if (s.at(0) == '0') return s.diagnostic.set(.scanner, s.mark, start, "found an indentation indicator equal to 0", .{});
                increment = s.at(0) - '0';
                s.skip();
            }
        } else if (std.ascii.isDigit(s.at(0))) {
            if (s.at(0) == '0') return s.diagnostic.set(.scanner, s.mark, start, "found an indentation indicator equal to 0", .{});
            increment = s.at(0) - '0';
            s.skip();
            if (s.at(0) == '+' or s.at(0) == '-') {
                chomping = if (s.at(0) == '+') 1 else -1;
                s.skip();
            }
        }
        while (s.isBlank(0)) s.skip();
        if (s.at(0) == '#') {
            while (!s.isBreakZ(0)) s.skip();
        }
        if (!s.isBreakZ(0)) {
            return s.diagnostic.set(.scanner, s.mark, start, "did not find expected comment or line break", .{});
        }
        if (s.isBreak(0)) s.skipLine();
        var end = s.mark;

        var indent: usize = 0;
        if (increment > 0) {
            indent = if (s.indent >= 0) @as(usize, @intCast(s.indent)) + increment else increment;
        }
        var out: std.ArrayList(u8) = .empty;
        var leading_break: std.ArrayList(u8) = .empty;
        var trailing_breaks: std.ArrayList(u8) = .empty;
        try s.blockScalarBreaks(&indent, &trailing_breaks, start, &end);

        var leading_blank = false;
        var trailing_blank = false;
        while (s.mark.column == indent and !s.isZ(0)) {
            trailing_blank = s.isBlank(0);
            if (!literal and !leading_blank and !trailing_blank and leading_break.items.len > 0 and leading_break.items[0] == '\n') {
                // Folding: a single line break becomes a space.
                if (trailing_breaks.items.len == 0) try out.append(s.allocator, ' ');
            } else {
                try out.appendSlice(s.allocator, leading_break.items);
            }
            leading_break.clearRetainingCapacity();
            try out.appendSlice(s.allocator, trailing_breaks.items);
            trailing_breaks.clearRetainingCapacity();
            leading_blank = s.isBlank(0);
            while (!s.isBreakZ(0)) try s.read(&out);
            if (s.isZ(0)) break;
            try s.readLine(&leading_break);
            try s.blockScalarBreaks(&indent, &trailing_breaks, start, &end);
        }
        if (chomping != -1) try out.appendSlice(s.allocator, leading_break.items);
        if (chomping == 1) try out.appendSlice(s.allocator, trailing_breaks.items);
        return .{
            .type = .scalar,
            .start_mark = start,
            .end_mark = end,
            .value = out.items,
            .style = if (literal) .literal else .folded,
        };
    }

    fn blockScalarBreaks(s: *Scanner, indent: *usize, breaks: *std.ArrayList(u8), start: Mark, end: *Mark) Error!void {
        end.* = s.mark;
        var max_indent: usize = 0;
        while (true) {
            while ((indent.* == 0 or s.mark.column < indent.*) and s.isSpace(0)) s.skip();
            if (s.mark.column > max_indent) max_indent = s.mark.column;
            if ((indent.* == 0 or s.mark.column < indent.*) and s.isTab(0)) {
                return s.diagnostic.set(.scanner, s.mark, start, "found a tab character where an indentation space is expected", .{});
            }
            if (!s.isBreak(0)) break;
            try s.readLine(breaks);
            end.* = s.mark;
        }
        if (indent.* == 0) {
            indent.* = max_indent;
            const floor: isize = s.indent + 1;
            if (@as(isize, @intCast(indent.*)) < floor) indent.* = @intCast(floor);
            if (indent.* < 1) indent.* = 1;
        }
    }

    fn isDocumentIndicator(s: *const Scanner) bool {
        return s.mark.column == 0 and s.isBlankZ(3) and
            ((s.at(0) == '-' and s.at(1) == '-' and s.at(2) == '-') or
                (s.at(0) == '.' and s.at(1) == '.' and s.at(2) == '.'));
    }

    fn scanFlowScalar(s: *Scanner, single: bool) Error!Token {
        const start = s.mark;
        s.skip();
        var out: std.ArrayList(u8) = .empty;
        var leading_break: std.ArrayList(u8) = .empty;
        var trailing_breaks: std.ArrayList(u8) = .empty;
        var whitespaces: std.ArrayList(u8) = .empty;
        while (true) {
            if (s.isDocumentIndicator()) {
                return s.diagnostic.set(.scanner, s.mark, start, "found unexpected document indicator", .{});
            }
            if (s.isZ(0)) {
                return s.diagnostic.set(.scanner, s.mark, start, "found unexpected end of stream", .{});
            }
            var leading_blanks = false;
            while (!s.isBlankZ(0)) {
                const c = s.at(0);
                if (single and c == '\'' and s.at(1) == '\'') {
                    try out.append(s.allocator, '\'');
                    s.skip();
                    s.skip();
                } else if (c == (if (single) @as(u8, '\'') else '"')) {
                    break;
                } else if (!single and c == '\\' and s.isBreak(1)) {
                    s.skip();
                    s.skipLine();
                    leading_blanks = true;
                    break;
                } else if (!single and c == '\\') {
                    try s.scanEscape(&out, start);
                } else {
                    try s.read(&out);
                }
            }
            if (s.at(0) == (if (single) @as(u8, '\'') else '"')) break;
            while (s.isBlank(0) or s.isBreak(0)) {
                if (s.isBlank(0)) {
                    if (!leading_blanks) try s.read(&whitespaces) else s.skip();
                } else if (!leading_blanks) {
                    whitespaces.clearRetainingCapacity();
                    try s.readLine(&leading_break);
                    leading_blanks = true;
                } else {
                    try s.readLine(&trailing_breaks);
                }
            }
            if (leading_blanks) {
                if (leading_break.items.len > 0 and leading_break.items[0] == '\n') {
                    if (trailing_breaks.items.len == 0) {
                        try out.append(s.allocator, ' ');
                    } else {
                        try out.appendSlice(s.allocator, trailing_breaks.items);
                    }
                } else {
                    try out.appendSlice(s.allocator, leading_break.items);
                    try out.appendSlice(s.allocator, trailing_breaks.items);
                }
                trailing_breaks.clearRetainingCapacity();
                leading_break.clearRetainingCapacity();
            } else {
                try out.appendSlice(s.allocator, whitespaces.items);
                whitespaces.clearRetainingCapacity();
            }
        }
        s.skip();
        return .{
            .type = .scalar,
            .start_mark = start,
            .end_mark = s.mark,
            .value = out.items,
            .style = if (single) .single_quoted else .double_quoted,
        };
    }

    fn scanEscape(s: *Scanner, out: *std.ArrayList(u8), start: Mark) Error!void {
        const simple: ?[]const u8 = switch (s.at(1)) {
            '0' => "\x00",
            'a' => "\x07",
            'b' => "\x08",
            't', '\t' => "\t",
            'n' => "\n",
            'v' => "\x0b",
            'f' => "\x0c",
            'r' => "\r",
            'e' => "\x1b",
            ' ' => " ",
            '"' => "\"",
            '\'' => "'",
            '\\' => "\\",
            'N' => "\u{85}",
            '_' => "\u{a0}",
            'L' => "\u{2028}",
            'P' => "\u{2029}",
            else => null,
        };
        const code_length: usize = switch (s.at(1)) {
            'x' => 2,
            'u' => 4,
            'U' => 8,
            else => 0,
        };
        if (simple == null and code_length == 0) {
            return s.diagnostic.set(.scanner, s.mark, start, "found unknown escape character", .{});
        }
        s.skip();
        s.skip();
        if (simple) |bytes| return out.appendSlice(s.allocator, bytes);
        var code: u32 = 0;
        for (0..code_length) |k| {
            if (!std.ascii.isHex(s.at(k))) {
                return s.diagnostic.set(.scanner, s.mark, start, "did not find expected hexdecimal number", .{});
            }
            code = (code << 4) + hexValue(s.at(k));
        }
        if ((code >= 0xD800 and code <= 0xDFFF) or code > 0x10FFFF) {
            return s.diagnostic.set(.scanner, s.mark, start, "found invalid Unicode character escape code", .{});
        }
        var encoded: [4]u8 = undefined;
        const n = std.unicode.utf8Encode(@intCast(code), &encoded) catch unreachable; // Range checked above.
        try out.appendSlice(s.allocator, encoded[0..n]);
        for (0..code_length) |_| s.skip();
    }

    fn scanPlainScalar(s: *Scanner) Error!Token {
        var out: std.ArrayList(u8) = .empty;
        var leading_break: std.ArrayList(u8) = .empty;
        var trailing_breaks: std.ArrayList(u8) = .empty;
        var whitespaces: std.ArrayList(u8) = .empty;
        var leading_blanks = false;
        const indent: isize = s.indent + 1;
        const start = s.mark;
        var end = s.mark;
        while (true) {
            if (s.isDocumentIndicator()) break;
            if (s.at(0) == '#') break;
            while (!s.isBlankZ(0)) {
                const c = s.at(0);
                if ((c == ':' and s.isBlankZ(1)) or
                    (s.flow_level > 0 and (c == ',' or c == '?' or c == '[' or c == ']' or c == '{' or c == '}')))
                {
                    break;
                }
                if (leading_blanks or whitespaces.items.len > 0) {
                    if (leading_blanks) {
                        if (leading_break.items[0] == '\n') {
                            if (trailing_breaks.items.len == 0) {
                                try out.append(s.allocator, ' ');
                            } else {
                                try out.appendSlice(s.allocator, trailing_breaks.items);
                            }
                        } else {
                            try out.appendSlice(s.allocator, leading_break.items);
                            try out.appendSlice(s.allocator, trailing_breaks.items);
                        }
                        trailing_breaks.clearRetainingCapacity();
                        leading_break.clearRetainingCapacity();
                        leading_blanks = false;
                    } else {
                        try out.appendSlice(s.allocator, whitespaces.items);
                        whitespaces.clearRetainingCapacity();
                    }
                }
                try s.read(&out);
                end = s.mark;
            }
            if (!(s.isBlank(0) or s.isBreak(0))) break;
            while (s.isBlank(0) or s.isBreak(0)) {
                if (s.isBlank(0)) {
                    if (leading_blanks and @as(isize, @intCast(s.mark.column)) < indent and s.isTab(0)) {
                        return s.diagnostic.set(.scanner, s.mark, start, "found a tab character that violates indentation", .{});
                    }
                    if (!leading_blanks) try s.read(&whitespaces) else s.skip();
                } else if (!leading_blanks) {
                    whitespaces.clearRetainingCapacity();
                    try s.readLine(&leading_break);
                    leading_blanks = true;
                } else {
                    try s.readLine(&trailing_breaks);
                }
            }
            if (s.flow_level == 0 and @as(isize, @intCast(s.mark.column)) < indent) break;
        }
        if (leading_blanks) s.simple_key_allowed = true;
        return .{ .type = .scalar, .start_mark = start, .end_mark = end, .value = out.items, .style = .plain };
    }
};

fn hexValue(c: u8) u8 {
    return switch (c) {
        '0'...'9' => c - '0',
        'a'...'f' => c - 'a' + 10,
        'A'...'F' => c - 'A' + 10,
        else => 0,
    };
}

/// go-yaml's reader accepts UTF-16 input marked by a byte order mark: this
/// returns such input as UTF-8 (without the mark), other input unchanged.
/// On failure the problem is go-yaml's reader message.
pub fn decodeUtf16(arena: Allocator, input: []const u8, problem: *[]const u8) error{ OutOfMemory, Invalid }![]const u8 {
    if (input.len < 2) return input;
    const little = input[0] == 0xFF and input[1] == 0xFE;
    const big = input[0] == 0xFE and input[1] == 0xFF;
    if (!little and !big) return input;
    var out: std.ArrayList(u8) = .empty;
    var i: usize = 2;
    while (i < input.len) {
        if (i + 2 > input.len) {
            problem.* = "incomplete UTF-16 character";
            return error.Invalid;
        }
        const unit = readUnit(input[i..][0..2], little);
        var code: u21 = unit;
        if (unit & 0xFC00 == 0xDC00) {
            problem.* = "unexpected low surrogate area";
            return error.Invalid;
        }
        if (unit & 0xFC00 == 0xD800) {
            if (i + 4 > input.len) {
                problem.* = "incomplete UTF-16 surrogate pair";
                return error.Invalid;
            }
            const low = readUnit(input[i + 2 ..][0..2], little);
            if (low & 0xFC00 != 0xDC00) {
                problem.* = "expected low surrogate area";
                return error.Invalid;
            }
            code = 0x10000 + ((@as(u21, unit) & 0x3FF) << 10) + (low & 0x3FF);
            i += 4;
        } else {
            i += 2;
        }
        var encoded: [4]u8 = undefined;
        const n = std.unicode.utf8Encode(code, &encoded) catch unreachable; // Surrogates excluded above.
        try out.appendSlice(arena, encoded[0..n]);
    }
    return out.items;
}

fn readUnit(bytes: *const [2]u8, little: bool) u16 {
    return if (little) @as(u16, bytes[0]) | (@as(u16, bytes[1]) << 8) else (@as(u16, bytes[0]) << 8) | bytes[1];
}

/// go-yaml's reader check: valid UTF-8 made of characters YAML allows.
/// Returns the problem, or null when the input is acceptable.
pub fn checkInput(input: []const u8) ?[]const u8 {
    var i: usize = 0;
    while (i < input.len) {
        const c = input[i];
        const len: usize = switch (c) {
            0x00...0x7F => 1,
            0xC0...0xDF => 2,
            0xE0...0xEF => 3,
            0xF0...0xF7 => 4,
            else => return "invalid leading UTF-8 octet",
        };
        if (i + len > input.len) return "incomplete UTF-8 octet sequence";
        var code: u32 = switch (len) {
            1 => c,
            2 => c & 0x1F,
            3 => c & 0x0F,
            else => c & 0x07,
        };
        for (input[i + 1 .. i + len]) |t| {
            if (t & 0xC0 != 0x80) return "invalid trailing UTF-8 octet";
            code = (code << 6) | (t & 0x3F);
        }
        const shortest = switch (len) {
            1 => true,
            2 => code >= 0x80,
            3 => code >= 0x800,
            else => code >= 0x10000,
        };
        if (!shortest) return "invalid length of a UTF-8 sequence";
        if ((code >= 0xD800 and code <= 0xDFFF) or code > 0x10FFFF) return "invalid Unicode character";
        const allowed = code == 0x09 or code == 0x0A or code == 0x0D or
            (code >= 0x20 and code <= 0x7E) or code == 0x85 or
            (code >= 0xA0 and code <= 0xD7FF) or (code >= 0xE000 and code <= 0xFFFD) or
            (code >= 0x10000 and code <= 0x10FFFF);
        if (!allowed) return "control characters are not allowed";
        i += len;
    }
    return null;
}

test "tokens of a block mapping" {
    var arena: std.heap.ArenaAllocator = .init(std.testing.allocator);
    defer arena.deinit();
    var d: Diagnostic = .{};
    var s: Scanner = .init(arena.allocator(), "a: 1\nb: [x, 'y']\x00\x00\x00\x00", &d);
    const expected = [_]TokenType{
        .stream_start,       .block_mapping_start, .key,        .scalar,            .value, .scalar,
        .key,                .scalar,              .value,      .flow_sequence_start, .scalar, .flow_entry,
        .scalar,             .flow_sequence_end,   .block_end,  .stream_end,
    };
    for (expected) |t| {
        const token = try s.peek();
        try std.testing.expectEqual(t, token.type);
        s.skipToken();
    }
}

test "input check" {
    try std.testing.expectEqualStrings("control characters are not allowed", checkInput("a\x7fb").?);
    try std.testing.expectEqualStrings("invalid leading UTF-8 octet", checkInput("\xff").?);
    try std.testing.expect(checkInput("héllo\t\n") == null);
}
