//! Whether Go's net/mail.ParseAddress accepts a string: gojsonschema's
//! "email" and "idn-email" formats. A port of its address grammar (RFC 5322
//! mailbox or single-address group, quoted strings, comments, domain
//! literals holding an IP, RFC 2047 words whose charset Go cannot read),
//! answering yes or no only.
const std = @import("std");
const goip = @import("../../misc/goip.zig");

pub fn isAddress(allocator: std.mem.Allocator, s: []const u8) std.mem.Allocator.Error!bool {
    var p: Parser = .{ .s = s, .allocator = allocator };
    return p.parseSingleAddress() catch |err| switch (err) {
        error.OutOfMemory => error.OutOfMemory,
    };
}

const Parser = struct {
    s: []const u8,
    allocator: std.mem.Allocator,

    fn parseSingleAddress(p: *Parser) std.mem.Allocator.Error!bool {
        const count = try p.parseAddress(true) orelse return false;
        if (!try p.skipCFWS()) return false;
        if (p.s.len != 0) return false;
        return count == 1;
    }

    /// The number of addresses read (a group may hold several), or null.
    fn parseAddress(p: *Parser, handle_group: bool) std.mem.Allocator.Error!?usize {
        p.skipSpace();
        if (p.s.len == 0) return null;
        if (p.consumeAddrSpec()) {
            p.skipSpace();
            if (p.s.len > 0 and p.s[0] == '(') {
                if (!try p.consumeDisplayNameComment()) return null;
            }
            return 1;
        }
        if (p.s[0] != '<') {
            if (!try p.consumePhrase()) return null;
        }
        p.skipSpace();
        if (handle_group and p.consume(':')) return p.consumeGroupList();
        if (!p.consume('<')) return null;
        if (!p.consumeAddrSpec()) return null;
        if (!p.consume('>')) return null;
        return 1;
    }

    fn consumeGroupList(p: *Parser) std.mem.Allocator.Error!?usize {
        var count: usize = 0;
        p.skipSpace();
        if (p.consume(';')) {
            if (!try p.skipCFWS()) return null;
            return 0;
        }
        while (true) {
            p.skipSpace();
            count += try p.parseAddress(false) orelse return null;
            if (!try p.skipCFWS()) return null;
            if (p.consume(';')) {
                if (!try p.skipCFWS()) return null;
                break;
            }
            if (!p.consume(',')) return null;
        }
        return count;
    }

    /// consumeAddrSpec; on failure the input is left as it was.
    fn consumeAddrSpec(p: *Parser) bool {
        const orig = p.s;
        if (!p.addrSpec()) {
            p.s = orig;
            return false;
        }
        return true;
    }

    fn addrSpec(p: *Parser) bool {
        p.skipSpace();
        if (p.s.len == 0) return false;
        if (p.s[0] == '"') {
            const local = p.consumeQuotedString() orelse return false;
            if (local == 0) return false;
        } else {
            if (!p.consumeAtom(true, false)) return false;
        }
        if (!p.consume('@')) return false;
        p.skipSpace();
        if (p.s.len == 0) return false;
        if (p.s[0] == '[') return p.consumeDomainLiteral();
        return p.consumeAtom(true, false);
    }

    /// consumePhrase: words until one fails; fails only with no word at all.
    /// Encoded words are joined until a plain one follows, as Go counts them.
    fn consumePhrase(p: *Parser) std.mem.Allocator.Error!bool {
        var words: usize = 0;
        var pending = false;
        var failed = false;
        while (true) {
            if (words > 0) {
                if (!try p.skipCFWS()) return false;
            }
            p.skipSpace();
            if (p.s.len == 0) break;
            var encoded = false;
            if (p.s[0] == '"') {
                if (p.consumeQuotedString() == null) {
                    failed = true;
                    break;
                }
            } else {
                const start = p.s;
                if (!p.consumeAtom(true, true)) {
                    failed = true;
                    break;
                }
                switch (classify(start[0 .. start.len - p.s.len])) {
                    .plain => {},
                    .charset_error => {
                        failed = true;
                        break;
                    },
                    .decoded_empty => encoded = true,
                    .decoded => {
                        encoded = true;
                        pending = true;
                    },
                }
            }
            if (encoded) continue;
            words += if (pending) 2 else 1;
            pending = false;
        }
        if (pending) words += 1;
        return !(failed and words == 0);
    }

    /// The number of runes read, or null.
    fn consumeQuotedString(p: *Parser) ?usize {
        var i: usize = 1;
        var runes: usize = 0;
        var escaped = false;
        while (true) {
            if (i >= p.s.len) return null;
            const size = std.unicode.utf8ByteSequenceLength(p.s[i]) catch return null;
            if (i + size > p.s.len) return null;
            const r = std.unicode.utf8Decode(p.s[i .. i + size]) catch return null;
            if (escaped) {
                if (!isVchar(r) and !isWSP(r)) return null;
                runes += 1;
                escaped = false;
            } else if (isQtext(r) or isWSP(r)) {
                runes += 1;
            } else if (r == '"') {
                break;
            } else if (r == '\\') {
                escaped = true;
            } else {
                return null;
            }
            i += size;
        }
        p.s = p.s[i + 1 ..];
        return runes;
    }

    fn consumeAtom(p: *Parser, dot: bool, permissive: bool) bool {
        var i: usize = 0;
        while (i < p.s.len) {
            const size = std.unicode.utf8ByteSequenceLength(p.s[i]) catch return false;
            if (i + size > p.s.len) return false;
            const r = std.unicode.utf8Decode(p.s[i .. i + size]) catch return false;
            if (!isAtext(r, dot)) break;
            i += size;
        }
        if (i == 0) return false;
        const atom = p.s[0..i];
        p.s = p.s[i..];
        if (!permissive) {
            if (std.mem.startsWith(u8, atom, ".")) return false;
            if (std.mem.indexOf(u8, atom, "..") != null) return false;
            if (std.mem.endsWith(u8, atom, ".")) return false;
        }
        return true;
    }

    fn consumeDomainLiteral(p: *Parser) bool {
        if (!p.consume('[')) return false;
        const start = p.s;
        while (true) {
            if (p.s.len == 0) return false;
            if (p.s[0] == ']') break;
            const size = std.unicode.utf8ByteSequenceLength(p.s[0]) catch return false;
            if (size > p.s.len) return false;
            const r = std.unicode.utf8Decode(p.s[0..size]) catch return false;
            if (!isDtext(r)) return false;
            p.s = p.s[size..];
        }
        const dtext = start[0 .. start.len - p.s.len];
        if (!p.consume(']')) return false;
        return goip.parseIP(dtext) != null;
    }

    fn consumeDisplayNameComment(p: *Parser) std.mem.Allocator.Error!bool {
        if (!p.consume('(')) return false;
        const comment = try p.consumeComment() orelse return false;
        var words = std.mem.tokenizeAny(u8, comment, " \t");
        while (words.next()) |word| if (classify(word) == .charset_error) return false;
        return true;
    }

    fn consume(p: *Parser, c: u8) bool {
        if (p.s.len == 0 or p.s[0] != c) return false;
        p.s = p.s[1..];
        return true;
    }

    fn skipSpace(p: *Parser) void {
        p.s = std.mem.trimLeft(u8, p.s, " \t");
    }

    fn skipCFWS(p: *Parser) std.mem.Allocator.Error!bool {
        p.skipSpace();
        while (p.consume('(')) {
            _ = try p.consumeComment() orelse return false;
            p.skipSpace();
        }
        return true;
    }

    /// The comment after '(' up to its matching ')', escapes resolved;
    /// null when unclosed.
    fn consumeComment(p: *Parser) std.mem.Allocator.Error!?[]const u8 {
        var depth: usize = 1;
        var text: std.ArrayList(u8) = .empty;
        while (p.s.len > 0 and depth > 0) {
            if (p.s[0] == '\\' and p.s.len > 1) {
                p.s = p.s[1..];
            } else if (p.s[0] == '(') {
                depth += 1;
            } else if (p.s[0] == ')') {
                depth -= 1;
            }
            if (depth > 0) try text.append(p.allocator, p.s[0]);
            p.s = p.s[1..];
        }
        if (depth != 0) return null;
        return text.items;
    }
};

