//! One shard of a cache: its own lock, index, queues and counters. Every function here
//! runs with the shard's mutex held (the caller locks); the cache-wide totals are atomics
//! shared by all shards, which is how every shard sees the cache's bounds.
//!
//! Two eviction policies share the queues:
//! - `lru`: one list (`main`), a hit moves the entry to the head, eviction takes the tail.
//! - `s3fifo` (Yang et al., SOSP 2023): new keys enter a small FIFO; a key read at least once
//!   while there moves to the main FIFO when it reaches the tail, others leave and their hash
//!   goes to the ghost; a key found in the ghost enters main directly. Main is a FIFO with
//!   reinsertion (a hit earns one more pass). Hits only bump a counter, and one-pass scans
//!   stay in the small queue, which is what makes it scan-resistant.
//!
//! Expired entries are dropped when read, when they reach an eviction point, and by a sweep
//! hand that examines a couple of entries on each set (never a full scan on the hot path).
const std = @import("std");
const assert = std.debug.assert;
const entry_mod = @import("entry.zig");
const Entry = entry_mod.Entry;
const List = entry_mod.List;
const Queue = entry_mod.Queue;
const Index = @import("index.zig").Index;
const Ghost = @import("ghost.zig").Ghost;

pub const Policy = enum {
    s3fifo,
    lru,

    pub fn name(policy: Policy) []const u8 {
        return @tagName(policy);
    }
};

/// Cache-wide totals, shared by the shards.
pub const Totals = struct {
    entries: std.atomic.Value(u64) = .init(0),
    bytes: std.atomic.Value(u64) = .init(0),
};

pub const Counters = struct {
    hits: u64 = 0,
    misses: u64 = 0,
    evictions: u64 = 0,
    expirations: u64 = 0,
};

/// Entries the sweep hand examines per set: enough to outpace a steady write rate.
pub const sweep_per_set = 2;

