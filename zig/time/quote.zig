//! Go's package time quotes values in its error messages with its own small
//! quote (not strconv.Quote): '"' and '\' escaped, and every byte of a
//! non-ASCII or control character written as \xNN. (Go walks runes, but an
//! escaped rune is escaped byte by byte, so walking bytes gives the same text.)
const std = @import("std");
const Allocator = std.mem.Allocator;

pub fn append(allocator: Allocator, out: *std.ArrayList(u8), s: []const u8) Allocator.Error!void {
    const hex = "0123456789abcdef";
    try out.append(allocator, '"');
    for (s) |c| {
        if (c < ' ' or c >= 0x80) {
            try out.appendSlice(allocator, &.{ '\\', 'x', hex[c >> 4], hex[c & 0xf] });
            continue;
        }
        if (c == '"' or c == '\\') try out.append(allocator, '\\');
        try out.append(allocator, c);
    }
    try out.append(allocator, '"');
}

pub fn quote(allocator: Allocator, s: []const u8) Allocator.Error![]const u8 {
    var out: std.ArrayList(u8) = .empty;
    try append(allocator, &out, s);
    return out.toOwnedSlice(allocator);
}

test "quotes as package time does" {
    const a = std.testing.allocator;
    const cases = [_][2][]const u8{
        .{ "2006", "\"2006\"" },
        .{ "a\"b\\c", "\"a\\\"b\\\\c\"" },
        .{ "\n\x7f", "\"\\x0a\x7f\"" },
        .{ "µs", "\"\\xc2\\xb5s\"" },
        .{ "\xff\xc2", "\"\\xff\\xc2\"" },
        .{ "\u{fffd}", "\"\\xef\\xbf\\xbd\"" },
        .{ "\xed\xa0\x80", "\"\\xed\\xa0\\x80\"" },
    };
    for (cases) |case| {
        const got = try quote(a, case[0]);
        defer a.free(got);
        try std.testing.expectEqualStrings(case[1], got);
    }
}