const WordKind = enum { plain, decoded, decoded_empty, charset_error };

/// What decodeRFC2047Word makes of an atom: not an encoded word (or one Go
/// ignores as malformed), a decoded one (empty or not), or a well-formed one
/// whose charset Go's default decoder cannot read (an error).
fn classify(word: []const u8) WordKind {
    if (word.len < 8 or !std.mem.startsWith(u8, word, "=?") or !std.mem.endsWith(u8, word, "?=")) return .plain;
    if (std.mem.count(u8, word, "?") != 4) return .plain;
    const inner = word[2 .. word.len - 2];
    const q1 = std.mem.indexOfScalar(u8, inner, '?').?;
    const charset = inner[0..q1];
    if (charset.len == 0) return .plain;
    const rest = inner[q1 + 1 ..];
    const q2 = std.mem.indexOfScalar(u8, rest, '?').?;
    const encoding = rest[0..q2];
    const text = rest[q2 + 1 ..];
    if (encoding.len != 1) return .plain;
    const decodes = switch (encoding[0]) {
        'B', 'b' => base64Valid(text),
        'Q', 'q' => qValid(text),
        else => false,
    };
    if (!decodes) return .plain;
    for ([_][]const u8{ "utf-8", "iso-8859-1", "us-ascii" }) |known| {
        // Every non-empty text decodes to at least one byte.
        if (std.ascii.eqlIgnoreCase(known, charset)) return if (text.len == 0) .decoded_empty else .decoded;
    }
    return .charset_error;
}

