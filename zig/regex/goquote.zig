//! Go's strconv.Quote (the %q of fmt), for error messages that embed
//! user text the way OPA's do.
const std = @import("std");
const unicode = @import("unicode.zig");
const utf8 = @import("utf8.zig");

/// Writes `s` as a double-quoted Go string literal: printable runes as they
/// are, the rest escaped; each invalid UTF-8 byte as \xNN.
pub fn quote(w: *std.Io.Writer, s: []const u8) std.Io.Writer.Error!void {
    return quoteWith(w, s, false);
}

/// strconv.QuoteToASCII: like `quote`, with every non-ASCII rune escaped.
pub fn quoteAscii(w: *std.Io.Writer, s: []const u8) std.Io.Writer.Error!void {
    return quoteWith(w, s, true);
}

/// strconv.CanBackquote: whether `s` can be a raw string literal.
pub fn canBackquote(s: []const u8) bool {
    var i: usize = 0;
    while (i < s.len) {
        const d = utf8.decode(s[i..]);
        i += d.width;
        if (d.width > 1) {
            if (d.rune == 0xFEFF) return false; // an invisible BOM
            continue;
        }
        if (d.rune == utf8.rune_error) return false;
        if ((d.rune < ' ' and d.rune != '\t') or d.rune == '`' or d.rune == 0x7F) return false;
    }
    return true;
}

fn quoteWith(w: *std.Io.Writer, s: []const u8, ascii_only: bool) std.Io.Writer.Error!void {
    const hex = "0123456789abcdef";
    try w.writeByte('"');
    var i: usize = 0;
    while (i < s.len) {
        const d = utf8.decode(s[i..]);
        if (d.rune == utf8.rune_error and d.width == 1) {
            try w.writeAll("\\x");
            try w.writeByte(hex[s[i] >> 4]);
            try w.writeByte(hex[s[i] & 0xF]);
            i += 1;
            continue;
        }
        const r = d.rune;
        i += d.width;
        if (r == '"' or r == '\\') {
            try w.writeByte('\\');
            try w.writeByte(@intCast(r));
            continue;
        }
        if (if (ascii_only) r < 0x80 and unicode.isPrint(r) else unicode.isPrint(r)) {
            var buf: [4]u8 = undefined;
            try w.writeAll(buf[0..utf8.encode(r, &buf)]);
            continue;
        }
        switch (r) {
            0x07 => try w.writeAll("\\a"),
            0x08 => try w.writeAll("\\b"),
            0x0C => try w.writeAll("\\f"),
            '\n' => try w.writeAll("\\n"),
            '\r' => try w.writeAll("\\r"),
            '\t' => try w.writeAll("\\t"),
            0x0B => try w.writeAll("\\v"),
            else => if (r < ' ' or r == 0x7F) {
                try w.writeAll("\\x");
                try w.writeByte(hex[r >> 4]);
                try w.writeByte(hex[r & 0xF]);
            } else if (r < 0x10000) {
                try w.print("\\u{x:0>4}", .{r});
            } else {
                try w.print("\\U{x:0>8}", .{r});
            },
        }
    }
    try w.writeByte('"');
}

test "quote like strconv.Quote" {
    var buf: [128]u8 = undefined;
    var w: std.Io.Writer = .fixed(&buf);
    try quote(&w, "a\"b\\\t\n\x01\x7f é\u{a0}\u{10ffff}\xff\u{1F600}");
    try std.testing.expectEqualStrings("\"a\\\"b\\\\\\t\\n\\x01\\x7f é\\u00a0\\U0010ffff\\xff\u{1F600}\"", w.buffered());
    w = .fixed(&buf);
    try quoteAscii(&w, "é\u{1F600}");
    try std.testing.expectEqualStrings("\"\\u00e9\\U0001f600\"", w.buffered());
    try std.testing.expect(canBackquote("a\tb") and !canBackquote("a`") and !canBackquote("\u{feff}") and !canBackquote("\xff"));
}
