//! Rego scanner: reads one token at a time from a position, as OPA's scanner
//! (v1/ast/internal/scanner) does, character for character.
//!
//! OPA's error positions, token boundaries and even some token texts depend on
//! its exact lookahead model: one decoded rune in `curr`, rows and columns
//! counted in runes, errors attached to the token during whose scan the bad
//! byte was read, and literal texts cut at `offset - 1` (which keeps a stray
//! byte when a multi-byte rune follows the token). We port that model as is.
//!
//! The scanner state is a small value: the parser keeps it in its own state
//! so that backtracking restores it, and asks for a template-string
//! continuation (`Mode.template`) exactly where OPA does, after the `}` that
//! closes an embedded expression.
const std = @import("std");
const assert = std.debug.assert;
const Allocator = std.mem.Allocator;

pub const Kind = enum(u8) {
    illegal,
    eof,
    ident,

    // Keywords of Rego v1. The scanner returns every word as `.ident`;
    // `keyword` classifies, and the parser adjusts for imports (`and` / `or`
    // become keywords only after `import future.keywords.and|or`).
    kw_package,
    kw_import,
    kw_as,
    kw_default,
    kw_else,
    kw_not,
    kw_some,
    kw_with,
    kw_null,
    kw_true,
    kw_false,
    kw_if,
    kw_contains,
    kw_every,
    kw_in,

    number,
    /// A `"..."` or `` `...` `` literal; the first byte tells which.
    string,
    /// `$"...{` or `}...{`: a template string piece that opens an expression.
    template_part,
    /// `$"..."` or `}..."`: the piece that ends a template string.
    template_end,
    raw_template_part,
    raw_template_end,

    lbrack,
    rbrack,
    lbrace,
    rbrace,
    lparen,
    rparen,
    comma,
    colon,
    add,
    sub,
    mul,
    quo,
    rem,
    amp,
    bar,
    unify,
    equal,
    assign,
    neq,
    gt,
    lt,
    gte,
    lte,
    dot,
    semicolon,

    /// One whitespace character (OPA scans them one by one).
    whitespace,
    comment,
    // Never produced by the scanner: `and` / `or` once imported as keywords.
    logical_and,
    logical_or,

    /// OPA's name for the token, used in "unexpected X token" messages.
    pub fn name(kind: Kind) []const u8 {
        return switch (kind) {
            .illegal => "illegal",
            .eof => "eof",
            .ident => "identifier",
            .kw_package => "package",
            .kw_import => "import",
            .kw_as => "as",
            .kw_default => "default",
            .kw_else => "else",
            .kw_not => "not",
            .kw_some => "some",
            .kw_with => "with",
            .kw_null => "null",
            .kw_true => "true",
            .kw_false => "false",
            .kw_if => "if",
            .kw_contains => "contains",
            .kw_every => "every",
            .kw_in => "in",
            .number => "number",
            .string => "string",
            .template_part => "template-string-part",
            .template_end => "template-string-end",
            .raw_template_part => "raw-template-string-part",
            .raw_template_end => "raw-template-string-end",
            .lbrack => "[",
            .rbrack => "]",
            .lbrace => "{",
            .rbrace => "}",
            .lparen => "(",
            .rparen => ")",
            .comma => ",",
            .colon => ":",
            .add => "plus",
            .sub => "minus",
            .mul => "mul",
            .quo => "div",
            .rem => "rem",
            .amp => "and",
            .bar => "or",
            .unify => "eq",
            .equal => "equal",
            .assign => "assign",
            .neq => "neq",
            .gt => "gt",
            .lt => "lt",
            .gte => "gte",
            .lte => "lte",
            .dot => ".",
            .semicolon => ";",
            .whitespace => "whitespace",
            .comment => "comment",
            .logical_and => "and",
            .logical_or => "or",
        };
    }

    /// OPA words errors about keywords as "unexpected X keyword".
    pub fn isKeyword(kind: Kind) bool {
        return switch (kind) {
            .kw_package, .kw_import, .kw_as, .kw_default, .kw_else, .kw_not, .kw_some, .kw_with => true,
            .kw_null, .kw_true, .kw_false, .kw_if, .kw_contains, .kw_every, .kw_in => true,
            .logical_and, .logical_or => true,
            else => false,
        };
    }
};

