//! An allocator that counts the bytes a cache holds, so its memory can be observed from
//! outside (`allocatedBytes` in the stats) and checked for growth in tests.
const std = @import("std");
const Alignment = std.mem.Alignment;

pub const CountingAllocator = struct {
    backing: std.mem.Allocator,
    /// Bytes currently allocated through this allocator (requested sizes, not the backing's rounding).
    live: std.atomic.Value(u64) = .init(0),

    pub fn init(backing: std.mem.Allocator) CountingAllocator {
        return .{ .backing = backing };
    }

    pub fn allocator(self: *CountingAllocator) std.mem.Allocator {
        return .{ .ptr = self, .vtable = &vtable };
    }

    pub fn bytes(self: *const CountingAllocator) u64 {
        return self.live.load(.monotonic);
    }

    const vtable: std.mem.Allocator.VTable = .{ .alloc = alloc, .resize = resize, .remap = remap, .free = free };

    fn alloc(ctx: *anyopaque, len: usize, alignment: Alignment, ret_addr: usize) ?[*]u8 {
        const self: *CountingAllocator = @ptrCast(@alignCast(ctx));
        const result = self.backing.rawAlloc(len, alignment, ret_addr) orelse return null;
        _ = self.live.fetchAdd(len, .monotonic);
        return result;
    }

    fn resize(ctx: *anyopaque, memory: []u8, alignment: Alignment, new_len: usize, ret_addr: usize) bool {
        const self: *CountingAllocator = @ptrCast(@alignCast(ctx));
        if (!self.backing.rawResize(memory, alignment, new_len, ret_addr)) return false;
        self.account(memory.len, new_len);
        return true;
    }

    fn remap(ctx: *anyopaque, memory: []u8, alignment: Alignment, new_len: usize, ret_addr: usize) ?[*]u8 {
        const self: *CountingAllocator = @ptrCast(@alignCast(ctx));
        const result = self.backing.rawRemap(memory, alignment, new_len, ret_addr) orelse return null;
        self.account(memory.len, new_len);
        return result;
    }

    fn free(ctx: *anyopaque, memory: []u8, alignment: Alignment, ret_addr: usize) void {
        const self: *CountingAllocator = @ptrCast(@alignCast(ctx));
        self.backing.rawFree(memory, alignment, ret_addr);
        _ = self.live.fetchSub(memory.len, .monotonic);
    }

    fn account(self: *CountingAllocator, old_len: usize, new_len: usize) void {
        if (new_len >= old_len) {
            _ = self.live.fetchAdd(new_len - old_len, .monotonic);
        } else {
            _ = self.live.fetchSub(old_len - new_len, .monotonic);
        }
    }
};

test "counts live bytes through alloc, resize and free" {
    var counting: CountingAllocator = .init(std.testing.allocator);
    const a = counting.allocator();
    const buf = try a.alloc(u8, 100);
    try std.testing.expectEqual(@as(u64, 100), counting.bytes());
    const grown = try a.realloc(buf, 300);
    try std.testing.expectEqual(@as(u64, 300), counting.bytes());
    a.free(grown);
    try std.testing.expectEqual(@as(u64, 0), counting.bytes());
}
