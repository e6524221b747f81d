//! S3-FIFO's ghost queue: the hashes of entries recently evicted from the small queue, so
//! a key that comes back soon after goes straight to the main queue.
//!
//! Kept as a direct-mapped table of fingerprints stamped with an insertion sequence number:
//! a fingerprint counts only while fewer than `capacity` ghosts were added after it, which
//! is a FIFO of `capacity` ghosts without a list, and collisions simply forget the older one.
const std = @import("std");
const assert = std.debug.assert;

pub const Ghost = struct {
    slots: []Slot,
    sequence: u32 = 0,

    const Slot = struct { fingerprint: u32 = 0, sequence: u32 = 0 };

    /// `capacity` is rounded up to a power of two.
    pub fn init(gpa: std.mem.Allocator, capacity: u32) error{OutOfMemory}!Ghost {
        const size = std.math.ceilPowerOfTwo(u32, @max(capacity, 16)) catch 1 << 31;
        const slots = try gpa.alloc(Slot, size);
        @memset(slots, .{});
        return .{ .slots = slots };
    }

    pub fn deinit(ghost: *Ghost, gpa: std.mem.Allocator) void {
        gpa.free(ghost.slots);
        ghost.* = undefined;
    }

    pub fn add(ghost: *Ghost, hash: u64) void {
        ghost.sequence +%= 1;
        ghost.slots[ghost.slotOf(hash)] = .{ .fingerprint = fingerprint(hash), .sequence = ghost.sequence };
    }

    /// True (and forgets it) when `hash` was added among the last `capacity` ghosts.
    pub fn take(ghost: *Ghost, hash: u64) bool {
        const slot = &ghost.slots[ghost.slotOf(hash)];
        if (slot.fingerprint != fingerprint(hash)) return false;
        const age = ghost.sequence -% slot.sequence;
        slot.* = .{};
        return age < ghost.slots.len;
    }

    pub fn clear(ghost: *Ghost) void {
        @memset(ghost.slots, .{});
    }

    fn slotOf(ghost: *const Ghost, hash: u64) usize {
        return @intCast(hash & (ghost.slots.len - 1));
    }

    /// Never 0, so an empty slot matches nothing. Taken from the high bits, which the slot index does not use.
    fn fingerprint(hash: u64) u32 {
        return @as(u32, @truncate(hash >> 32)) | 1;
    }
};

test "ghost: remembers recent hashes, forgets old ones" {
    var ghost: Ghost = try .init(std.testing.allocator, 16);
    defer ghost.deinit(std.testing.allocator);
    const h: u64 = 0xdead_beef_0000_0003;
    ghost.add(h);
    try std.testing.expect(ghost.take(h));
    try std.testing.expect(!ghost.take(h)); // taken once
    ghost.add(h);
    // 16 other ghosts in other slots age it out.
    var i: u64 = 0;
    while (i < 16) : (i += 1) ghost.add((i + 100) << 32 | 4 + (i % 8));
    try std.testing.expect(!ghost.take(h));
}