const keyword_map = std.StaticStringMap(Kind).initComptime(.{
    .{ "package", .kw_package },
    .{ "import", .kw_import },
    .{ "as", .kw_as },
    .{ "default", .kw_default },
    .{ "else", .kw_else },
    .{ "not", .kw_not },
    .{ "some", .kw_some },
    .{ "with", .kw_with },
    .{ "null", .kw_null },
    .{ "true", .kw_true },
    .{ "false", .kw_false },
    .{ "if", .kw_if },
    .{ "contains", .kw_contains },
    .{ "every", .kw_every },
    .{ "in", .kw_in },
});

/// The keyword spelled `word`, if any (of the fixed Rego v1 set).
pub fn keyword(word: []const u8) ?Kind {
    return keyword_map.get(word);
}

pub const max_source_len: usize = std.math.maxInt(u32) - 8;

pub const Mode = enum {
    normal,
    /// Resume a `$"..."` template after the `}` closing an expression.
    template,
    /// Resume a `` $`...` `` template.
    raw_template,
};

pub const max_token_errors = 8;

pub const ScanError = enum(u8) {
    null_character,
    invalid_utf8,
    byte_order_mark,
    bang,
    dollar,
    non_terminated_string,
    escape,
    fraction,
    exponent,
    number_format,

    pub fn message(e: ScanError) []const u8 {
        return switch (e) {
            .null_character => "illegal null character",
            .invalid_utf8 => "illegal utf-8 character",
            .byte_order_mark => "illegal byte-order mark",
            .bang => "illegal ! character",
            .dollar => "illegal $ character",
            .non_terminated_string => "non-terminated string",
            .escape => "illegal escape sequence",
            .fraction => "expected fraction",
            .exponent => "expected exponent",
            .number_format => "illegal number format",
        };
    }
};

/// One scanned token. Words are returned as `.ident`; keywords are the
/// caller's business (the set changes with imports).
pub const RawToken = struct {
    kind: Kind,
    /// Byte span of the token (OPA's `pos.Offset` .. `pos.End`).
    start: u32,
    end: u32,
    /// End of OPA's literal text for words, numbers, strings and template
    /// pieces: past `end` by the leading bytes of a multi-byte rune that
    /// directly follows the token (OPA slices at `offset - 1`).
    lit_end: u32,
    /// 1-based row; column in runes (0 on an empty last line, at EOF).
    row: u32,
    col: u32,
    /// Scanner errors for this token, in order (OPA reports every one; we
    /// keep the first `max_token_errors`).
    errors: [max_token_errors]ScanError = undefined,
    error_count: u8 = 0,

    pub fn scanErrors(token: *const RawToken) []const ScanError {
        return token.errors[0..token.error_count];
    }
};

const eof_rune: i32 = -1;
const bom: i32 = 0xFEFF;
const replacement: i32 = 0xFFFD;

