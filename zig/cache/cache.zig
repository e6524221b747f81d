//! The native in-process cache: byte-string keys and values, a TTL per entry, bounded by
//! entry count and bytes, safe to use from any number of threads at once.
//!
//! Keys are spread over a power-of-two number of shards by hash; each shard has its own
//! mutex, index, queues and counters (`shard.zig`), so no lock is shared by all readers.
//! The bounds are cache-wide: the shards share two atomic totals, a set evicts from its own
//! shard until the new entry fits, and only if that shard runs out of victims (tiny caches,
//! very uneven keys) does it visit the others, one lock at a time. So an entry as large as
//! `max_bytes` fits, and small caches are exact (they have one shard).
//!
//! Values live in this allocator, off the JS heap; the cache counts what it holds
//! (`allocated_bytes`) through a counting allocator.
const std = @import("std");
const assert = std.debug.assert;
const Entry = @import("entry.zig").Entry;
const shard_mod = @import("shard.zig");
const Shard = shard_mod.Shard;
const Now = shard_mod.Now;
const CountingAllocator = @import("counting_allocator.zig").CountingAllocator;
const clock = @import("clock.zig");

pub const Policy = shard_mod.Policy;

pub const Config = struct {
    max_entries: u32 = 100_000,
    max_bytes: u64 = 64 * 1024 * 1024,
    /// TTL of entries set without one; 0 = no expiry.
    default_ttl_ms: u32 = 0,
    policy: Policy = .s3fifo,
    /// 0 = chosen from max_entries (one shard per 1024 entries, a power of two up to 32).
    shards: u32 = 0,

    pub const max_shards = 64;

    pub fn shardCount(config: Config) u32 {
        if (config.shards != 0) return std.math.floorPowerOfTwo(u32, @min(config.shards, max_shards));
        return std.math.floorPowerOfTwo(u32, std.math.clamp(config.max_entries / 1024, 1, 32));
    }
};

/// `ttl_ms` of `set`: 0 = the cache's default TTL; this value = no expiry.
pub const ttl_none: u32 = std.math.maxInt(u32);

pub const Stats = struct {
    entries: u64,
    bytes: u64,
    hits: u64,
    misses: u64,
    evictions: u64,
    expirations: u64,
    /// Bytes the cache has allocated (entries with their headers, indexes, ghosts, shards).
    allocated_bytes: u64,
};

pub const Lookup = union(enum) {
    /// The value's length, copied into `out`.
    hit: u32,
    miss,
    /// The value's length, larger than `out`; nothing was copied or counted.
    too_small: u32,
};

pub const SetError = error{ OutOfMemory, TooLarge };

