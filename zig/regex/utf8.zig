//! UTF-8 decoding with Go's semantics (unicode/utf8): every byte of an invalid
//! sequence decodes as U+FFFD with width 1, so matching never fails on bad input
//! and reports the same byte offsets as Go.
const std = @import("std");

pub const rune_error: u32 = 0xFFFD;
pub const max_rune: u32 = 0x10FFFF;

pub const Decoded = struct { rune: u32, width: u32 };

/// Decodes the first rune of `s`; width 0 only for an empty `s`.
pub fn decode(s: []const u8) Decoded {
    if (s.len == 0) return .{ .rune = rune_error, .width = 0 };
    const b0 = s[0];
    if (b0 < 0x80) return .{ .rune = b0, .width = 1 };
    const invalid: Decoded = .{ .rune = rune_error, .width = 1 };
    // Lead byte: sequence length and the allowed range of the second byte,
    // which excludes overlong forms, surrogates and runes past U+10FFFF.
    var len: u32 = undefined;
    var lo: u8 = 0x80;
    var hi: u8 = 0xBF;
    switch (b0) {
        0xC2...0xDF => len = 2,
        0xE0 => {
            len = 3;
            lo = 0xA0;
        },
        0xE1...0xEC, 0xEE...0xEF => len = 3,
        0xED => {
            len = 3;
            hi = 0x9F;
        },
        0xF0 => {
            len = 4;
            lo = 0x90;
        },
        0xF1...0xF3 => len = 4,
        0xF4 => {
            len = 4;
            hi = 0x8F;
        },
        else => return invalid,
    }
    if (s.len < len) return invalid;
    if (s[1] < lo or s[1] > hi) return invalid;
    var r: u32 = b0 & (@as(u32, 0x7F) >> @intCast(len));
    r = (r << 6) | (s[1] & 0x3F);
    var i: u32 = 2;
    while (i < len) : (i += 1) {
        if (s[i] < 0x80 or s[i] > 0xBF) return invalid;
        r = (r << 6) | (s[i] & 0x3F);
    }
    return .{ .rune = r, .width = len };
}

/// Decodes the last rune of `s` (Go's DecodeLastRuneInString).
pub fn decodeLast(s: []const u8) Decoded {
    if (s.len == 0) return .{ .rune = rune_error, .width = 0 };
    const end = s.len;
    if (s[end - 1] < 0x80) return .{ .rune = s[end - 1], .width = 1 };
    const limit = end -| 4;
    var start = end - 1;
    while (start > limit) {
        start -= 1;
        if (s[start] & 0xC0 != 0x80) break;
    }
    const d = decode(s[start..end]);
    if (start + d.width != end) return .{ .rune = rune_error, .width = 1 };
    return d;
}

/// Whether `s` is valid UTF-8; on failure `bad` is the offset of the first invalid byte.
pub fn firstInvalid(s: []const u8) ?usize {
    var i: usize = 0;
    while (i < s.len) {
        const d = decode(s[i..]);
        if (d.rune == rune_error and d.width == 1) return i;
        i += d.width;
    }
    return null;
}

/// Encodes `r` (at most U+10FFFF, surrogates become U+FFFD as in Go) into `buf`.
pub fn encode(r_in: u32, buf: *[4]u8) u32 {
    var r = r_in;
    if (r > max_rune or (r >= 0xD800 and r <= 0xDFFF)) r = rune_error;
    if (r < 0x80) {
        buf[0] = @intCast(r);
        return 1;
    }
    if (r < 0x800) {
        buf[0] = @intCast(0xC0 | (r >> 6));
        buf[1] = @intCast(0x80 | (r & 0x3F));
        return 2;
    }
    if (r < 0x10000) {
        buf[0] = @intCast(0xE0 | (r >> 12));
        buf[1] = @intCast(0x80 | ((r >> 6) & 0x3F));
        buf[2] = @intCast(0x80 | (r & 0x3F));
        return 3;
    }
    buf[0] = @intCast(0xF0 | (r >> 18));
    buf[1] = @intCast(0x80 | ((r >> 12) & 0x3F));
    buf[2] = @intCast(0x80 | ((r >> 6) & 0x3F));
    buf[3] = @intCast(0x80 | (r & 0x3F));
    return 4;
}

/// Bytes needed to encode `r` (Go's utf8.RuneLen for valid runes).
pub fn runeLen(r: u32) u32 {
    var buf: [4]u8 = undefined;
    return encode(r, &buf);
}

test "decode follows Go on valid and invalid input" {
    const t = std.testing;
    try t.expectEqual(Decoded{ .rune = 'a', .width = 1 }, decode("a"));
    try t.expectEqual(Decoded{ .rune = 0xE9, .width = 2 }, decode("é"));
    try t.expectEqual(Decoded{ .rune = 0x1F600, .width = 4 }, decode("\u{1F600}x"));
    try t.expectEqual(Decoded{ .rune = rune_error, .width = 1 }, decode("\xC0\x80")); // overlong
    try t.expectEqual(Decoded{ .rune = rune_error, .width = 1 }, decode("\xED\xA0\x80")); // surrogate
    try t.expectEqual(Decoded{ .rune = rune_error, .width = 1 }, decode("\xF4\x90\x80\x80")); // > U+10FFFF
    try t.expectEqual(Decoded{ .rune = rune_error, .width = 1 }, decode("\xE2\x82")); // truncated
    try t.expectEqual(Decoded{ .rune = rune_error, .width = 0 }, decode(""));
    try t.expectEqual(Decoded{ .rune = 0xE9, .width = 2 }, decodeLast("aé"));
    try t.expectEqual(Decoded{ .rune = rune_error, .width = 1 }, decodeLast("a\x82"));
    try t.expectEqual(Decoded{ .rune = rune_error, .width = 1 }, decodeLast("\xE2\x82\xAC\xAC"));
    try t.expectEqual(@as(?usize, 1), firstInvalid("a\xFFb"));
    try t.expectEqual(@as(?usize, null), firstInvalid("aé"));
}

test "encode round-trips" {
    var buf: [4]u8 = undefined;
    var r: u32 = 0;
    while (r <= max_rune) : (r += 0x35) {
        const n = encode(r, &buf);
        const d = decode(buf[0..n]);
        if (r >= 0xD800 and r <= 0xDFFF) {
            try std.testing.expectEqual(rune_error, d.rune);
        } else {
            try std.testing.expectEqual(r, d.rune);
        }
        try std.testing.expectEqual(n, d.width);
    }
}