/// A port of OPA's scanner state machine: `curr` is the rune at
/// `offset - width`, and `row`/`col` are its position. Copy it to save a
/// position; it does not own or reference the source.
pub const Scanner = struct {
    offset: u32,
    width: u8,
    curr: i32,
    row: u32,
    col: u32,
    /// Errors raised by `next` since the last token was returned; they
    /// belong to the next token (`init` can raise some too).
    pending: [max_token_errors]ScanError = undefined,
    pending_count: u8 = 0,

    pub fn init(src: []const u8) Scanner {
        assert(src.len <= max_source_len);
        var scanner: Scanner = .{ .offset = 0, .width = 0, .curr = eof_rune, .row = 1, .col = 0 };
        scanner.next(src);
        if (scanner.curr == bom) scanner.next(src);
        return scanner;
    }

    fn fail(scanner: *Scanner, e: ScanError) void {
        if (scanner.pending_count < max_token_errors) {
            scanner.pending[scanner.pending_count] = e;
            scanner.pending_count += 1;
        }
    }

    fn next(scanner: *Scanner, src: []const u8) void {
        if (scanner.offset >= src.len) {
            scanner.curr = eof_rune;
            scanner.offset = @intCast(src.len + 1);
            return;
        }
        const byte = src[scanner.offset];
        scanner.curr = byte;
        scanner.width = 1;
        if (byte == 0) {
            scanner.fail(.null_character);
        } else if (byte >= 0x80) {
            const decoded = decodeRune(src[scanner.offset..]);
            scanner.curr = decoded.rune;
            scanner.width = decoded.width;
            if (decoded.rune == replacement and decoded.width == 1) {
                scanner.fail(.invalid_utf8);
            } else if (decoded.rune == bom and scanner.offset > 0) {
                scanner.fail(.byte_order_mark);
            }
        }
        scanner.offset += scanner.width;
        if (scanner.curr == '\n') {
            scanner.row += 1;
            scanner.col = 0;
        } else {
            scanner.col += 1;
        }
    }

    /// Byte offset of `curr`. At EOF this is the source length (OPA's
    /// arithmetic can land inside the last rune there; nothing depends on it).
    fn currStart(scanner: *const Scanner, src: []const u8) u32 {
        if (scanner.curr == eof_rune) return @intCast(src.len);
        return scanner.offset - scanner.width;
    }

    /// OPA's `s.offset - 1`: where literal texts end.
    fn litEnd(scanner: *const Scanner, src: []const u8) u32 {
        return @intCast(@min(scanner.offset - 1, src.len));
    }

    pub fn scan(scanner: *Scanner, src: []const u8, mode: Mode) RawToken {
        var token: RawToken = .{
            .kind = .illegal,
            .start = scanner.currStart(src),
            .end = 0,
            .lit_end = 0,
            .row = scanner.row,
            .col = scanner.col,
        };
        token.kind = scanner.scanKind(src, mode);
        token.end = @max(scanner.currStart(src), token.start);
        token.lit_end = @max(scanner.litEnd(src), token.end);
        switch (token.kind) {
            .ident, .number, .string, .comment => {},
            .template_part, .template_end, .raw_template_part, .raw_template_end => {},
            else => token.lit_end = token.end,
        }
        token.errors = scanner.pending;
        token.error_count = scanner.pending_count;
        scanner.pending_count = 0;
        return token;
    }

    fn scanKind(scanner: *Scanner, src: []const u8, mode: Mode) Kind {
        switch (mode) {
            .normal => {},
            .template => return scanner.scanTemplate(src, false),
            .raw_template => return scanner.scanTemplate(src, true),
        }
        if (isWhitespace(scanner.curr)) {
            scanner.next(src);
            return .whitespace;
        }
        if (isLetter(scanner.curr)) {
            while (isLetter(scanner.curr) or isDigit(scanner.curr)) scanner.next(src);
            return .ident;
        }
        if (isDecimal(scanner.curr)) {
            scanner.scanNumber(src);
            return .number;
        }
        const ch = scanner.curr;
        scanner.next(src);
        return switch (ch) {
            eof_rune => .eof,
            '#' => blk: {
                while (scanner.curr != '\n' and scanner.curr != eof_rune) scanner.next(src);
                break :blk .comment;
            },
            '"' => blk: {
                scanner.scanString(src);
                break :blk .string;
            },
            '`' => blk: {
                scanner.scanRawString(src);
                break :blk .string;
            },
            '[' => .lbrack,
            ']' => .rbrack,
            '{' => .lbrace,
            '}' => .rbrace,
            '(' => .lparen,
            ')' => .rparen,
            ',' => .comma,
            ':' => scanner.pick(src, '=', .assign, .colon),
            '+' => .add,
            '-' => .sub,
            '*' => .mul,
            '/' => .quo,
            '%' => .rem,
            '&' => .amp,
            '|' => .bar,
            '=' => scanner.pick(src, '=', .equal, .unify),
            '>' => scanner.pick(src, '=', .gte, .gt),
            '<' => scanner.pick(src, '=', .lte, .lt),
            '!' => blk: {
                if (scanner.curr == '=') {
                    scanner.next(src);
                    break :blk .neq;
                }
                scanner.fail(.bang);
                break :blk .illegal;
            },
            ';' => .semicolon,
            '.' => .dot,
            '$' => blk: {
                if (scanner.curr == '`') {
                    scanner.next(src);
                    break :blk scanner.scanTemplate(src, true);
                }
                if (scanner.curr == '"') {
                    scanner.next(src);
                    break :blk scanner.scanTemplate(src, false);
                }
                scanner.fail(.dollar);
                break :blk .illegal;
            },
            // Anything else (including non-ASCII letters) is an illegal
            // token without a scanner message, as in OPA.
            else => .illegal,
        };
    }

    fn pick(scanner: *Scanner, src: []const u8, second: i32, two: Kind, one: Kind) Kind {
        if (scanner.curr == second) {
            scanner.next(src);
            return two;
        }
        return one;
    }

    fn scanNumber(scanner: *Scanner, src: []const u8) void {
        if (scanner.curr != '.') {
            while (isDecimal(scanner.curr)) scanner.next(src);
        }
        if (scanner.curr == '.') {
            scanner.next(src);
            var found = false;
            while (isDecimal(scanner.curr)) : (found = true) scanner.next(src);
            if (!found) scanner.fail(.fraction);
        }
        if (scanner.curr == 'e' or scanner.curr == 'E') {
            scanner.next(src);
            if (scanner.curr == '+' or scanner.curr == '-') scanner.next(src);
            var found = false;
            while (isDecimal(scanner.curr)) : (found = true) scanner.next(src);
            if (!found) scanner.fail(.exponent);
        }
        // Swallow trailing letters so `0a2b` is one bad number, not a number
        // and an identifier.
        if (isLetter(scanner.curr)) {
            scanner.fail(.number_format);
            while (isLetter(scanner.curr) or isDigit(scanner.curr)) scanner.next(src);
        }
    }

    fn scanString(scanner: *Scanner, src: []const u8) void {
        while (true) {
            const ch = scanner.curr;
            if (ch == '\n' or ch == eof_rune) {
                scanner.fail(.non_terminated_string);
                return;
            }
            scanner.next(src);
            if (ch == '"') return;
            if (ch == '\\') scanner.scanEscape(src, false);
        }
    }

    /// After a backslash. OPA only checks the escape's first character here
    /// (`\u` swallows any four runes); the parser validates the rest.
    fn scanEscape(scanner: *Scanner, src: []const u8, in_template: bool) void {
        switch (scanner.curr) {
            '\\', '"', '/', 'b', 'f', 'n', 'r', 't' => scanner.next(src),
            'u' => for (0..4) |_| scanner.next(src),
            '{' => if (in_template) scanner.next(src) else scanner.fail(.escape),
            else => scanner.fail(.escape),
        }
    }

    fn scanRawString(scanner: *Scanner, src: []const u8) void {
        while (true) {
            const ch = scanner.curr;
            scanner.next(src);
            if (ch == '`') return;
            if (ch == eof_rune) {
                scanner.fail(.non_terminated_string);
                return;
            }
        }
    }

    /// Scans a template string piece up to and including the `{` that opens
    /// an expression or the closing delimiter.
    fn scanTemplate(scanner: *Scanner, src: []const u8, is_raw: bool) Kind {
        const delimiter: i32 = if (is_raw) '`' else '"';
        while (true) {
            const ch = scanner.curr;
            if (ch == eof_rune or (!is_raw and ch == '\n')) {
                scanner.fail(.non_terminated_string);
                return if (is_raw) .raw_template_part else .template_part;
            }
            scanner.next(src);
            if (ch == delimiter) return if (is_raw) .raw_template_end else .template_end;
            if (ch == '{') return if (is_raw) .raw_template_part else .template_part;
            if (ch == '\\') {
                if (is_raw) {
                    if (scanner.curr == '{') scanner.next(src);
                } else {
                    scanner.scanEscape(src, true);
                }
            }
        }
    }
};

