//! Base64 as Go's encoding/base64 decodes it, which OPA's crypto and JWT
//! builtins inherit: padded decoding that skips '\r' and '\n' anywhere and
//! ignores trailing bits, failing with the offset Go reports in
//! "illegal base64 data at input byte N".
const std = @import("std");
const Allocator = std.mem.Allocator;

pub const Alphabet = enum { standard, url };

pub const Decoded = union(enum) {
    ok: []u8,
    /// Offset of the offending byte, as in Go's CorruptInputError.
    corrupt: usize,
};

/// Go's `base64.StdEncoding.DecodeString` / `base64.URLEncoding.DecodeString`.
pub fn decode(allocator: Allocator, text: []const u8, alphabet: Alphabet) Allocator.Error!Decoded {
    return decodePadding(allocator, text, alphabet, true);
}

/// Go's Raw encodings when `padded` is false: no '=' allowed, a final
/// partial quantum of 2 or 3 symbols accepted.
pub fn decodePadding(allocator: Allocator, text: []const u8, alphabet: Alphabet, padded: bool) Allocator.Error!Decoded {
    return switch (alphabet) {
        .standard => decodeWith(allocator, text, comptime decodeMap(std.base64.standard_alphabet_chars), padded),
        .url => decodeWith(allocator, text, comptime decodeMap(std.base64.url_safe_alphabet_chars), padded),
    };
}

/// jwx's base64 decoding of JWK members: the encoding is guessed from the
/// text (padded if it ends in '=', standard if it has '+' or '/').
pub fn decodeGuessing(allocator: Allocator, text: []const u8) Allocator.Error!Decoded {
    const padded = std.mem.endsWith(u8, text, "=");
    const alphabet: Alphabet = if (std.mem.indexOfAny(u8, text, "+/") != null) .standard else .url;
    return decodePadding(allocator, text, alphabet, padded);
}

/// OPA's base64url.decode (and thus JWT segment decoding): unpadded input
/// is padded first (RFC 7515 appendix C); a length of 1 mod 4 without
/// padding is reported as `.bad_length`.
pub fn decodeUrlLenient(allocator: Allocator, text: []const u8) Allocator.Error!union(enum) { ok: []u8, corrupt: usize, bad_length } {
    var padded = text;
    if (!std.mem.endsWith(u8, text, "=")) {
        const padding: []const u8 = switch (text.len % 4) {
            0 => "",
            2 => "==",
            3 => "=",
            else => return .bad_length,
        };
        if (padding.len > 0) padded = try std.mem.concat(allocator, u8, &.{ text, padding });
    }
    return switch (try decode(allocator, padded, .url)) {
        .ok => |bytes| .{ .ok = bytes },
        .corrupt => |at| .{ .corrupt = at },
    };
}

/// Unpadded URL-safe encoding (Go's base64.RawURLEncoding), used by JWS.
pub fn encodeRawUrl(allocator: Allocator, bytes: []const u8) Allocator.Error![]u8 {
    const encoder = std.base64.url_safe_no_pad.Encoder;
    const out = try allocator.alloc(u8, encoder.calcSize(bytes.len));
    return @constCast(encoder.encode(out, bytes));
}

/// Padded standard encoding (Go's base64.StdEncoding), as encoding/json
/// writes byte slices.
pub fn encodeStandard(allocator: Allocator, bytes: []const u8) Allocator.Error![]u8 {
    const encoder = std.base64.standard.Encoder;
    const out = try allocator.alloc(u8, encoder.calcSize(bytes.len));
    return @constCast(encoder.encode(out, bytes));
}

fn decodeMap(comptime alphabet: [64]u8) [256]u8 {
    var map = [_]u8{0xff} ** 256;
    for (alphabet, 0..) |c, i| map[c] = i;
    return map;
}

fn decodeWith(allocator: Allocator, text: []const u8, comptime map: [256]u8, padded: bool) Allocator.Error!Decoded {
    const out = try allocator.alloc(u8, (text.len / 4 + 1) * 3);
    var n: usize = 0;
    var si: usize = 0;
    // One quantum (up to 4 symbols, or fewer before padding) per iteration.
    quantum: while (si < text.len) {
        var symbols: [4]u8 = .{ 0, 0, 0, 0 };
        var count: usize = 0;
        while (count < 4) {
            if (si == text.len) {
                if (count == 0) break :quantum;
                if (count == 1 or padded) return .{ .corrupt = si - count };
                break;
            }
            const c = text[si];
            si += 1;
            if (map[c] != 0xff) {
                symbols[count] = map[c];
                count += 1;
                continue;
            }
            if (c == '\n' or c == '\r') continue;
            if (c != '=' or count < 2 or !padded) return .{ .corrupt = si - 1 };
            // Padding: "==" after two symbols, "=" after three, then only newlines.
            if (count == 2) {
                si = skipNewlines(text, si);
                if (si == text.len) return .{ .corrupt = text.len };
                if (text[si] != '=') return .{ .corrupt = si - 1 };
                si += 1;
            }
            si = skipNewlines(text, si);
            if (si < text.len) return .{ .corrupt = si };
            break;
        }
        const bits = @as(u24, symbols[0]) << 18 | @as(u24, symbols[1]) << 12 | @as(u24, symbols[2]) << 6 | symbols[3];
        const bytes = [3]u8{ @truncate(bits >> 16), @truncate(bits >> 8), @truncate(bits) };
        @memcpy(out[n..][0 .. count - 1], bytes[0 .. count - 1]);
        n += count - 1;
    }
    return .{ .ok = out[0..n] };
}

fn skipNewlines(text: []const u8, start: usize) usize {
    var i = start;
    while (i < text.len and (text[i] == '\n' or text[i] == '\r')) i += 1;
    return i;
}

const testing = std.testing;

test "decodes like Go's StdEncoding" {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    const a = arena.allocator();
    try testing.expectEqualStrings("hello", (try decode(a, "aGVs\nbG8=", .standard)).ok);
    try testing.expectEqual(@as(usize, 0), (try decode(a, "aGV", .standard)).corrupt);
    try testing.expectEqual(@as(usize, 1), (try decode(a, "a*", .standard)).corrupt);
    try testing.expectEqualStrings("", (try decode(a, "", .standard)).ok);
    try testing.expectEqualStrings("hello", (try decodePadding(a, "aGVsbG8", .standard, false)).ok);
    try testing.expectEqual(@as(usize, 7), (try decodePadding(a, "aGVsbG8=", .standard, false)).corrupt);
    try testing.expectEqualStrings("\xfb\xff", (try decodeGuessing(a, "-_8")).ok);
}

test "OPA's base64url pads before decoding" {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    const a = arena.allocator();
    try testing.expectEqualStrings("{}", (try decodeUrlLenient(a, "e30")).ok);
    try testing.expect(try decodeUrlLenient(a, "abcde") == .bad_length);
    try testing.expectEqualStrings("e30", try encodeRawUrl(a, "{}"));
}
