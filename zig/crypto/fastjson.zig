//! The JSON parser jwx reads JWS headers with (valyala/fastjson), reduced to
//! what io.jwt.encode_sign needs: whether the header parses, and the string
//! value of a top-level member. fastjson is laxer than encoding/json (it
//! takes `e` as a number and does not validate string escapes) and words its
//! errors its own way, and OPA's messages show both.
const std = @import("std");
const Allocator = std.mem.Allocator;
const quoted = @import("go_quote.zig").quoted;

pub const max_depth = 300;

/// A failed parse: fastjson's message chain and the unparsed tail it
/// reports (the caller quotes it as Go's %q does).
pub const Failure = struct {
    /// E.g. "cannot parse object: missing ':' after object key".
    reason: []const u8,
    tail: []const u8,
    /// True for "unexpected tail" (a complete value followed by more text).
    trailing: bool,
};

pub const Member = struct {
    /// The key as written, escapes included.
    raw_key: []const u8,
    kind: Kind,
    /// For strings: the content as written between the quotes.
    raw_string: []const u8,
};

pub const Kind = enum {
    object,
    array,
    string,
    number,
    true,
    false,
    null,

    pub fn name(k: Kind) []const u8 {
        return @tagName(k);
    }
};

pub const Document = struct {
    kind: Kind,
    /// Members of a top-level object, in order.
    members: []const Member,
};

pub const Result = union(enum) { ok: Document, failed: Failure };

/// fastjson's Parser.Parse.
pub fn parse(allocator: Allocator, text: []const u8) Allocator.Error!Result {
    var p: Parser = .{ .allocator = allocator };
    const s = skipWs(text);
    const parsed = p.value(s, 0) catch |err| switch (err) {
        error.OutOfMemory => return error.OutOfMemory,
        error.Syntax => return .{ .failed = .{ .reason = p.reason, .tail = try startEnd(allocator, p.tail), .trailing = false } },
    };
    const tail = skipWs(parsed.tail);
    if (tail.len > 0) return .{ .failed = .{ .reason = "", .tail = try startEnd(allocator, tail), .trailing = true } };
    return .{ .ok = .{ .kind = parsed.kind, .members = p.top_members.items } };
}

/// fastjson's startEndString: long tails are shortened to 40 + "..." + 40.
fn startEnd(allocator: Allocator, s: []const u8) Allocator.Error![]const u8 {
    if (s.len <= 80) return s;
    return std.mem.concat(allocator, u8, &.{ s[0..40], "...", s[s.len - 40 ..] });
}

/// The string value of top-level member `key` (Object.Get then
/// StringBytes): null when absent or when the document is not an object;
/// `.not_string` names the kind otherwise.
pub fn getString(allocator: Allocator, doc: Document, key: []const u8) Allocator.Error!union(enum) { missing, not_string: Kind, ok: []const u8 } {
    if (doc.kind != .object) return .missing;
    const member = find(doc.members, key, null) orelse
        (try findUnescaped(allocator, doc.members, key)) orelse return .missing;
    if (member.kind != .string) return .{ .not_string = member.kind };
    return .{ .ok = try unescape(allocator, member.raw_string) };
}

fn find(members: []const Member, key: []const u8, _: ?void) ?Member {
    // Fast path: raw keys, first match, unless the key itself has escapes.
    if (std.mem.indexOfScalar(u8, key, '\\') != null) return null;
    for (members) |m| if (std.mem.eql(u8, m.raw_key, key)) return m;
    return null;
}

fn findUnescaped(allocator: Allocator, members: []const Member, key: []const u8) Allocator.Error!?Member {
    for (members) |m| {
        if (std.mem.eql(u8, try unescape(allocator, m.raw_key), key)) return m;
    }
    return null;
}

const Parsed = struct { kind: Kind, tail: []const u8 };