/// A significant token of a whole-source scan (see `tokenize`).
pub const Token = struct {
    kind: Kind,
    start: u32,
    end: u32,
    row: u32,
    col: u32,
    ws_before: bool,
    nl_before: bool,
    has_error: bool,
};

/// Scans a whole source into significant tokens (keywords classified,
/// whitespace and comments dropped), resuming template strings by brace
/// counting. For tools and tests: the parser scans on demand instead, since
/// where a template expression ends is the parser's decision.
pub fn tokenize(gpa: Allocator, src: []const u8) error{ OutOfMemory, SourceTooLarge }![]Token {
    if (src.len > max_source_len) return error.SourceTooLarge;
    var tokens: std.ArrayList(Token) = .empty;
    errdefer tokens.deinit(gpa);
    var depths: std.ArrayList(struct { raw: bool, depth: u32 }) = .empty;
    defer depths.deinit(gpa);
    var scanner: Scanner = .init(src);
    var ws_before = false;
    var nl_before = false;
    var mode: Mode = .normal;
    while (true) {
        const raw = scanner.scan(src, mode);
        mode = .normal;
        const has_error = raw.error_count > 0;
        if (!has_error and (raw.kind == .whitespace or raw.kind == .comment)) {
            ws_before = true;
            if (src[raw.start] == '\n') nl_before = true;
            continue;
        }
        var kind = raw.kind;
        if (kind == .ident) kind = keyword(src[raw.start..raw.lit_end]) orelse .ident;
        try tokens.append(gpa, .{
            .kind = kind,
            .start = raw.start,
            .end = raw.end,
            .row = raw.row,
            .col = raw.col,
            .ws_before = ws_before,
            .nl_before = nl_before,
            .has_error = has_error,
        });
        ws_before = false;
        nl_before = false;
        switch (kind) {
            .eof => break,
            .template_part, .raw_template_part => try depths.append(gpa, .{ .raw = kind == .raw_template_part, .depth = 0 }),
            .lbrace => if (depths.items.len > 0) {
                depths.items[depths.items.len - 1].depth += 1;
            },
            .rbrace => if (depths.items.len > 0) {
                const top = &depths.items[depths.items.len - 1];
                if (top.depth == 0) {
                    mode = if (top.raw) .raw_template else .template;
                    _ = depths.pop();
                } else {
                    top.depth -= 1;
                }
            },
            else => {},
        }
    }
    return tokens.toOwnedSlice(gpa);
}