pub const Cache = struct {
    counting: CountingAllocator,
    config: Config,
    bounds: shard_mod.Bounds,
    totals: shard_mod.Totals = .{},
    shards: []Shard,
    shard_shift: u6,
    clock: clock.Clock,
    /// Owned by the registry (`registry.zig`): the process-wide name and open handles.
    name: []u8 = &.{},
    refs: u32 = 0,

    pub fn create(backing: std.mem.Allocator, config: Config, clock_fn: clock.Clock) error{OutOfMemory}!*Cache {
        assert(config.max_entries > 0 and config.max_bytes > 0);
        const cache = try backing.create(Cache);
        errdefer backing.destroy(cache);
        const shard_count = config.shardCount();
        cache.* = .{
            .counting = .init(backing),
            .config = config,
            .bounds = .{ .max_entries = config.max_entries, .max_bytes = config.max_bytes },
            .shards = &.{},
            .shard_shift = if (shard_count == 1) 0 else @intCast(64 - @as(u32, std.math.log2_int(u32, shard_count))),
            .clock = clock_fn,
        };
        const gpa = cache.counting.allocator();
        const shards = try gpa.alloc(Shard, shard_count);
        var ready: usize = 0;
        errdefer {
            for (shards[0..ready]) |*shard| shard.deinit();
            gpa.free(shards);
        }
        // The ghost remembers about as many keys as the shard holds (the paper's choice).
        const ghost_capacity = @max(16, config.max_entries / shard_count);
        for (shards) |*shard| {
            shard.* = try .init(gpa, &cache.totals, config.policy, ghost_capacity);
            ready += 1;
        }
        cache.shards = shards;
        return cache;
    }

    pub fn destroy(cache: *Cache) void {
        const gpa = cache.counting.allocator();
        for (cache.shards) |*shard| shard.deinit();
        gpa.free(cache.shards);
        assert(cache.counting.bytes() == 0);
        const backing = cache.counting.backing;
        cache.* = undefined;
        backing.destroy(cache);
    }

    fn hash(key: []const u8) u64 {
        return std.hash.Wyhash.hash(0x5a4b_c0de, key);
    }

    fn shardOf(cache: *Cache, h: u64) *Shard {
        // High bits pick the shard; the shard's index uses the low bits.
        if (cache.shards.len == 1) return &cache.shards[0];
        return &cache.shards[@intCast(h >> cache.shard_shift)];
    }

    /// Copies the live value of `key` into `out`.
    pub fn get(cache: *Cache, key: []const u8, out: []u8) Lookup {
        const h = hash(key);
        const shard = cache.shardOf(h);
        var now: Now = .{ .clock = cache.clock };
        shard.mutex.lock();
        defer shard.mutex.unlock();
        const entry = shard.findLive(h, key, &now) orelse {
            shard.counters.misses += 1;
            return .miss;
        };
        if (entry.value_len > out.len) return .{ .too_small = entry.value_len };
        @memcpy(out[0..entry.value_len], entry.value());
        shard.counters.hits += 1;
        shard.touch(entry);
        return .{ .hit = entry.value_len };
    }

    /// The length of the live value of `key`, without counting a hit or a miss.
    pub fn peekLength(cache: *Cache, key: []const u8) ?u32 {
        const h = hash(key);
        const shard = cache.shardOf(h);
        var now: Now = .{ .clock = cache.clock };
        shard.mutex.lock();
        defer shard.mutex.unlock();
        const entry = shard.findLive(h, key, &now) orelse return null;
        return entry.value_len;
    }

    /// Whether a live entry exists (neither a hit nor a miss; the policy is not told).
    pub fn has(cache: *Cache, key: []const u8) bool {
        return cache.peekLength(key) != null;
    }

    pub fn set(cache: *Cache, key: []const u8, value: []const u8, ttl_ms: u32) SetError!void {
        try cache.checkSize(key.len, value.len);
        var now: Now = .{ .clock = cache.clock };
        const ttl = if (ttl_ms == 0) cache.config.default_ttl_ms else ttl_ms;
        const deadline: u64 = if (ttl == 0 or ttl == ttl_none) 0 else now.get() + ttl;
        const h = hash(key);
        const gpa = cache.counting.allocator();
        const entry = try Entry.create(gpa, h, key, value, deadline);
        const shard = cache.shardOf(h);
        shard.mutex.lock();
        const fits = shard.put(entry, cache.bounds, &now) catch |err| {
            shard.mutex.unlock();
            entry.destroy(gpa);
            return err;
        };
        shard.mutex.unlock();
        if (!fits or cache.bounds.exceeded(&cache.totals)) cache.evictElsewhere(shard, &now);
    }

    /// Whether `set` would reject an entry of these sizes (checked before anything changes).
    pub fn checkSize(cache: *const Cache, key_len: usize, value_len: usize) error{TooLarge}!void {
        if (@as(u64, key_len) + value_len > cache.config.max_bytes) return error.TooLarge;
    }

    /// Evicts from the other shards, one lock at a time, until the totals are within bounds.
    fn evictElsewhere(cache: *Cache, home: *Shard, now: *Now) void {
        const start = (home - cache.shards.ptr);
        for (1..cache.shards.len + 1) |step| {
            if (!cache.bounds.exceeded(&cache.totals)) return;
            const shard = &cache.shards[(start + step) % cache.shards.len];
            shard.mutex.lock();
            defer shard.mutex.unlock();
            while (cache.bounds.exceeded(&cache.totals)) {
                if (!shard.evictOne(now)) break;
            }
        }
    }

    /// True when a live entry was removed (an expired one is reclaimed and counted as such).
    pub fn delete(cache: *Cache, key: []const u8) bool {
        const h = hash(key);
        const shard = cache.shardOf(h);
        var now: Now = .{ .clock = cache.clock };
        shard.mutex.lock();
        defer shard.mutex.unlock();
        const entry = shard.findLive(h, key, &now) orelse return false;
        shard.remove(entry);
        return true;
    }

    /// Removes every entry whose key starts with `prefix`; returns how many live ones.
    pub fn deletePrefix(cache: *Cache, prefix: []const u8) u64 {
        var now: Now = .{ .clock = cache.clock };
        var removed: u64 = 0;
        for (cache.shards) |*shard| {
            shard.mutex.lock();
            defer shard.mutex.unlock();
            removed += shard.deletePrefix(prefix, &now);
        }
        return removed;
    }

    /// Removes every entry (the hit, miss, eviction and expiration counters stay).
    pub fn clear(cache: *Cache) void {
        for (cache.shards) |*shard| {
            shard.mutex.lock();
            defer shard.mutex.unlock();
            shard.clear();
        }
    }

    /// Live entries: expired ones are reclaimed first, in the shards where any can have expired.
    pub fn size(cache: *Cache) u64 {
        cache.reclaimExpired();
        return cache.totals.entries.load(.monotonic);
    }

    pub fn stats(cache: *Cache) Stats {
        cache.reclaimExpired();
        var result: Stats = .{
            .entries = 0,
            .bytes = 0,
            .hits = 0,
            .misses = 0,
            .evictions = 0,
            .expirations = 0,
            .allocated_bytes = 0,
        };
        for (cache.shards) |*shard| {
            shard.mutex.lock();
            defer shard.mutex.unlock();
            result.hits += shard.counters.hits;
            result.misses += shard.counters.misses;
            result.evictions += shard.counters.evictions;
            result.expirations += shard.counters.expirations;
        }
        result.entries = cache.totals.entries.load(.monotonic);
        result.bytes = cache.totals.bytes.load(.monotonic);
        result.allocated_bytes = cache.counting.bytes();
        return result;
    }

    fn reclaimExpired(cache: *Cache) void {
        const now = cache.clock();
        for (cache.shards) |*shard| {
            shard.mutex.lock();
            defer shard.mutex.unlock();
            shard.reclaimExpired(now);
        }
    }

    /// The stats as a JSON object (camelCase names, as the TypeScript side reports them).
    pub fn writeStatsJson(cache: *Cache, w: *std.Io.Writer) std.Io.Writer.Error!void {
        const s = cache.stats();
        try w.print(
            "{{\"entries\":{d},\"bytes\":{d},\"hits\":{d},\"misses\":{d},\"evictions\":{d},\"expirations\":{d}," ++
                "\"allocatedBytes\":{d},\"maxEntries\":{d},\"maxBytes\":{d},\"defaultTtlMs\":{d},\"shards\":{d},\"policy\":\"{s}\"}}",
            .{
                s.entries,              s.bytes,                     s.hits,            s.misses,
                s.evictions,            s.expirations,               s.allocated_bytes, cache.config.max_entries,
                cache.config.max_bytes, cache.config.default_ttl_ms, cache.shards.len,  cache.config.policy.name(),
            },
        );
    }
};