const Parser = struct {
    allocator: Allocator,
    reason: []const u8 = "",
    tail: []const u8 = "",
    top_members: std.ArrayList(Member) = .empty,

    fn failAt(p: *Parser, tail: []const u8, reason: []const u8) error{Syntax} {
        p.record(tail, reason);
        return error.Syntax;
    }

    fn record(p: *Parser, tail: []const u8, reason: []const u8) void {
        p.reason = reason;
        p.tail = tail;
    }

    /// Prefixes the reason recorded by a nested failure.
    fn wrap(p: *Parser, prefix: []const u8) error{ Syntax, OutOfMemory } {
        p.reason = try std.mem.concat(p.allocator, u8, &.{ prefix, p.reason });
        return error.Syntax;
    }

    fn value(p: *Parser, s: []const u8, depth_in: usize) error{ Syntax, OutOfMemory }!Parsed {
        if (s.len == 0) return p.failAt(s, "cannot parse empty string");
        const depth = depth_in + 1;
        if (depth > max_depth) return p.failAt(s, "too big depth for the nested JSON; it exceeds 300");
        switch (s[0]) {
            '{' => {
                const tail = p.object(s[1..], depth) catch |err| switch (err) {
                    error.OutOfMemory => return error.OutOfMemory,
                    error.Syntax => return p.wrap("cannot parse object: "),
                };
                return .{ .kind = .object, .tail = tail };
            },
            '[' => {
                const tail = p.array(s[1..], depth) catch |err| switch (err) {
                    error.OutOfMemory => return error.OutOfMemory,
                    error.Syntax => return p.wrap("cannot parse array: "),
                };
                return .{ .kind = .array, .tail = tail };
            },
            '"' => {
                const str = rawString(s[1..]) orelse {
                    p.record("", "missing closing '\"'");
                    return p.wrap("cannot parse string: ");
                };
                return .{ .kind = .string, .tail = str.tail };
            },
            't' => return p.literal(s, "true", .true),
            'f' => return p.literal(s, "false", .false),
            'n' => {
                if (std.mem.startsWith(u8, s, "null")) return .{ .kind = .null, .tail = s[4..] };
                if (s.len >= 3 and std.ascii.eqlIgnoreCase(s[0..3], "nan")) return .{ .kind = .number, .tail = s[3..] };
                return p.unexpectedValue(s);
            },
            else => {
                const tail = rawNumber(s) orelse {
                    p.record(s, try std.fmt.allocPrint(p.allocator, "unexpected char: {f}", .{quoted(s[0..1])}));
                    return p.wrap("cannot parse number: ");
                };
                return .{ .kind = .number, .tail = tail };
            },
        }
    }

    fn literal(p: *Parser, s: []const u8, comptime word: []const u8, kind: Kind) error{ Syntax, OutOfMemory }!Parsed {
        if (!std.mem.startsWith(u8, s, word)) return p.unexpectedValue(s);
        return .{ .kind = kind, .tail = s[word.len..] };
    }

    fn unexpectedValue(p: *Parser, s: []const u8) error{ Syntax, OutOfMemory } {
        return p.failAt(s, try std.fmt.allocPrint(p.allocator, "unexpected value found: {f}", .{quoted(s)}));
    }

    fn array(p: *Parser, input: []const u8, depth: usize) error{ Syntax, OutOfMemory }![]const u8 {
        var s = skipWs(input);
        if (s.len == 0) return p.failAt(s, "missing ']'");
        if (s[0] == ']') return s[1..];
        while (true) {
            s = skipWs(s);
            const v = p.value(s, depth) catch |err| switch (err) {
                error.OutOfMemory => return error.OutOfMemory,
                error.Syntax => return p.wrap("cannot parse array value: "),
            };
            s = skipWs(v.tail);
            if (s.len == 0) return p.failAt(s, "unexpected end of array");
            if (s[0] == ',') {
                s = s[1..];
                continue;
            }
            if (s[0] == ']') return s[1..];
            return p.failAt(s, "missing ',' after array value");
        }
    }

    fn object(p: *Parser, input: []const u8, depth: usize) error{ Syntax, OutOfMemory }![]const u8 {
        var s = skipWs(input);
        if (s.len == 0) return p.failAt(s, "missing '}'");
        if (s[0] == '}') return s[1..];
        while (true) {
            s = skipWs(s);
            if (s.len == 0 or s[0] != '"') return p.failAt(s, "cannot find opening '\"\" for object key");
            const key = rawString(s[1..]) orelse {
                p.record("", "missing closing '\"'");
                return p.wrap("cannot parse object key: ");
            };
            s = skipWs(key.tail);
            if (s.len == 0 or s[0] != ':') return p.failAt(s, "missing ':' after object key");
            s = skipWs(s[1..]);
            const v = p.value(s, depth) catch |err| switch (err) {
                error.OutOfMemory => return error.OutOfMemory,
                error.Syntax => return p.wrap("cannot parse object value: "),
            };
            if (depth == 1) {
                const string_content: []const u8 = if (v.kind == .string) (rawString(s[1..]) orelse unreachable).content else ""; // Parsed above.
                try p.top_members.append(p.allocator, .{ .raw_key = key.content, .kind = v.kind, .raw_string = string_content });
            }
            s = skipWs(v.tail);
            if (s.len == 0) return p.failAt(s, "unexpected end of object");
            if (s[0] == ',') {
                s = s[1..];
                continue;
            }
            if (s[0] == '}') return s[1..];
            return p.failAt(s, "missing ',' after object value");
        }
    }
};

fn skipWs(s: []const u8) []const u8 {
    var i: usize = 0;
    while (i < s.len and (s[i] == ' ' or s[i] == '\n' or s[i] == '\t' or s[i] == '\r')) i += 1;
    return s[i..];
}

const RawString = struct { content: []const u8, tail: []const u8 };