fn isWhitespace(ch: i32) bool {
    return ch == ' ' or ch == '\t' or ch == '\n' or ch == '\r';
}

fn isLetter(ch: i32) bool {
    return (ch >= 'a' and ch <= 'z') or (ch >= 'A' and ch <= 'Z') or ch == '_';
}

fn isDecimal(ch: i32) bool {
    return ch >= '0' and ch <= '9';
}

/// Go's `unicode.IsDigit`: identifiers may continue with any Unicode decimal
/// digit (category Nd), not only ASCII ones.
fn isDigit(ch: i32) bool {
    if (isDecimal(ch)) return true;
    if (ch < 0x80) return false;
    const rune: u32 = @intCast(ch);
    var lo: usize = 0;
    var hi: usize = nd_ranges.len;
    while (lo < hi) {
        const mid = lo + (hi - lo) / 2;
        if (rune > nd_ranges[mid][1]) {
            lo = mid + 1;
        } else if (rune < nd_ranges[mid][0]) {
            hi = mid;
        } else {
            return true;
        }
    }
    return false;
}

/// Unicode 15.0 category Nd above ASCII (the tables of the Go release that
/// built OPA v1.19.0).
const nd_ranges = [_][2]u32{
    .{ 0x660, 0x669 },     .{ 0x6F0, 0x6F9 },     .{ 0x7C0, 0x7C9 },     .{ 0x966, 0x96F },
    .{ 0x9E6, 0x9EF },     .{ 0xA66, 0xA6F },     .{ 0xAE6, 0xAEF },     .{ 0xB66, 0xB6F },
    .{ 0xBE6, 0xBEF },     .{ 0xC66, 0xC6F },     .{ 0xCE6, 0xCEF },     .{ 0xD66, 0xD6F },
    .{ 0xDE6, 0xDEF },     .{ 0xE50, 0xE59 },     .{ 0xED0, 0xED9 },     .{ 0xF20, 0xF29 },
    .{ 0x1040, 0x1049 },   .{ 0x1090, 0x1099 },   .{ 0x17E0, 0x17E9 },   .{ 0x1810, 0x1819 },
    .{ 0x1946, 0x194F },   .{ 0x19D0, 0x19D9 },   .{ 0x1A80, 0x1A89 },   .{ 0x1A90, 0x1A99 },
    .{ 0x1B50, 0x1B59 },   .{ 0x1BB0, 0x1BB9 },   .{ 0x1C40, 0x1C49 },   .{ 0x1C50, 0x1C59 },
    .{ 0xA620, 0xA629 },   .{ 0xA8D0, 0xA8D9 },   .{ 0xA900, 0xA909 },   .{ 0xA9D0, 0xA9D9 },
    .{ 0xA9F0, 0xA9F9 },   .{ 0xAA50, 0xAA59 },   .{ 0xABF0, 0xABF9 },   .{ 0xFF10, 0xFF19 },
    .{ 0x104A0, 0x104A9 }, .{ 0x10D30, 0x10D39 }, .{ 0x11066, 0x1106F }, .{ 0x110F0, 0x110F9 },
    .{ 0x11136, 0x1113F }, .{ 0x111D0, 0x111D9 }, .{ 0x112F0, 0x112F9 }, .{ 0x11450, 0x11459 },
    .{ 0x114D0, 0x114D9 }, .{ 0x11650, 0x11659 }, .{ 0x116C0, 0x116C9 }, .{ 0x11730, 0x11739 },
    .{ 0x118E0, 0x118E9 }, .{ 0x11950, 0x11959 }, .{ 0x11C50, 0x11C59 }, .{ 0x11D50, 0x11D59 },
    .{ 0x11DA0, 0x11DA9 }, .{ 0x11F50, 0x11F59 }, .{ 0x16A60, 0x16A69 }, .{ 0x16AC0, 0x16AC9 },
    .{ 0x16B50, 0x16B59 }, .{ 0x1D7CE, 0x1D7FF }, .{ 0x1E140, 0x1E149 }, .{ 0x1E2F0, 0x1E2F9 },
    .{ 0x1E4F0, 0x1E4F9 }, .{ 0x1E950, 0x1E959 }, .{ 0x1FBF0, 0x1FBF9 },
};