// ---------------------------------------------------------------------------

const testing = std.testing;

var fake_now: std.atomic.Value(u64) = .init(1000);
fn fakeClock() u64 {
    return fake_now.load(.monotonic);
}

fn expectValue(cache: *Cache, key: []const u8, want: ?[]const u8) !void {
    var buf: [256]u8 = undefined;
    switch (cache.get(key, &buf)) {
        .hit => |len| try testing.expectEqualStrings(want orelse return error.UnexpectedHit, buf[0..len]),
        .miss => if (want != null) return error.UnexpectedMiss,
        .too_small => return error.TooSmall,
    }
}

test "cache: set, get, has, delete, sizes and counters, both policies" {
    for ([_]Policy{ .s3fifo, .lru }) |policy| {
        const cache = try Cache.create(testing.allocator, .{ .policy = policy }, fakeClock);
        defer cache.destroy();
        try cache.set("a", "alpha", 0);
        try cache.set("b", "", 0);
        try expectValue(cache, "a", "alpha");
        try expectValue(cache, "b", "");
        try expectValue(cache, "zz", null);
        try testing.expect(cache.has("a") and !cache.has("zz"));
        try cache.set("a", "ALPHA!", 0);
        try expectValue(cache, "a", "ALPHA!");
        var small: [2]u8 = undefined;
        try testing.expectEqual(Lookup{ .too_small = 6 }, cache.get("a", &small));
        try testing.expectEqual(@as(u64, 2), cache.size());
        var s = cache.stats();
        try testing.expectEqual(@as(u64, 3), s.hits); // a too-small read is not counted
        try testing.expectEqual(@as(u64, 1), s.misses);
        try testing.expectEqual(@as(u64, 1 + 6 + 1), s.bytes);
        try testing.expect(s.allocated_bytes > s.bytes);
        try testing.expect(cache.delete("a"));
        try testing.expect(!cache.delete("a"));
        s = cache.stats();
        try testing.expectEqual(@as(u64, 1), s.entries);
        try testing.expectEqual(@as(u64, 1), s.bytes);
    }
}

