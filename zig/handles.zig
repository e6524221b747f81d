//! Maps the u32 handles that cross the FFI to native objects.
//!
//! A handle is `generation << 16 | (slot + 1)`: zero is never valid, and a freed
//! handle stops resolving because its slot's generation moves on. Allocation and
//! release take a mutex; lookup is lock-free (atomic loads) so hot calls never
//! contend. Using a handle while another thread frees it is the caller's bug; the
//! table only guarantees that a handle freed *before* the call is rejected.
const std = @import("std");
const assert = std.debug.assert;

pub fn Table(comptime T: type, comptime capacity: u16) type {
    comptime assert(capacity > 0 and capacity < std.math.maxInt(u16));
    return struct {
        const Self = @This();
        const Slot = struct {
            object: std.atomic.Value(?*T) = .init(null),
            generation: std.atomic.Value(u16) = .init(0),
        };

        mutex: std.Thread.Mutex = .{},
        slots: [capacity]Slot = [_]Slot{.{}} ** capacity,

        pub const Error = error{TooManyHandles};

        pub fn put(self: *Self, object: *T) Error!u32 {
            self.mutex.lock();
            defer self.mutex.unlock();
            for (&self.slots, 0..) |*slot, index| {
                if (slot.object.load(.monotonic) != null) continue;
                const generation = slot.generation.load(.monotonic);
                slot.object.store(object, .release);
                return encode(@intCast(index), generation);
            }
            return error.TooManyHandles;
        }

        pub fn get(self: *Self, handle: u32) ?*T {
            const slot = self.slotOf(handle) orelse return null;
            if (slot.generation.load(.acquire) != generationOf(handle)) return null;
            return slot.object.load(.acquire);
        }

        /// Releases the handle and returns its object, or null when it was not live.
        pub fn remove(self: *Self, handle: u32) ?*T {
            self.mutex.lock();
            defer self.mutex.unlock();
            const slot = self.slotOf(handle) orelse return null;
            if (slot.generation.load(.monotonic) != generationOf(handle)) return null;
            const object = slot.object.load(.monotonic) orelse return null;
            slot.generation.store(slot.generation.load(.monotonic) +% 1, .release);
            slot.object.store(null, .release);
            return object;
        }

        fn slotOf(self: *Self, handle: u32) ?*Slot {
            const low: u16 = @truncate(handle);
            if (low == 0 or low > capacity) return null;
            return &self.slots[low - 1];
        }

        fn encode(index: u16, generation: u16) u32 {
            return (@as(u32, generation) << 16) | (@as(u32, index) + 1);
        }

        fn generationOf(handle: u32) u16 {
            return @truncate(handle >> 16);
        }
    };
}

test "handles resolve until removed, and stale handles are rejected" {
    var table: Table(u64, 2) = .{};
    var a: u64 = 1;
    var b: u64 = 2;
    var c: u64 = 3;
    const ha = try table.put(&a);
    const hb = try table.put(&b);
    try std.testing.expectError(error.TooManyHandles, table.put(&c));
    try std.testing.expectEqual(&a, table.get(ha).?);
    try std.testing.expectEqual(&b, table.get(hb).?);
    try std.testing.expectEqual(&a, table.remove(ha).?);
    try std.testing.expect(table.get(ha) == null);
    try std.testing.expect(table.remove(ha) == null);
    const hc = try table.put(&c);
    try std.testing.expect(hc != ha); // same slot, new generation
    try std.testing.expect(table.get(ha) == null);
    try std.testing.expectEqual(&c, table.get(hc).?);
    try std.testing.expect(table.get(0) == null);
    try std.testing.expect(table.get(0xffff_ffff) == null);
}