/// base64.StdEncoding.DecodeString succeeds (padded, standard alphabet).
fn base64Valid(text: []const u8) bool {
    if (text.len % 4 != 0) return false;
    var padding: usize = 0;
    for (text, 0..) |c, i| {
        if (c == '=') {
            padding += 1;
            if (i + 2 < text.len) return false;
            continue;
        }
        if (padding > 0) return false;
        if (!(std.ascii.isAlphanumeric(c) or c == '+' or c == '/')) return false;
    }
    return padding <= 2;
}

fn qValid(text: []const u8) bool {
    var i: usize = 0;
    while (i < text.len) : (i += 1) {
        const c = text[i];
        if (c == '=') {
            if (i + 2 >= text.len) return false;
            if (!std.ascii.isHex(text[i + 1]) or !std.ascii.isHex(text[i + 2])) return false;
            i += 2;
        } else if (!(c == '_' or (c >= ' ' and c <= '~') or c == '\n' or c == '\r' or c == '\t')) {
            return false;
        }
    }
    return true;
}

fn isAtext(r: u21, dot: bool) bool {
    return switch (r) {
        '.' => dot,
        '(', ')', '<', '>', '[', ']', ':', ';', '@', '\\', ',', '"' => false,
        else => isVchar(r),
    };
}

fn isQtext(r: u21) bool {
    if (r == '\\' or r == '"') return false;
    return isVchar(r);
}

fn isVchar(r: u21) bool {
    return (r >= '!' and r <= '~') or r >= 0x80;
}

fn isWSP(r: u21) bool {
    return r == ' ' or r == '\t';
}

fn isDtext(r: u21) bool {
    if (r == '[' or r == ']' or r == '\\') return false;
    return isVchar(r);
}

test "addresses as net/mail.ParseAddress takes them" {
    var arena: std.heap.ArenaAllocator = .init(std.testing.allocator);
    defer arena.deinit();
    const valid = [_][]const u8{
        "a@b.c",
        "john.doe@example.com",
        "John Doe <john@example.com>",
        "\"quoted name\"@example.com",
        "user@[127.0.0.1]",
        "a@b (comment)",
        "group: a@b.c;",
        "<a@b>",
        "=?utf-8?q?J=C3=B6rg?= <j@example.com>",
        "user@localhost",
        "δοκιμή@παράδειγμα.δοκιμή",
    };
    for (valid) |s| std.testing.expect(try isAddress(arena.allocator(), s)) catch |err| {
        std.debug.print("expected valid: {s}\n", .{s});
        return err;
    };
    const invalid = [_][]const u8{
        "",
        "plainaddress",
        "@example.com",
        "a@",
        "a..b@example.com",
        ".a@example.com",
        "a@b@c",
        "a@[300.1.1.1]",
        "John Doe",
        "group: ;",
        "group: a@b.c, d@e.f;",
        "a@b (unclosed",
        "=?x-unknown?q?abc?= <j@example.com>",
        "a@b (=?x-unknown?q?abc?=)",
        "a b@c",
        "=?utf-8?q?a?= (c) <x@y>",
        "a@b (x\\ =?x-y?q?z?=)",
    };
    for (invalid) |s| std.testing.expect(!try isAddress(arena.allocator(), s)) catch |err| {
        std.debug.print("expected invalid: {s}\n", .{s});
        return err;
    };
}
