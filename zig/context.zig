//! Per-caller state: one context per JS thread (main thread or worker).
//!
//! It holds what a call leaves behind for the caller to read: the detail of the
//! last error, and a result that did not fit the caller's buffer. It also owns
//! the scratch arena that calls reset and reuse, so a hot call allocates nothing
//! once the arena has grown. A context is not thread-safe, by design: sharing one
//! between threads is a caller bug; engines and caches are the shared objects.
const std = @import("std");
const Status = @import("status.zig").Status;

/// A failure already recorded on the context (`last_status`, `error_detail`).
pub const Reported = error{Reported};

pub const Context = struct {
    gpa: std.mem.Allocator,
    scratch: std.heap.ArenaAllocator,
    /// Bytes of the last result that did not fit; empty when none is pending.
    pending: std.ArrayList(u8) = .empty,
    has_pending: bool = false,
    /// JSON detail of the last error: {"code":..,"message":..,...}.
    error_detail: std.ArrayList(u8) = .empty,
    /// Status of the last failure recorded by `fail`, for helpers that return `error.Reported`.
    last_status: Status = .ok,
    /// Output of `print` during the last evaluation that asked for it to be captured.
    prints: std.ArrayList(u8) = .empty,

    pub fn init(gpa: std.mem.Allocator) Context {
        return .{ .gpa = gpa, .scratch = .init(gpa) };
    }

    pub fn deinit(self: *Context) void {
        self.scratch.deinit();
        self.pending.deinit(self.gpa);
        self.error_detail.deinit(self.gpa);
        self.prints.deinit(self.gpa);
        self.* = undefined;
    }

    /// Starts a call: drops what the previous call left and returns a fresh scratch allocator.
    pub fn begin(self: *Context) std.mem.Allocator {
        // Keep up to 1 MiB of scratch between calls; a huge call should not pin its memory.
        _ = self.scratch.reset(.{ .retain_with_limit = 1 << 20 });
        self.pending.clearRetainingCapacity();
        self.has_pending = false;
        return self.scratch.allocator();
    }

    /// Records an error detail and returns its status for the caller to pass on.
    pub fn fail(self: *Context, status: Status, comptime fmt: []const u8, args: anytype) Status {
        std.debug.assert(status.code() < 0);
        self.last_status = status;
        self.error_detail.clearRetainingCapacity();
        var out: std.Io.Writer.Allocating = .fromArrayList(self.gpa, &self.error_detail);
        defer self.error_detail = out.toArrayList();
        writeDetail(&out.writer, status, fmt, args) catch {
            // Out of memory while describing an error: keep the code, drop the text.
            out.clearRetainingCapacity();
        };
        return status;
    }

    /// Records an error detail given as a complete JSON object (already serialized).
    pub fn failWithJson(self: *Context, status: Status, detail_json: []const u8) Status {
        std.debug.assert(status.code() < 0);
        self.last_status = status;
        self.error_detail.clearRetainingCapacity();
        self.error_detail.appendSlice(self.gpa, detail_json) catch {};
        return status;
    }

    fn writeDetail(w: *std.Io.Writer, status: Status, comptime fmt: []const u8, args: anytype) !void {
        try w.writeAll("{\"code\":\"");
        try w.writeAll(status.name());
        try w.writeAll("\",\"message\":");
        var message_buf: [1024]u8 = undefined;
        const message = std.fmt.bufPrint(&message_buf, fmt, args) catch message_buf[0..];
        try writeJsonString(w, message);
        try w.writeAll("}");
    }
};

/// Writes `text` as a JSON string literal (text is assumed UTF-8; control bytes escaped).
pub fn writeJsonString(w: *std.Io.Writer, text: []const u8) std.Io.Writer.Error!void {
    try w.writeByte('"');
    var start: usize = 0;
    for (text, 0..) |byte, i| {
        const escape: ?[]const u8 = switch (byte) {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            else => null,
        };
        if (escape == null and byte >= 0x20) continue;
        try w.writeAll(text[start..i]);
        if (escape) |e| try w.writeAll(e) else try w.print("\\u{x:0>4}", .{byte});
        start = i + 1;
    }
    try w.writeAll(text[start..]);
    try w.writeByte('"');
}

test "error detail is JSON with code and message" {
    var ctx: Context = .init(std.testing.allocator);
    defer ctx.deinit();
    const status = ctx.fail(.invalid_json, "bad \"thing\" at {d}\n", .{3});
    try std.testing.expectEqual(Status.invalid_json, status);
    try std.testing.expectEqualStrings(
        "{\"code\":\"invalid_json\",\"message\":\"bad \\\"thing\\\" at 3\\n\"}",
        ctx.error_detail.items,
    );
}
