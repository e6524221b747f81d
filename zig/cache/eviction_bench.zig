//! Hit ratios of the cache's eviction policies (S3-FIFO, LRU) on a Zipf workload and on Zipf
//! mixed with long one-pass scans, through the real `Cache` (shards and all), written as a
//! markdown table. Run by `zig build cache-eviction -- <out.md>` (scripts/bench cache-eviction).
const std = @import("std");
const cache_mod = @import("cache.zig");
const Cache = cache_mod.Cache;
const Policy = cache_mod.Policy;

const key_space: u32 = 100_000;
const zipf_s: f64 = 0.99;
const requests: u32 = 2_000_000;
/// Scan workload: after every `scan_every` Zipf requests, `scan_length` keys never seen before, once each.
const scan_every: u32 = 50_000;
const scan_length: u32 = 30_000;
const cache_fractions = [_]f64{ 0.001, 0.01, 0.05, 0.1, 0.2 };
const seed: u64 = 42;

const Zipf = struct {
    cdf: []f64,

    fn init(gpa: std.mem.Allocator, n: u32, s: f64) !Zipf {
        const cdf = try gpa.alloc(f64, n);
        var sum: f64 = 0;
        for (cdf, 0..) |*c, i| {
            sum += 1.0 / std.math.pow(f64, @floatFromInt(i + 1), s);
            c.* = sum;
        }
        for (cdf) |*c| c.* /= sum;
        return .{ .cdf = cdf };
    }

    fn sample(z: Zipf, random: std.Random) u32 {
        const u = random.float(f64);
        var lo: usize = 0;
        var hi: usize = z.cdf.len - 1;
        while (lo < hi) {
            const mid = (lo + hi) / 2;
            if (z.cdf[mid] < u) lo = mid + 1 else hi = mid;
        }
        return @intCast(lo);
    }
};

const Result = struct { zipf_hits: u64, zipf_requests: u64 };

fn fakeClock() u64 {
    return 1;
}

fn run(gpa: std.mem.Allocator, zipf: Zipf, policy: Policy, max_entries: u32, scans: bool) !Result {
    const cache = try Cache.create(gpa, .{ .max_entries = max_entries, .max_bytes = 1 << 40, .policy = policy }, fakeClock);
    defer cache.destroy();
    var prng: std.Random.DefaultPrng = .init(seed);
    const random = prng.random();
    var key_buf: [24]u8 = undefined;
    var out: [16]u8 = undefined;
    var result: Result = .{ .zipf_hits = 0, .zipf_requests = 0 };
    var next_scan_key: u64 = 0;
    for (0..requests) |i| {
        if (scans and i > 0 and i % scan_every == 0) {
            for (0..scan_length) |_| {
                const key = try std.fmt.bufPrint(&key_buf, "scan:{d}", .{next_scan_key});
                next_scan_key += 1;
                if (cache.get(key, &out) == .miss) try cache.set(key, "v", 0);
            }
        }
        const key = try std.fmt.bufPrint(&key_buf, "k:{d}", .{zipf.sample(random)});
        result.zipf_requests += 1;
        switch (cache.get(key, &out)) {
            .hit => result.zipf_hits += 1,
            else => try cache.set(key, "v", 0),
        }
    }
    return result;
}

pub fn main() !void {
    const gpa = std.heap.smp_allocator;
    const args = try std.process.argsAlloc(gpa);
    defer std.process.argsFree(gpa, args);
    const out_path = if (args.len > 1) args[1] else "bench/results/cache-eviction.md";

    const zipf = try Zipf.init(gpa, key_space, zipf_s);
    var doc: std.Io.Writer.Allocating = .init(gpa);
    defer doc.deinit();
    const w = &doc.writer;
    try w.print(
        \\# Cache eviction: hit ratios of S3-FIFO and LRU
        \\
        \\Produced by `scripts/bench cache-eviction` (`zig/cache/eviction_bench.zig`), through the real
        \\native cache (its shards included), single-threaded, deterministic (seed {d}). On a miss the key
        \\is set; bounds are on entries only.
        \\
        \\- **zipf**: {d} requests over {d} keys, Zipf s = {d}.
        \\- **zipf+scan**: the same Zipf requests, and after every {d} of them a one-pass scan of
        \\  {d} keys never seen before (each read once, then set). Hit ratio over the Zipf requests only.
        \\
        \\| workload | cache size (entries) | % of key space | S3-FIFO hit ratio | LRU hit ratio | S3-FIFO − LRU |
        \\|---|---:|---:|---:|---:|---:|
        \\
    , .{ seed, requests, key_space, zipf_s, scan_every, scan_length });
    var wins: [2]u32 = .{ 0, 0 };
    for ([_]bool{ false, true }) |scans| {
        for (cache_fractions) |fraction| {
            const size: u32 = @intFromFloat(@as(f64, @floatFromInt(key_space)) * fraction);
            const s3 = try run(gpa, zipf, .s3fifo, size, scans);
            const lru = try run(gpa, zipf, .lru, size, scans);
            const s3_ratio = ratio(s3);
            const lru_ratio = ratio(lru);
            if (s3_ratio >= lru_ratio) wins[0] += 1 else wins[1] += 1;
            try w.print("| {s} | {d} | {d:.1}% | {d:.4} | {d:.4} | {s}{d:.4} |\n", .{
                if (scans) "zipf+scan" else "zipf", size,      fraction * 100,
                s3_ratio,                           lru_ratio, if (s3_ratio >= lru_ratio) "+" else "−",
                @abs(s3_ratio - lru_ratio),
            });
            std.debug.print("{s} size={d}: s3fifo {d:.4} lru {d:.4}\n", .{ if (scans) "zipf+scan" else "zipf", size, s3_ratio, lru_ratio });
        }
    }
    try w.print(
        \\
        \\S3-FIFO is at least as good in {d} of {d} rows; the cache's policy is `{s}` (the default of `Config.policy`).
        \\
    , .{ wins[0], wins[0] + wins[1], @tagName((cache_mod.Config{}).policy) });
    try std.fs.cwd().writeFile(.{ .sub_path = out_path, .data = doc.written() });
    std.debug.print("wrote {s}\n", .{out_path});
}

fn ratio(r: Result) f64 {
    return @as(f64, @floatFromInt(r.zipf_hits)) / @as(f64, @floatFromInt(r.zipf_requests));
}
