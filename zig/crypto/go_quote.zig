//! Go's %q (strconv.Quote) as a formatter, for the Go error messages the
//! crypto builtins reproduce: `print("{f}", .{quoted(s)})`.
const std = @import("std");
const types = @import("../builtins/types.zig");

pub fn quoted(s: []const u8) Quoted {
    return .{ .s = s };
}

pub const Quoted = struct {
    s: []const u8,

    pub fn format(self: Quoted, w: *std.Io.Writer) std.Io.Writer.Error!void {
        return types.writeGoQuoted(w, self.s);
    }
};

test "quotes as strconv.Quote" {
    var buffer: [64]u8 = undefined;
    const got = try std.fmt.bufPrint(&buffer, "{f}", .{quoted("a\"b\n\xff")});
    try std.testing.expectEqualStrings("\"a\\\"b\\n\\xff\"", got);
}