pub const Decoded = struct { rune: i32, width: u3 };

/// Go's `utf8.DecodeRune`: an invalid or truncated sequence decodes as
/// U+FFFD with width 1 (surrogates and overlong forms are invalid).
pub fn decodeRune(bytes: []const u8) Decoded {
    assert(bytes.len > 0);
    const invalid: Decoded = .{ .rune = replacement, .width = 1 };
    const b0 = bytes[0];
    if (b0 < 0x80) return .{ .rune = b0, .width = 1 };
    const len: u3, const lo: u8, const hi: u8 = switch (b0) {
        0xC2...0xDF => .{ 2, 0x80, 0xBF },
        0xE0 => .{ 3, 0xA0, 0xBF },
        0xE1...0xEC, 0xEE...0xEF => .{ 3, 0x80, 0xBF },
        0xED => .{ 3, 0x80, 0x9F },
        0xF0 => .{ 4, 0x90, 0xBF },
        0xF1...0xF3 => .{ 4, 0x80, 0xBF },
        0xF4 => .{ 4, 0x80, 0x8F },
        else => return invalid,
    };
    if (bytes.len < len) return invalid;
    if (bytes[1] < lo or bytes[1] > hi) return invalid;
    for (bytes[2..len]) |b| {
        if (b < 0x80 or b > 0xBF) return invalid;
    }
    const rune: i32 = switch (len) {
        2 => (@as(i32, b0 & 0x1F) << 6) | (bytes[1] & 0x3F),
        3 => (@as(i32, b0 & 0x0F) << 12) | (@as(i32, bytes[1] & 0x3F) << 6) | (bytes[2] & 0x3F),
        4 => (@as(i32, b0 & 0x07) << 18) | (@as(i32, bytes[1] & 0x3F) << 12) |
            (@as(i32, bytes[2] & 0x3F) << 6) | (bytes[3] & 0x3F),
        else => unreachable,
    };
    return .{ .rune = rune, .width = len };
}

