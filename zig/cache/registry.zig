//! Named caches shared by every thread of the process: the first open of a name creates the
//! cache, later opens share it, and the last release destroys it. An empty name is a private
//! cache (never registered).
//!
//! The config is JSON `{"maxEntries", "maxBytes", "defaultTtlMs", "policy", "shards"}`, every
//! field optional. On a later open of an existing name, each field given must equal the
//! cache's (else `ConfigMismatch`); fields left out accept whatever the cache has.
const std = @import("std");
const assert = std.debug.assert;
const cache_mod = @import("cache.zig");
const Cache = cache_mod.Cache;
const Config = cache_mod.Config;
const clock = @import("clock.zig");

pub const OpenError = error{ OutOfMemory, InvalidJson, InvalidConfig, ConfigMismatch };

/// The config as given: null = not given.
const ConfigJson = struct {
    maxEntries: ?u64 = null,
    maxBytes: ?u64 = null,
    defaultTtlMs: ?u64 = null,
    policy: ?[]const u8 = null,
    shards: ?u64 = null,
};

var mutex: std.Thread.Mutex = .{};
var by_name: std.StringHashMapUnmanaged(*Cache) = .empty;

pub fn open(gpa: std.mem.Allocator, name: []const u8, config_json: []const u8, clock_fn: clock.Clock) OpenError!*Cache {
    const given = try parseConfig(gpa, config_json);
    const config = try resolve(given);
    if (name.len == 0) {
        const cache = try Cache.create(gpa, config, clock_fn);
        cache.refs = 1;
        return cache;
    }
    mutex.lock();
    defer mutex.unlock();
    if (by_name.get(name)) |cache| {
        try check(cache.config, given);
        cache.refs += 1;
        return cache;
    }
    const owned_name = try gpa.dupe(u8, name);
    errdefer gpa.free(owned_name);
    try by_name.ensureUnusedCapacity(gpa, 1);
    const cache = try Cache.create(gpa, config, clock_fn);
    cache.name = owned_name;
    cache.refs = 1;
    by_name.putAssumeCapacityNoClobber(owned_name, cache);
    return cache;
}

/// Drops one reference; the last one destroys the cache.
pub fn release(gpa: std.mem.Allocator, cache: *Cache) void {
    if (cache.name.len == 0) {
        assert(cache.refs == 1);
        cache.destroy();
        return;
    }
    mutex.lock();
    defer mutex.unlock();
    assert(cache.refs > 0);
    cache.refs -= 1;
    if (cache.refs > 0) return;
    const removed = by_name.remove(cache.name);
    assert(removed);
    gpa.free(cache.name);
    cache.destroy();
    if (by_name.count() == 0) by_name.clearAndFree(gpa);
}

fn parseConfig(gpa: std.mem.Allocator, bytes: []const u8) OpenError!ConfigJson {
    if (bytes.len == 0) return .{};
    var buffer: [4096]u8 = undefined;
    var fixed: std.heap.FixedBufferAllocator = .init(&buffer);
    _ = gpa;
    const parsed = std.json.parseFromSliceLeaky(ConfigJson, fixed.allocator(), bytes, .{}) catch |err| return switch (err) {
        error.SyntaxError, error.UnexpectedEndOfInput, error.BufferUnderrun, error.ValueTooLong => error.InvalidJson,
        else => error.InvalidConfig,
    };
    // The policy name points into `buffer` or `bytes`: map it now, before returning.
    var result = parsed;
    if (parsed.policy) |p| result.policy = if (parsePolicy(p)) |policy| @tagName(policy) else return error.InvalidConfig;
    return result;
}

fn parsePolicy(text: []const u8) ?cache_mod.Policy {
    return std.meta.stringToEnum(cache_mod.Policy, text);
}

fn resolve(given: ConfigJson) OpenError!Config {
    var config: Config = .{};
    if (given.maxEntries) |n| config.max_entries = std.math.cast(u32, n) orelse return error.InvalidConfig;
    if (given.maxBytes) |n| config.max_bytes = n;
    if (given.defaultTtlMs) |n| config.default_ttl_ms = std.math.cast(u32, n) orelse return error.InvalidConfig;
    if (given.policy) |p| config.policy = parsePolicy(p).?;
    if (given.shards) |n| config.shards = std.math.cast(u32, n) orelse return error.InvalidConfig;
    if (config.max_entries == 0 or config.max_bytes == 0) return error.InvalidConfig;
    if (config.default_ttl_ms == cache_mod.ttl_none) return error.InvalidConfig;
    if (config.shards > Config.max_shards) return error.InvalidConfig;
    return config;
}

fn check(have: Config, given: ConfigJson) OpenError!void {
    if (given.maxEntries) |n| if (n != have.max_entries) return error.ConfigMismatch;
    if (given.maxBytes) |n| if (n != have.max_bytes) return error.ConfigMismatch;
    if (given.defaultTtlMs) |n| if (n != have.default_ttl_ms) return error.ConfigMismatch;
    if (given.policy) |p| if (parsePolicy(p).? != have.policy) return error.ConfigMismatch;
    if (given.shards) |n| if (n != have.shards) return error.ConfigMismatch;
}

test "registry: a name is one cache until its last release; config is checked" {
    const gpa = std.testing.allocator;
    const a = try open(gpa, "shared", "{\"maxEntries\":10,\"defaultTtlMs\":5}", clock.nowMs);
    const b = try open(gpa, "shared", "", clock.nowMs);
    const c = try open(gpa, "shared", "{\"maxEntries\":10}", clock.nowMs);
    try std.testing.expectEqual(a, b);
    try std.testing.expectEqual(a, c);
    try std.testing.expectError(error.ConfigMismatch, open(gpa, "shared", "{\"maxEntries\":11}", clock.nowMs));
    const private = try open(gpa, "", "{\"policy\":\"lru\"}", clock.nowMs);
    try std.testing.expect(private != a);
    try std.testing.expectEqual(cache_mod.Policy.lru, private.config.policy);
    release(gpa, private);
    try a.set("k", "v", 0);
    release(gpa, a);
    release(gpa, b);
    var out: [4]u8 = undefined;
    try std.testing.expectEqual(cache_mod.Lookup{ .hit = 1 }, c.get("k", &out));
    release(gpa, c);
    const fresh = try open(gpa, "shared", "{\"maxEntries\":11}", clock.nowMs);
    try std.testing.expectEqual(cache_mod.Lookup.miss, fresh.get("k", &out));
    release(gpa, fresh);
}

test "registry: bad config is rejected" {
    const gpa = std.testing.allocator;
    try std.testing.expectError(error.InvalidJson, open(gpa, "", "{\"maxEntries\":", clock.nowMs));
    try std.testing.expectError(error.InvalidJson, open(gpa, "", "nope", clock.nowMs));
    try std.testing.expectError(error.InvalidConfig, open(gpa, "", "{\"maxEntries\":0}", clock.nowMs));
    try std.testing.expectError(error.InvalidConfig, open(gpa, "", "{\"maxEntries\":-1}", clock.nowMs));
    try std.testing.expectError(error.InvalidConfig, open(gpa, "", "{\"bogus\":1}", clock.nowMs));
    try std.testing.expectError(error.InvalidConfig, open(gpa, "", "{\"policy\":\"fifo\"}", clock.nowMs));
    try std.testing.expectError(error.InvalidConfig, open(gpa, "", "[1]", clock.nowMs));
}
