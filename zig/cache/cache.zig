//! The in-process decision cache, shared by every thread of the process.
//! (This version holds no entries yet: storage and eviction land in a later change.)
const std = @import("std");

pub const Cache = struct {
    gpa: std.mem.Allocator,

    pub fn create(gpa: std.mem.Allocator) error{OutOfMemory}!*Cache {
        const cache = try gpa.create(Cache);
        cache.* = .{ .gpa = gpa };
        return cache;
    }

    pub fn destroy(cache: *Cache) void {
        const gpa = cache.gpa;
        cache.* = undefined;
        gpa.destroy(cache);
    }
};

test "a cache is created and destroyed without leaks" {
    const cache = try Cache.create(std.testing.allocator);
    cache.destroy();
}