// ---------------------------------------------------------------------------
// Tests

const testing = std.testing;

fn expectKinds(source: []const u8, expected: []const Kind) !void {
    const tokens = try tokenize(testing.allocator, source);
    defer testing.allocator.free(tokens);
    var kinds: std.ArrayList(Kind) = .empty;
    defer kinds.deinit(testing.allocator);
    for (tokens) |token| try kinds.append(testing.allocator, if (token.has_error) .illegal else token.kind);
    try testing.expectEqualSlices(Kind, expected, kinds.items);
}

test "lexer: operators and punctuation" {
    try expectKinds(":= = == != < <= > >= + - * / % & | . , ; : [ ] { } ( )", &.{
        .assign, .unify,  .equal,  .neq,    .lt,     .lte,    .gt,     .gte,   .add,
        .sub,    .mul,    .quo,    .rem,    .amp,    .bar,    .dot,    .comma, .semicolon,
        .colon,  .lbrack, .rbrack, .lbrace, .rbrace, .lparen, .rparen, .eof,
    });
}

test "lexer: keywords and identifiers" {
    try expectKinds("package import as default else not some with null true false if contains every in and or x_1 _", &.{
        .kw_package, .kw_import, .kw_as,   .kw_default, .kw_else, .kw_not,      .kw_some,
        .kw_with,    .kw_null,   .kw_true, .kw_false,   .kw_if,   .kw_contains, .kw_every,
        .kw_in,      .ident,     .ident,   .ident,      .ident,   .eof,
    });
}

test "lexer: numbers" {
    try expectKinds("0 12 1.5 1.5e3 1E-2 2e+7", &.{ .number, .number, .number, .number, .number, .number, .eof });
    // `.5` is a dot and a number; the parser joins them.
    try expectKinds(".5", &.{ .dot, .number, .eof });
    try expectKinds("1.", &.{ .illegal, .eof });
    try expectKinds("1e", &.{ .illegal, .eof });
    try expectKinds("0a2b", &.{ .illegal, .eof });
}

test "lexer: strings" {
    try expectKinds(
        \\"a\"b\\\u00e9" `raw
        \\line`
    , &.{ .string, .string, .eof });
    try expectKinds("\"abc", &.{ .illegal, .eof });
    try expectKinds("\"a\nb\"", &.{ .illegal, .ident, .illegal, .eof });
    try expectKinds("\"\\q\"", &.{ .illegal, .eof });
}

test "lexer: whitespace flags and positions" {
    const source = "a.b [c]\n# note\n  d\t é";
    const t = try tokenize(testing.allocator, source);
    defer testing.allocator.free(t);
    try testing.expectEqual(@as(usize, 9), t.len);
    try testing.expect(!t[1].ws_before and !t[2].ws_before);
    try testing.expect(t[3].ws_before and !t[3].nl_before); // [
    try testing.expect(t[6].nl_before); // d
    try testing.expectEqual(@as(u32, 3), t[6].row);
    try testing.expectEqual(@as(u32, 3), t[6].col);
    try testing.expectEqual(Kind.illegal, t[7].kind); // é: no scanner message
    try testing.expect(!t[7].has_error);
    try testing.expectEqual(@as(u32, 6), t[7].col); // a tab counts one column
    try testing.expectEqualStrings("é", source[t[7].start..t[7].end]);
    // EOF sits on the last rune of a non-empty last line, as in OPA.
    try testing.expectEqual(@as(u32, 3), t[8].row);
    try testing.expectEqual(@as(u32, 6), t[8].col);
}

