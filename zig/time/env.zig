//! Reading the process environment (TZ, ZONEINFO) from a library.
//!
//! On Linux the library links no libc and is loaded into a process it did not
//! start, so Zig's std.os.environ is never set up: the environment the process
//! started with is read from /proc/self/environ instead (Go, too, reads its
//! environment once at start). Where libc is linked (macOS), its environ is
//! current. Elsewhere (Windows) these variables are not consulted.
const std = @import("std");
const builtin = @import("builtin");
const Allocator = std.mem.Allocator;

/// The value of `key`, copied into `allocator`; null when unset or unreadable.
pub fn get(allocator: Allocator, key: []const u8) Allocator.Error!?[]const u8 {
    if (builtin.os.tag == .windows) return null;
    if (builtin.link_libc) {
        const value = std.posix.getenv(key) orelse return null;
        return try allocator.dupe(u8, value);
    }
    if (builtin.os.tag != .linux) return null;
    const environ = readProcEnviron(allocator) catch |err| switch (err) {
        error.OutOfMemory => return error.OutOfMemory,
        else => return null,
    };
    defer allocator.free(environ);
    const value = find(environ, key) orelse return null;
    return try allocator.dupe(u8, value);
}

/// The limit Linux puts on a process's arguments and environment together.
const max_environ_bytes = 32 << 20;

fn readProcEnviron(allocator: Allocator) ![]u8 {
    var file = try std.fs.cwd().openFile("/proc/self/environ", .{});
    defer file.close();
    var out: std.ArrayList(u8) = .empty;
    errdefer out.deinit(allocator);
    while (true) {
        try out.ensureUnusedCapacity(allocator, 4096);
        const n = try file.read(out.unusedCapacitySlice());
        if (n == 0) break;
        out.items.len += n;
        if (out.items.len > max_environ_bytes) return error.FileTooBig;
    }
    return out.toOwnedSlice(allocator);
}

/// The value of `key` in NUL-separated "KEY=value" entries.
fn find(environ: []const u8, key: []const u8) ?[]const u8 {
    var entries = std.mem.splitScalar(u8, environ, 0);
    while (entries.next()) |entry| {
        if (entry.len > key.len and entry[key.len] == '=' and std.mem.eql(u8, entry[0..key.len], key)) {
            return entry[key.len + 1 ..];
        }
    }
    return null;
}

test "find in NUL-separated entries" {
    const environ = "PATH=/bin\x00TZ=America/New_York\x00EMPTY=\x00TZX=no\x00";
    try std.testing.expectEqualStrings("America/New_York", find(environ, "TZ").?);
    try std.testing.expectEqualStrings("", find(environ, "EMPTY").?);
    try std.testing.expectEqual(@as(?[]const u8, null), find(environ, "ZONEINFO"));
    try std.testing.expectEqual(@as(?[]const u8, null), find(environ, "T"));
}

test "get reads this process's environment" {
    const path = try get(std.testing.allocator, "PATH");
    defer if (path) |p| std.testing.allocator.free(p);
    try std.testing.expect(path != null);
}