pub const Shard = struct {
    mutex: std.Thread.Mutex align(std.atomic.cache_line) = .{},
    gpa: std.mem.Allocator,
    totals: *Totals,
    policy: Policy,
    index: Index = .{},
    /// S3-FIFO's small queue (empty under LRU).
    small: List = .{},
    /// S3-FIFO's main queue, or the LRU list.
    main: List = .{},
    ghost: Ghost,
    /// The next entry the sweep examines; walks each queue from tail to head, main then small.
    hand: ?*Entry = null,
    /// Entries with a deadline, and a lower bound of their deadlines.
    expiring: u32 = 0,
    next_deadline: u64 = no_deadline,
    counters: Counters = .{},

    const no_deadline = std.math.maxInt(u64);

    pub fn init(gpa: std.mem.Allocator, totals: *Totals, policy: Policy, ghost_capacity: u32) error{OutOfMemory}!Shard {
        return .{ .gpa = gpa, .totals = totals, .policy = policy, .ghost = try .init(gpa, ghost_capacity) };
    }

    pub fn deinit(shard: *Shard) void {
        shard.clear();
        shard.ghost.deinit(shard.gpa);
    }

    pub fn count(shard: *const Shard) u32 {
        return shard.small.count + shard.main.count;
    }

    /// The live entry for `key`; an expired one is dropped (counted as an expiration).
    pub fn findLive(shard: *Shard, hash: u64, key: []const u8, now: *Now) ?*Entry {
        const entry = shard.index.find(hash, key) orelse return null;
        if (entry.expires_at != 0 and entry.expired(now.get())) {
            shard.remove(entry);
            shard.counters.expirations += 1;
            return null;
        }
        return entry;
    }

    /// Records a hit on the entry for the eviction policy.
    pub fn touch(shard: *Shard, entry: *Entry) void {
        switch (shard.policy) {
            .s3fifo => entry.freq = @min(entry.freq + 1, Entry.max_freq),
            .lru => if (shard.main.head != entry) {
                shard.unlinkQueue(entry);
                shard.main.pushHead(entry);
            },
        }
    }

    /// Stores `entry`, replacing the same key if present, after evicting (from this shard)
    /// until the cache's bounds leave room for it. Returns false when this shard ran out of
    /// victims: the cache then evicts from other shards.
    pub fn put(shard: *Shard, entry: *Entry, bounds: Bounds, now: *Now) error{OutOfMemory}!bool {
        if (shard.expiring > 0) shard.sweep(now.get(), sweep_per_set);
        var queue: Queue = .small;
        var freq: u8 = 0;
        if (shard.index.find(entry.hash, entry.key())) |old| {
            // An update keeps the key's standing in the policy.
            queue = old.queue;
            freq = old.freq;
            shard.remove(old);
        } else {
            try shard.index.reserveOne(shard.gpa);
            if (shard.policy == .s3fifo and shard.ghost.take(entry.hash)) queue = .main;
        }
        if (shard.policy == .lru) queue = .main;
        var fits = true;
        while (!bounds.fits(shard.totals, entry.size())) {
            if (!shard.evictOne(now)) {
                fits = false;
                break;
            }
        }
        shard.insert(entry, queue, freq);
        return fits;
    }

    fn insert(shard: *Shard, entry: *Entry, queue: Queue, freq: u8) void {
        entry.queue = queue;
        entry.freq = freq;
        shard.index.insert(entry);
        shard.list(queue).pushHead(entry);
        if (entry.expires_at != 0) {
            shard.expiring += 1;
            shard.next_deadline = @min(shard.next_deadline, entry.expires_at);
        }
        _ = shard.totals.entries.fetchAdd(1, .monotonic);
        _ = shard.totals.bytes.fetchAdd(entry.size(), .monotonic);
    }

    /// Unlinks, unindexes and frees the entry. Counts nothing: callers say why it left.
    pub fn remove(shard: *Shard, entry: *Entry) void {
        shard.unlinkQueue(entry);
        shard.index.remove(entry);
        if (entry.expires_at != 0) shard.expiring -= 1;
        _ = shard.totals.entries.fetchSub(1, .monotonic);
        _ = shard.totals.bytes.fetchSub(entry.size(), .monotonic);
        entry.destroy(shard.gpa);
    }

    /// Evicts one entry by the policy (an expired victim counts as an expiration).
    /// False when the shard is empty.
    pub fn evictOne(shard: *Shard, now: *Now) bool {
        return switch (shard.policy) {
            .lru => shard.evictTail(shard.main.tail orelse return false, now),
            .s3fifo => shard.evictS3Fifo(now),
        };
    }

    fn evictS3Fifo(shard: *Shard, now: *Now) bool {
        // Bounded: each step either evicts, moves an entry from small to main (once per
        // entry), or spends one of an entry's at most `max_freq` reinsertions.
        while (true) {
            const from_small = shard.small.count > 0 and
                (shard.small.count * 10 >= shard.count() or shard.main.count == 0);
            if (from_small) {
                const tail = shard.small.tail.?;
                if (tail.expires_at != 0 and tail.expired(now.get())) return shard.evictTail(tail, now);
                if (tail.freq >= promote_at) {
                    shard.unlinkQueue(tail);
                    tail.freq = 0;
                    tail.queue = .main;
                    shard.main.pushHead(tail);
                    continue;
                }
                shard.ghost.add(tail.hash);
                return shard.evictTail(tail, now);
            }
            const tail = shard.main.tail orelse return false;
            if (tail.freq > 0 and !(tail.expires_at != 0 and tail.expired(now.get()))) {
                tail.freq -= 1;
                shard.unlinkQueue(tail);
                shard.main.pushHead(tail);
                continue;
            }
            return shard.evictTail(tail, now);
        }
    }

    /// Hits a small-queue entry needs to earn a place in main.
    const promote_at: u8 = 1;

    fn evictTail(shard: *Shard, victim: *Entry, now: *Now) bool {
        if (victim.expires_at != 0 and victim.expired(now.get())) {
            shard.counters.expirations += 1;
        } else {
            shard.counters.evictions += 1;
        }
        shard.remove(victim);
        return true;
    }

    /// Examines up to `budget` entries at the sweep hand and drops the expired ones.
    pub fn sweep(shard: *Shard, now: u64, budget: u32) void {
        var left = budget;
        while (left > 0) : (left -= 1) {
            const entry = shard.hand orelse shard.firstForHand() orelse return;
            shard.hand = shard.afterHand(entry);
            if (entry.expired(now)) {
                shard.remove(entry);
                shard.counters.expirations += 1;
            }
            if (shard.hand == null) return; // a full lap: start again on a later call
        }
    }

    /// Drops every expired entry, if any can have expired by `now` (size and stats are exact).
    pub fn reclaimExpired(shard: *Shard, now: u64) void {
        if (shard.expiring == 0 or now < shard.next_deadline) return;
        var next: u64 = no_deadline;
        for ([_]*List{ &shard.main, &shard.small }) |queue| {
            var it = queue.tail;
            while (it) |entry| {
                it = entry.prev;
                if (entry.expires_at == 0) continue;
                if (entry.expired(now)) {
                    shard.remove(entry);
                    shard.counters.expirations += 1;
                } else next = @min(next, entry.expires_at);
            }
        }
        shard.next_deadline = next;
    }

    /// Removes the entries whose key starts with `prefix`; returns how many were live.
    pub fn deletePrefix(shard: *Shard, prefix: []const u8, now: *Now) u32 {
        var removed: u32 = 0;
        for ([_]*List{ &shard.main, &shard.small }) |queue| {
            var it = queue.tail;
            while (it) |entry| {
                it = entry.prev;
                if (!std.mem.startsWith(u8, entry.key(), prefix)) continue;
                if (entry.expires_at != 0 and entry.expired(now.get())) {
                    shard.counters.expirations += 1;
                } else removed += 1;
                shard.remove(entry);
            }
        }
        return removed;
    }

    pub fn clear(shard: *Shard) void {
        for ([_]*List{ &shard.main, &shard.small }) |queue| {
            while (queue.tail) |entry| shard.remove(entry);
        }
        assert(shard.index.count == 0 and shard.expiring == 0);
        shard.index.deinit(shard.gpa);
        shard.ghost.clear();
        shard.hand = null;
        shard.next_deadline = no_deadline;
    }

    fn list(shard: *Shard, queue: Queue) *List {
        return switch (queue) {
            .small => &shard.small,
            .main => &shard.main,
        };
    }

    /// Unlinks from the entry's queue, moving the sweep hand off it first.
    fn unlinkQueue(shard: *Shard, entry: *Entry) void {
        if (shard.hand == entry) shard.hand = shard.afterHand(entry);
        shard.list(entry.queue).unlink(entry);
    }

    fn firstForHand(shard: *Shard) ?*Entry {
        return shard.main.tail orelse shard.small.tail;
    }

    fn afterHand(shard: *Shard, entry: *Entry) ?*Entry {
        if (entry.prev) |prev| return prev;
        return if (entry.queue == .main) shard.small.tail else null;
    }
};

/// The cache's bounds, checked against the shared totals.
pub const Bounds = struct {
    max_entries: u64,
    max_bytes: u64,

    /// Whether one more entry of `size` bytes fits.
    pub fn fits(bounds: Bounds, totals: *const Totals, size: u64) bool {
        return totals.entries.load(.monotonic) + 1 <= bounds.max_entries and
            totals.bytes.load(.monotonic) + size <= bounds.max_bytes;
    }

    pub fn exceeded(bounds: Bounds, totals: *const Totals) bool {
        return totals.entries.load(.monotonic) > bounds.max_entries or
            totals.bytes.load(.monotonic) > bounds.max_bytes;
    }
};

/// The clock, read at most once per operation and only when a deadline needs it.
pub const Now = struct {
    clock: *const fn () u64,
    value: u64 = 0,

    pub fn get(now: *Now) u64 {
        if (now.value == 0) now.value = now.clock();
        return now.value;
    }
};
