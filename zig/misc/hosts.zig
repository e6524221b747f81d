//! The system hosts file, read as Go's resolver reads it (net/hosts.go):
//! "#" starts a comment, fields are separated by spaces, tabs and CRs, the
//! first field is an IP address and the others are names for it. Names match
//! case-insensitively (ASCII) and with or without a trailing dot.
const std = @import("std");
const builtin = @import("builtin");
const Allocator = std.mem.Allocator;
const goip = @import("goip.zig");

const path = if (builtin.os.tag == .windows) "C:\\Windows\\System32\\drivers\\etc\\hosts" else "/etc/hosts";

/// Hosts files larger than this are read only this far.
const max_bytes = 1 << 20;

/// The addresses (as written) listed for `name`, in file order; none when
/// the file cannot be read.
pub fn lookup(allocator: Allocator, name: []const u8) Allocator.Error![]const []const u8 {
    const text = read(allocator) catch |err| switch (err) {
        error.OutOfMemory => return error.OutOfMemory,
        else => return &.{},
    };
    return find(allocator, text, name);
}

fn read(allocator: Allocator) ![]const u8 {
    var file = try std.fs.cwd().openFile(path, .{});
    defer file.close();
    const size = @min(try file.getEndPos(), max_bytes);
    const buffer = try allocator.alloc(u8, size);
    const n = try file.readAll(buffer);
    return buffer[0..n];
}

/// Compares host names as Go's absDomainName keys do.
fn sameName(a: []const u8, b: []const u8) bool {
    const x = std.mem.trimRight(u8, a, ".");
    const y = std.mem.trimRight(u8, b, ".");
    // Only one trailing dot is implied: "a.." differs from "a.".
    if (a.len - x.len > 1 or b.len - y.len > 1) return std.ascii.eqlIgnoreCase(a, b);
    return std.ascii.eqlIgnoreCase(x, y);
}

fn find(allocator: Allocator, text: []const u8, name: []const u8) Allocator.Error![]const []const u8 {
    var addresses: std.ArrayList([]const u8) = .empty;
    var lines = std.mem.splitScalar(u8, text, '\n');
    while (lines.next()) |raw_line| {
        const line = raw_line[0 .. std.mem.indexOfScalar(u8, raw_line, '#') orelse raw_line.len];
        var fields = std.mem.tokenizeAny(u8, line, " \r\t");
        const address = fields.next() orelse continue;
        if (goip.parseAddr(address) == null) continue;
        while (fields.next()) |host| {
            if (sameName(host, name)) try addresses.append(allocator, address);
        }
    }
    return addresses.items;
}

const testing = std.testing;

test "find reads hosts lines as Go does" {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    const text = "# comment\n127.0.0.1 localhost   # trailing comment\r\n" ++
        "::1\tlocalhost ip6-localhost\nbogus localhost\n10.0.0.1 Example.COM. other\n10.0.0.2";
    const a = arena.allocator();
    const local = try find(a, text, "LocalHost.");
    try testing.expectEqual(@as(usize, 2), local.len);
    try testing.expectEqualStrings("127.0.0.1", local[0]);
    try testing.expectEqualStrings("::1", local[1]);
    try testing.expectEqual(@as(usize, 1), (try find(a, text, "example.com")).len);
    try testing.expectEqual(@as(usize, 0), (try find(a, text, "missing")).len);
}