/// fastjson's parseRawString: up to the first '"' not escaped by an odd
/// number of backslashes. Null when there is none.
fn rawString(s: []const u8) ?RawString {
    var start: usize = 0;
    while (std.mem.indexOfScalarPos(u8, s, start, '"')) |n| {
        var backslashes: usize = 0;
        while (backslashes < n and s[n - 1 - backslashes] == '\\') backslashes += 1;
        if (backslashes % 2 == 0) return .{ .content = s[0..n], .tail = s[n + 1 ..] };
        start = n + 1;
    }
    return null;
}

/// fastjson's parseRawNumber: the tail after the number, or null.
fn rawNumber(s: []const u8) ?[]const u8 {
    for (s, 0..) |ch, i| {
        if ((ch >= '0' and ch <= '9') or ch == '.' or ch == '-' or ch == 'e' or ch == 'E' or ch == '+') continue;
        if (i == 0 or (i == 1 and (s[0] == '-' or s[0] == '+'))) {
            if (s.len - i >= 3) {
                const xs = s[i .. i + 3];
                if (std.ascii.eqlIgnoreCase(xs, "inf") or std.ascii.eqlIgnoreCase(xs, "nan")) return s[i + 3 ..];
            }
            return null;
        }
        return s[i..];
    }
    return "";
}

/// fastjson's unescapeStringBestEffort: known escapes decoded, anything
/// malformed kept as written.
pub fn unescape(allocator: Allocator, s: []const u8) Allocator.Error![]const u8 {
    if (std.mem.indexOfScalar(u8, s, '\\') == null) return s;
    var out: std.ArrayList(u8) = .empty;
    var i: usize = 0;
    while (i < s.len) {
        const c = s[i];
        if (c != '\\' or i + 1 >= s.len) {
            // A trailing lone backslash is dropped, as in fastjson.
            if (c != '\\') try out.append(allocator, c);
            i += 1;
            continue;
        }
        const e = s[i + 1];
        i += 2;
        switch (e) {
            '"', '\\', '/' => try out.append(allocator, e),
            'b' => try out.append(allocator, 0x08),
            'f' => try out.append(allocator, 0x0c),
            'n' => try out.append(allocator, '\n'),
            'r' => try out.append(allocator, '\r'),
            't' => try out.append(allocator, '\t'),
            'u' => {
                const x = hex4(s, i) orelse {
                    try out.appendSlice(allocator, "\\u");
                    continue;
                };
                i += 4;
                if (x < 0xd800 or x > 0xdfff) {
                    try appendRune(allocator, &out, x);
                    continue;
                }
                // A surrogate: needs a following \uXXXX to pair with.
                const low = if (i + 6 <= s.len and s[i] == '\\' and s[i + 1] == 'u') hex4(s, i + 2) else null;
                if (low) |y| {
                    i += 6;
                    const r: u21 = if (x < 0xdc00 and y >= 0xdc00 and y <= 0xdfff)
                        0x10000 + ((@as(u21, x) - 0xd800) << 10) + (@as(u21, y) - 0xdc00)
                    else
                        0xfffd;
                    try appendRune(allocator, &out, r);
                } else {
                    try out.appendSlice(allocator, "\\u");
                    try out.appendSlice(allocator, s[i - 4 .. i]);
                }
            },
            else => try out.appendSlice(allocator, &.{ '\\', e }),
        }
    }
    return out.items;
}

fn hex4(s: []const u8, at: usize) ?u21 {
    if (at + 4 > s.len) return null;
    return std.fmt.parseInt(u16, s[at..][0..4], 16) catch null;
}

fn appendRune(allocator: Allocator, out: *std.ArrayList(u8), r: u21) Allocator.Error!void {
    var buffer: [4]u8 = undefined;
    const len = std.unicode.utf8Encode(r, &buffer) catch std.unicode.utf8Encode(0xfffd, &buffer) catch unreachable; // U+FFFD encodes.
    try out.appendSlice(allocator, buffer[0..len]);
}

const testing = std.testing;

test "parses headers as fastjson does" {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    const a = arena.allocator();
    const doc = (try parse(a, "{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\"}")).ok;
    try testing.expectEqualStrings("HS256", (try getString(a, doc, "alg")).ok);
    // fastjson takes a lone `e` for a number.
    const e = (try parse(a, "e")).ok;
    try testing.expect(try getString(a, e, "alg") == .missing);
    const bad = (try parse(a, "{\"typ:\"JWT\",\r\n \"alg\":\"HS256\"}")).failed;
    try testing.expectEqualStrings("cannot parse object: missing ':' after object key", bad.reason);
    try testing.expectEqualStrings("cannot parse empty string", (try parse(a, "")).failed.reason);
    try testing.expectEqualStrings("a\"b\u{e9}", try unescape(a, "a\\\"b\\u00e9"));
}
