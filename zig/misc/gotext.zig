//! Small pieces of Go's strings and unicode/utf8 packages that several misc
//! builtins need byte-for-byte: Go decodes invalid UTF-8 as (U+FFFD, 1).
const std = @import("std");
const Allocator = std.mem.Allocator;
const strings = @import("../builtins/strings.zig");

pub const rune_error = strings.rune_error;
pub const Rune = strings.Rune;

/// utf8.DecodeRuneInString, including the empty string: (U+FFFD, 0).
pub fn decode(s: []const u8) Rune {
    if (s.len == 0) return .{ .code = rune_error, .len = 0 };
    return strings.decodeRune(s);
}

/// utf8.EncodeRune (invalid runes as U+FFFD).
pub fn encode(r: u21, buffer: *[4]u8) []const u8 {
    return strings.encodeRune(r, buffer);
}

/// utf8.RuneLen: bytes to encode `r`, -1 when it cannot be encoded.
pub fn runeLen(r: i32) i32 {
    if (r < 0) return -1;
    if (r < 0x80) return 1;
    if (r < 0x800) return 2;
    if (r >= 0xd800 and r <= 0xdfff) return -1;
    if (r < 0x10000) return 3;
    if (r <= 0x10ffff) return 4;
    return -1;
}

/// strings.ToLower: Unicode simple lowercase; invalid bytes become U+FFFD.
pub fn toLower(allocator: Allocator, s: []const u8) Allocator.Error![]const u8 {
    var out: std.ArrayList(u8) = .empty;
    try out.ensureTotalCapacity(allocator, s.len);
    var i: usize = 0;
    while (i < s.len) {
        const r = strings.decodeRune(s[i..]);
        try strings.appendRune(&out, allocator, strings.toLowerRune(r.code));
        i += r.len;
    }
    return out.items;
}

/// strings.IndexRune: the byte index of the first `r`; for U+FFFD, of the
/// first invalid byte or real U+FFFD; -1 when absent. Negative or
/// out-of-range runes are never found.
pub fn indexRune(s: []const u8, r: i32) ?usize {
    if (r >= 0 and r < 0x80) return std.mem.indexOfScalar(u8, s, @intCast(r));
    var i: usize = 0;
    while (i < s.len) {
        const d = strings.decodeRune(s[i..]);
        if (d.code == r) return i;
        i += d.len;
    }
    return null;
}

const testing = std.testing;

test "toLower maps runes and replaces invalid bytes" {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    try testing.expectEqualStrings("abcé", try toLower(arena.allocator(), "AbCÉ"));
    try testing.expectEqualStrings("a\u{fffd}b", try toLower(arena.allocator(), "A\xa9B"));
}

test "indexRune finds runes and invalid bytes" {
    try testing.expectEqual(@as(?usize, 1), indexRune("aéb", 0xe9));
    try testing.expectEqual(@as(?usize, 1), indexRune("a\xffb", 0xfffd));
    try testing.expectEqual(@as(?usize, null), indexRune("abc", 'x'));
    try testing.expectEqual(@as(i32, 3), runeLen(0xfffd));
}