test "cache: TTL per entry and default TTL; expired entries are never returned" {
    fake_now.store(1000, .monotonic);
    const cache = try Cache.create(testing.allocator, .{ .default_ttl_ms = 100 }, fakeClock);
    defer cache.destroy();
    try cache.set("default", "d", 0);
    try cache.set("short", "s", 10);
    try cache.set("forever", "f", ttl_none);
    fake_now.store(1009, .monotonic);
    try expectValue(cache, "short", "s");
    fake_now.store(1010, .monotonic);
    try expectValue(cache, "short", null);
    try testing.expect(!cache.has("short"));
    try expectValue(cache, "default", "d");
    fake_now.store(1100, .monotonic);
    try testing.expect(!cache.has("default"));
    fake_now.store(1_000_000, .monotonic);
    try expectValue(cache, "forever", "f");
    const s = cache.stats();
    try testing.expectEqual(@as(u64, 1), s.entries);
    try testing.expectEqual(@as(u64, 2), s.expirations);
}

test "cache: expired entries are reclaimed by sets and by size, not only by reads" {
    fake_now.store(1000, .monotonic);
    const cache = try Cache.create(testing.allocator, .{ .max_entries = 100 }, fakeClock);
    defer cache.destroy();
    var name: [16]u8 = undefined;
    for (0..50) |i| try cache.set(try std.fmt.bufPrint(&name, "old{d}", .{i}), "x", 5);
    fake_now.store(2000, .monotonic);
    // Sets alone (no reads of the old keys) reclaim them, a couple per set.
    for (0..30) |i| try cache.set(try std.fmt.bufPrint(&name, "new{d}", .{i}), "y", 0);
    const reclaimed = cache.shards[0].counters.expirations;
    try testing.expect(reclaimed >= 30 and reclaimed <= 50);
    try testing.expectEqual(@as(u64, 30), cache.size());
    try testing.expectEqual(@as(u64, 50), cache.stats().expirations);
}

test "cache: bounds on entries and bytes; oversized entries are rejected" {
    for ([_]Policy{ .s3fifo, .lru }) |policy| {
        const cache = try Cache.create(testing.allocator, .{ .max_entries = 10, .max_bytes = 100, .policy = policy }, fakeClock);
        defer cache.destroy();
        var name: [16]u8 = undefined;
        for (0..25) |i| try cache.set(try std.fmt.bufPrint(&name, "k{d}", .{i}), "v", 0);
        try testing.expectEqual(@as(u64, 10), cache.size());
        try testing.expectEqual(@as(u64, 15), cache.stats().evictions);
        try cache.set("big", "x" ** 90, 0);
        try testing.expect(cache.stats().bytes <= 100);
        try expectValue(cache, "big", "x" ** 90);
        try testing.expectError(error.TooLarge, cache.set("huge", "x" ** 97, 0));
        try expectValue(cache, "big", "x" ** 90); // a rejected entry does not wipe the cache
        try cache.set("exact", "x" ** 95, 0); // key + value = max_bytes fits
        try testing.expectEqual(@as(u64, 1), cache.size());
    }
}

test "cache: LRU keeps recently read keys; S3-FIFO keeps keys read twice over a scan" {
    {
        const cache = try Cache.create(testing.allocator, .{ .max_entries = 3, .policy = .lru }, fakeClock);
        defer cache.destroy();
        try cache.set("a", "1", 0);
        try cache.set("b", "2", 0);
        try cache.set("c", "3", 0);
        try expectValue(cache, "a", "1");
        try cache.set("d", "4", 0);
        try testing.expect(cache.has("a") and !cache.has("b"));
    }
    {
        const cache = try Cache.create(testing.allocator, .{ .max_entries = 20, .policy = .s3fifo }, fakeClock);
        defer cache.destroy();
        try cache.set("hot", "h", 0);
        try expectValue(cache, "hot", "h");
        var name: [16]u8 = undefined;
        for (0..200) |i| try cache.set(try std.fmt.bufPrint(&name, "scan{d}", .{i}), "s", 0);
        try testing.expect(cache.has("hot"));
        try testing.expectEqual(@as(u64, 20), cache.size());
    }
}

