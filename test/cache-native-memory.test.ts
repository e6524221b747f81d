import { test } from "node:test";
import assert from "node:assert/strict";
import { NativeCache } from "../src/mod.ts";

// The short form of bench/cache-soak.ts: a fixed working set must not grow the native memory.
test("native memory: set/get cycles over a fixed working set keep accounting and allocation bounded", () => {
  const cache = new NativeCache({ maxEntries: 2_000, maxBytes: 256 * 1024 });
  try {
    const keys = Array.from({ length: 3_000 }, (_, i) => `mem:key:${i}`);
    const values = Array.from({ length: 8 }, (_, i) => new Uint8Array(8 + i * 24).fill(i));
    let x = 99;
    const cycle = (n: number): void => {
      for (let i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        const r = x >>> 0;
        cache.set(keys[r % keys.length]!, values[r & 7]!, r % 3 === 0 ? 1 : undefined);
        cache.get(keys[(r >>> 8) % keys.length]!);
      }
    };
    cycle(50_000);
    const warm = cache.stats();
    let peak = warm.allocatedBytes;
    for (let round = 0; round < 5; round++) {
      cycle(30_000);
      const stats = cache.stats();
      assert.ok(stats.entries <= 2_000, `entries ${stats.entries}`);
      assert.ok(stats.bytes <= 256 * 1024, `bytes ${stats.bytes}`);
      peak = Math.max(peak, stats.allocatedBytes);
    }
    // Entries come and go (sizes vary, so the held bytes move), but the allocation stays within
    // what the bounds allow: keys + values + one header and index slot per entry, and no drift.
    const perEntry = 48 + 32; // entry header + index slot (two-fold headroom for the index)
    assert.ok(peak <= 256 * 1024 + 2_000 * perEntry * 2 + 64 * 1024, `allocatedBytes peaked at ${peak}`);
    assert.ok(peak <= warm.allocatedBytes * 1.5, `allocatedBytes grew from ${warm.allocatedBytes} to ${peak}`);
    cache.clear();
    assert.equal(cache.stats().bytes, 0);
    assert.ok(cache.stats().allocatedBytes < warm.allocatedBytes, "clear gives the entries' memory back");
  } finally {
    cache.close();
  }
});
