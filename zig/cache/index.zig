//! A shard's key index: open addressing with linear probing and backward-shift deletion,
//! so removals leave no tombstones and a steady working set never makes the table grow.
//! The table doubles when it would pass 3/4 full and is freed only by `deinit`/`reset`.
const std = @import("std");
const assert = std.debug.assert;
const Entry = @import("entry.zig").Entry;

pub const Index = struct {
    slots: []Slot = &.{},
    count: u32 = 0,

    const Slot = struct { hash: u64 = 0, entry: ?*Entry = null };
    const min_capacity = 16;

    pub fn deinit(index: *Index, gpa: std.mem.Allocator) void {
        gpa.free(index.slots);
        index.* = .{};
    }

    pub fn find(index: *const Index, hash: u64, key: []const u8) ?*Entry {
        if (index.slots.len == 0) return null;
        const mask = index.slots.len - 1;
        var i: usize = @intCast(hash & mask);
        while (index.slots[i].entry) |entry| : (i = (i + 1) & mask) {
            if (index.slots[i].hash == hash and std.mem.eql(u8, entry.key(), key)) return entry;
        }
        return null;
    }

    /// Makes room for one more entry, so that `insert` cannot fail.
    pub fn reserveOne(index: *Index, gpa: std.mem.Allocator) error{OutOfMemory}!void {
        if ((index.count + 1) * 4 <= index.slots.len * 3) return;
        const capacity = @max(min_capacity, index.slots.len * 2);
        const slots = try gpa.alloc(Slot, capacity);
        @memset(slots, .{});
        const old = index.slots;
        index.slots = slots;
        for (old) |slot| {
            if (slot.entry) |entry| index.place(slot.hash, entry);
        }
        gpa.free(old);
    }

    /// Adds an entry whose key is not in the index; `reserveOne` must have been called.
    pub fn insert(index: *Index, entry: *Entry) void {
        assert((index.count + 1) * 4 <= index.slots.len * 3);
        index.place(entry.hash, entry);
        index.count += 1;
    }

    fn place(index: *Index, hash: u64, entry: *Entry) void {
        const mask = index.slots.len - 1;
        var i: usize = @intCast(hash & mask);
        while (index.slots[i].entry != null) i = (i + 1) & mask;
        index.slots[i] = .{ .hash = hash, .entry = entry };
    }

    /// Points the slot of `old` at `new` (same key).
    pub fn replace(index: *Index, old: *Entry, new: *Entry) void {
        assert(old.hash == new.hash);
        index.slots[index.slotOf(old)].entry = new;
    }

    pub fn remove(index: *Index, entry: *Entry) void {
        const mask = index.slots.len - 1;
        var hole = index.slotOf(entry);
        // Shift later members of the probe run back into the hole, so lookups never stop early.
        var j = (hole + 1) & mask;
        while (index.slots[j].entry != null) : (j = (j + 1) & mask) {
            const ideal: usize = @intCast(index.slots[j].hash & mask);
            // Movable when its ideal slot is not in the cyclic range (hole, j].
            const in_range = if (hole <= j) (ideal > hole and ideal <= j) else (ideal > hole or ideal <= j);
            if (!in_range) {
                index.slots[hole] = index.slots[j];
                hole = j;
            }
        }
        index.slots[hole] = .{};
        index.count -= 1;
    }

    fn slotOf(index: *const Index, entry: *const Entry) usize {
        const mask = index.slots.len - 1;
        var i: usize = @intCast(entry.hash & mask);
        while (index.slots[i].entry != entry) {
            assert(index.slots[i].entry != null);
            i = (i + 1) & mask;
        }
        return i;
    }
};

test "index: insert, find, replace, remove with colliding hashes" {
    const gpa = std.testing.allocator;
    var index: Index = .{};
    defer index.deinit(gpa);
    var entries: [200]*Entry = undefined;
    var names: [200][8]u8 = undefined;
    for (&entries, 0..) |*e, i| {
        const name = std.fmt.bufPrint(&names[i], "k{d}", .{i}) catch unreachable;
        // Few distinct low bits: long probe runs that wrap around the table.
        e.* = try Entry.create(gpa, (i % 7) * 0x1_0000_0000 + (i % 5) + 13, name, "v", 0);
        try index.reserveOne(gpa);
        index.insert(e.*);
    }
    defer for (entries) |e| e.destroy(gpa);
    for (entries, 0..) |e, i| {
        try std.testing.expectEqual(e, index.find(e.hash, names[i][0..e.key_len]).?);
    }
    for (entries, 0..) |e, i| {
        if (i % 3 == 0) index.remove(e);
    }
    for (entries, 0..) |e, i| {
        const found = index.find(e.hash, names[i][0..e.key_len]);
        if (i % 3 == 0) try std.testing.expect(found == null) else try std.testing.expectEqual(e, found.?);
    }
    const twin = try Entry.create(gpa, entries[1].hash, entries[1].key(), "w", 0);
    defer twin.destroy(gpa);
    index.replace(entries[1], twin);
    try std.testing.expectEqual(twin, index.find(twin.hash, twin.key()).?);
    index.replace(twin, entries[1]);
}