test "cache: delete by prefix and clear" {
    const cache = try Cache.create(testing.allocator, .{ .shards = 4 }, fakeClock);
    defer cache.destroy();
    var name: [32]u8 = undefined;
    for (0..40) |i| try cache.set(try std.fmt.bufPrint(&name, "user:{d}:x", .{i}), "v", 0);
    for (0..10) |i| try cache.set(try std.fmt.bufPrint(&name, "team:{d}", .{i}), "v", 0);
    try testing.expectEqual(@as(u64, 11), cache.deletePrefix("user:1"));
    try testing.expectEqual(@as(u64, 39), cache.size());
    try testing.expectEqual(@as(u64, 0), cache.deletePrefix("nope"));
    try testing.expectEqual(@as(u64, 29), cache.deletePrefix("user:"));
    cache.clear();
    try testing.expectEqual(@as(u64, 0), cache.size());
    try testing.expectEqual(@as(u64, 0), cache.stats().bytes);
    try cache.set("after", "clear", 0);
    try expectValue(cache, "after", "clear");
}

test "cache: a fixed working set does not grow the allocation" {
    const cache = try Cache.create(testing.allocator, .{ .max_entries = 512, .shards = 4 }, clock.nowMs);
    defer cache.destroy();
    var name: [32]u8 = undefined;
    var value: [64]u8 = undefined;
    var prng: std.Random.DefaultPrng = .init(7);
    const random = prng.random();
    var peak_after_warmup: u64 = 0;
    for (0..100_000) |i| {
        const k = random.uintLessThan(u32, 2000);
        const key = try std.fmt.bufPrint(&name, "key-{d}", .{k});
        const len = random.uintLessThan(usize, value.len);
        try cache.set(key, value[0..len], if (k % 3 == 0) 1 else 0);
        var out: [64]u8 = undefined;
        _ = cache.get(key, &out);
        if (i == 20_000) peak_after_warmup = cache.counting.bytes();
        if (i > 20_000) try testing.expect(cache.counting.bytes() <= peak_after_warmup + 512 * (@sizeOf(Entry) + 64 + 16));
    }
    const s = cache.stats();
    try testing.expect(s.entries <= 512);
    try testing.expect(s.bytes <= 512 * (10 + 64));
}

test "cache: threads hammer shared shards; totals stay consistent" {
    const cache = try Cache.create(std.heap.smp_allocator, .{ .max_entries = 3000, .max_bytes = 200_000, .shards = 8 }, clock.nowMs);
    defer cache.destroy();
    const Worker = struct {
        fn run(c: *Cache, seed: u64, failures: *std.atomic.Value(u32)) void {
            var prng: std.Random.DefaultPrng = .init(seed);
            const random = prng.random();
            var name: [32]u8 = undefined;
            var out: [128]u8 = undefined;
            for (0..40_000) |_| {
                const k = random.uintLessThan(u32, 5000);
                const key = std.fmt.bufPrint(&name, "key-{d}", .{k}) catch unreachable;
                switch (random.uintLessThan(u8, 10)) {
                    0...3 => c.set(key, key, random.uintLessThan(u32, 3)) catch {
                        _ = failures.fetchAdd(1, .monotonic);
                    },
                    4...7 => switch (c.get(key, &out)) {
                        // Every value is its own key: a torn or misrouted value shows here.
                        .hit => |len| if (!std.mem.eql(u8, out[0..len], key)) {
                            _ = failures.fetchAdd(1, .monotonic);
                        },
                        .miss => {},
                        .too_small => _ = failures.fetchAdd(1, .monotonic),
                    },
                    8 => _ = c.delete(key),
                    else => if (k % 500 == 0) {
                        _ = c.deletePrefix("key-49");
                    } else {
                        _ = c.has(key);
                    },
                }
            }
        }
    };
    var failures: std.atomic.Value(u32) = .init(0);
    var threads: [6]std.Thread = undefined;
    for (&threads, 0..) |*t, i| t.* = try std.Thread.spawn(.{}, Worker.run, .{ cache, i + 1, &failures });
    for (threads) |t| t.join();
    try testing.expectEqual(@as(u32, 0), failures.load(.monotonic));
    // The totals equal what the shards hold, and the bounds held.
    var entries: u64 = 0;
    var bytes: u64 = 0;
    for (cache.shards) |*shard| {
        entries += shard.index.count;
        for ([_]*const @import("entry.zig").List{ &shard.main, &shard.small }) |queue| {
            var it = queue.head;
            while (it) |e| : (it = e.next) bytes += e.size();
        }
        try testing.expectEqual(shard.index.count, shard.count());
    }
    try testing.expectEqual(entries, cache.totals.entries.load(.monotonic));
    try testing.expectEqual(bytes, cache.totals.bytes.load(.monotonic));
    try testing.expect(entries <= 3000 and bytes <= 200_000);
}
