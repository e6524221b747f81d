//! One cache entry: a header followed by the key and value bytes, in one allocation,
//! linked into its shard's queues by intrusive pointers (no allocation to move it).
const std = @import("std");
const assert = std.debug.assert;

pub const Queue = enum(u8) { small, main };

pub const Entry = struct {
    hash: u64,
    /// Deadline on the cache clock (ms); 0 = never expires.
    expires_at: u64,
    prev: ?*Entry = null,
    next: ?*Entry = null,
    key_len: u32,
    value_len: u32,
    /// Hits since insertion or since the eviction pass last looked (S3-FIFO), capped at `max_freq`.
    freq: u8 = 0,
    queue: Queue = .small,

    pub const max_freq: u8 = 3;
    const alignment = std.mem.Alignment.of(Entry);

    pub fn create(gpa: std.mem.Allocator, hash: u64, key_bytes: []const u8, value_bytes: []const u8, expires_at: u64) error{OutOfMemory}!*Entry {
        assert(key_bytes.len <= std.math.maxInt(u32) and value_bytes.len <= std.math.maxInt(u32));
        const memory = try gpa.alignedAlloc(u8, alignment, @sizeOf(Entry) + key_bytes.len + value_bytes.len);
        const entry: *Entry = @ptrCast(memory.ptr);
        entry.* = .{
            .hash = hash,
            .expires_at = expires_at,
            .key_len = @intCast(key_bytes.len),
            .value_len = @intCast(value_bytes.len),
        };
        @memcpy(memory[@sizeOf(Entry)..][0..key_bytes.len], key_bytes);
        @memcpy(memory[@sizeOf(Entry) + key_bytes.len ..][0..value_bytes.len], value_bytes);
        return entry;
    }

    pub fn destroy(entry: *Entry, gpa: std.mem.Allocator) void {
        const bytes: [*]align(alignment.toByteUnits()) u8 = @ptrCast(entry);
        gpa.free(bytes[0 .. @sizeOf(Entry) + entry.key_len + entry.value_len]);
    }

    pub fn key(entry: *const Entry) []const u8 {
        const bytes: [*]const u8 = @ptrCast(entry);
        return bytes[@sizeOf(Entry)..][0..entry.key_len];
    }

    pub fn value(entry: *const Entry) []const u8 {
        const bytes: [*]const u8 = @ptrCast(entry);
        return bytes[@sizeOf(Entry) + entry.key_len ..][0..entry.value_len];
    }

    /// What the entry counts against maxBytes: its key and value bytes.
    pub fn size(entry: *const Entry) u64 {
        return @as(u64, entry.key_len) + entry.value_len;
    }

    pub fn expired(entry: *const Entry, now: u64) bool {
        return entry.expires_at != 0 and now >= entry.expires_at;
    }
};

/// A doubly linked FIFO: entries enter at the head, the oldest is the tail.
pub const List = struct {
    head: ?*Entry = null,
    tail: ?*Entry = null,
    count: u32 = 0,

    pub fn pushHead(list: *List, entry: *Entry) void {
        assert(entry.prev == null and entry.next == null);
        entry.next = list.head;
        if (list.head) |head| head.prev = entry else list.tail = entry;
        list.head = entry;
        list.count += 1;
    }

    pub fn unlink(list: *List, entry: *Entry) void {
        assert(list.count > 0);
        if (entry.prev) |prev| prev.next = entry.next else list.head = entry.next;
        if (entry.next) |next| next.prev = entry.prev else list.tail = entry.prev;
        entry.prev = null;
        entry.next = null;
        list.count -= 1;
    }
};

test "entry layout keeps key and value, list keeps order" {
    const gpa = std.testing.allocator;
    const a = try Entry.create(gpa, 1, "key-a", "value-a", 0);
    defer a.destroy(gpa);
    const b = try Entry.create(gpa, 2, "", "", 5);
    defer b.destroy(gpa);
    try std.testing.expectEqualStrings("key-a", a.key());
    try std.testing.expectEqualStrings("value-a", a.value());
    try std.testing.expectEqual(@as(u64, 12), a.size());
    try std.testing.expect(!a.expired(100));
    try std.testing.expect(b.expired(5) and !b.expired(4));

    var list: List = .{};
    list.pushHead(a);
    list.pushHead(b);
    try std.testing.expectEqual(a, list.tail.?);
    list.unlink(a);
    try std.testing.expectEqual(b, list.tail.?);
    try std.testing.expectEqual(b, list.head.?);
    list.unlink(b);
    try std.testing.expect(list.head == null and list.tail == null and list.count == 0);
}