test "lexer: EOF after a trailing newline is at column 0" {
    const t = try tokenize(testing.allocator, "p\n");
    defer testing.allocator.free(t);
    try testing.expectEqual(@as(u32, 2), t[1].row);
    try testing.expectEqual(@as(u32, 0), t[1].col);
}

test "lexer: template strings" {
    try expectKinds("$\"a{x}b{ {1} }c\"", &.{
        .template_part, .ident, .rbrace, .template_part, .lbrace, .number, .rbrace, .rbrace, .template_end, .eof,
    });
    try expectKinds("$`a\n{x}`", &.{ .raw_template_part, .ident, .rbrace, .raw_template_end, .eof });
    try expectKinds("$\"\\{x}\"", &.{ .template_end, .eof });
    try expectKinds("$\"{$\"{x}\"}\"", &.{
        .template_part, .template_part, .ident, .rbrace, .template_end, .rbrace, .template_end, .eof,
    });
    try expectKinds("$x", &.{ .illegal, .ident, .eof });
}

test "lexer: scanner errors belong to the token being scanned" {
    const source = "x\x00 \xff !";
    var scanner: Scanner = .init(source);
    var messages: std.ArrayList(ScanError) = .empty;
    defer messages.deinit(testing.allocator);
    var kinds: std.ArrayList(Kind) = .empty;
    defer kinds.deinit(testing.allocator);
    while (true) {
        const token = scanner.scan(source, .normal);
        try kinds.append(testing.allocator, token.kind);
        try messages.appendSlice(testing.allocator, token.scanErrors());
        if (token.kind == .eof) break;
        // The NUL is read as lookahead while scanning `x`, so OPA blames `x`.
        if (token.start == 0) try testing.expectEqual(ScanError.null_character, token.scanErrors()[0]);
    }
    try testing.expectEqual(@as(usize, 3), messages.items.len);
    try testing.expectEqual(ScanError.invalid_utf8, messages.items[1]);
    try testing.expectEqualStrings("illegal ! character", messages.items[2].message());
    try testing.expectEqualSlices(Kind, &.{ .ident, .illegal, .whitespace, .illegal, .whitespace, .illegal, .eof }, kinds.items);
}

test "lexer: literal texts keep a stray byte before a multi-byte rune" {
    const source = "ifé";
    var scanner: Scanner = .init(source);
    const word = scanner.scan(source, .normal);
    try testing.expectEqual(Kind.ident, word.kind);
    try testing.expectEqualStrings("if", source[word.start..word.end]);
    try testing.expectEqualStrings("if\xc3", source[word.start..word.lit_end]);
}

test "lexer: template continuation is scanned on request" {
    const source = "$\"a{x} b\"";
    var scanner: Scanner = .init(source);
    try testing.expectEqual(Kind.template_part, scanner.scan(source, .normal).kind);
    try testing.expectEqual(Kind.ident, scanner.scan(source, .normal).kind);
    try testing.expectEqual(Kind.rbrace, scanner.scan(source, .normal).kind);
    const rest = scanner.scan(source, .template);
    try testing.expectEqual(Kind.template_end, rest.kind);
    try testing.expectEqualStrings(" b\"", source[rest.start..rest.end]);
}

test "lexer: unicode digits continue identifiers" {
    try expectKinds("x\u{0661}1 y", &.{ .ident, .ident, .eof });
}

test "lexer: decodeRune matches Go" {
    try testing.expectEqual(Decoded{ .rune = 0xE9, .width = 2 }, decodeRune("\xc3\xa9"));
    try testing.expectEqual(Decoded{ .rune = replacement, .width = 1 }, decodeRune("\xed\xa0\x80")); // surrogate
    try testing.expectEqual(Decoded{ .rune = replacement, .width = 1 }, decodeRune("\xc0\x80")); // overlong
    try testing.expectEqual(Decoded{ .rune = replacement, .width = 1 }, decodeRune("\xe2\x82")); // truncated
    try testing.expectEqual(Decoded{ .rune = 0x1F600, .width = 4 }, decodeRune("\xf0\x9f\x98\x80"));
}
