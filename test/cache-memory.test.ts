import { test } from "node:test";
import assert from "node:assert/strict";
import { CacheEntryTooLargeError, InvalidCacheArgumentError, MemoryCache } from "../src/mod.ts";
import { cacheContract } from "./helpers/cache-contract.ts";

cacheContract("memory", (options) => new MemoryCache(options), { bounded: true });

test("memory: expired entries are reclaimed a few per set, without reads", () => {
  let now = 0;
  const cache = new MemoryCache({ now: () => now });
  for (let i = 0; i < 20; i++) cache.set(`old${i}`, "x", 10);
  assert.equal(cache.heldEntries, 20);
  now = 100;
  cache.set("new0", "y"); // sweeps 4 expired entries, adds 1
  assert.equal(cache.heldEntries, 17);
  for (let i = 1; i < 5; i++) cache.set(`new${i}`, "y");
  assert.equal(cache.heldEntries, 5, "every expired entry reclaimed by five sets, none of them read");
  const stats = cache.stats();
  assert.equal(stats.expirations, 20);
  assert.deepEqual([stats.entries, stats.bytes], [5, 5 * 5]);
  // The sweep starts over: entries that expire later are found on the next round.
  for (let i = 0; i < 5; i++) cache.set(`new${i}`, "y", 10);
  now = 200;
  for (let i = 0; i < 2; i++) cache.set(`later${i}`, "z");
  assert.equal(cache.heldEntries, 2);
});

test("memory: an expired entry is evicted before a live one would be, and counted as an expiration", () => {
  let now = 0;
  const cache = new MemoryCache({ now: () => now, maxEntries: 2 });
  cache.set("ttl", "x", 10);
  cache.set("live", "y");
  now = 50;
  cache.set("new", "z");
  assert.equal(cache.getText("live"), "y");
  const stats = cache.stats();
  assert.equal(stats.evictions, 0);
  assert.equal(stats.expirations, 1);
});

test("memory: TTL boundaries with an injected clock", () => {
  let now = 1000;
  const cache = new MemoryCache({ now: () => now, defaultTtlMs: 100 });
  cache.set("d", "1");
  cache.set("t", "2", 0.5);
  now = 1000.4;
  assert.equal(cache.getText("t"), "2");
  now = 1000.5;
  assert.equal(cache.get("t"), undefined);
  now = 1099;
  assert.equal(cache.getText("d"), "1");
  now = 1100;
  assert.equal(cache.get("d"), undefined);
});

test("memory: bad options are typed errors", () => {
  assert.throws(() => new MemoryCache({ maxEntries: 0 }), InvalidCacheArgumentError);
  assert.throws(() => new MemoryCache({ maxEntries: 1.5 }), InvalidCacheArgumentError);
  assert.throws(() => new MemoryCache({ maxBytes: -1 }), InvalidCacheArgumentError);
  assert.throws(() => new MemoryCache({ defaultTtlMs: Number.NaN }), InvalidCacheArgumentError);
});

test("memory: a too-large entry error says what and how much", () => {
  const cache = new MemoryCache({ maxBytes: 10 });
  const err = (() => {
    try {
      cache.set("key", "12345678");
    } catch (e) {
      return e;
    }
  })();
  assert.ok(err instanceof CacheEntryTooLargeError);
  assert.equal(err.code, "cache_entry_too_large");
  assert.equal(err.bytes, 11);
  assert.equal(err.maxBytes, 10);
});

test("memory: a Node Buffer value is copied, not viewed", async () => {
  const { Buffer } = await import("node:buffer");
  const cache = new MemoryCache();
  const buf = Buffer.from("abc");
  cache.set("b", buf as unknown as Uint8Array); // a Buffer, whose slice() is a view
  buf[0] = 0x7a;
  const back = cache.get("b");
  assert.equal(Object.getPrototypeOf(back), Uint8Array.prototype);
  assert.equal(cache.getText("b"), "abc");
});

test("memory: hit entries get a second chance before eviction (CLOCK)", () => {
  const cache = new MemoryCache({ maxEntries: 4 });
  for (const key of ["a", "b", "c", "d"]) cache.set(key, key);
  cache.get("a");
  cache.get("c");
  cache.set("e", "e"); // a was hit: moved back; b goes
  cache.set("f", "f"); // c was hit: moved back; d goes
  assert.deepEqual(["a", "b", "c", "d", "e", "f"].filter((key) => cache.has(key)), ["a", "c", "e", "f"]);
  cache.set("g", "g"); // a's chance is used up: a goes now
  assert.deepEqual(["a", "c", "e", "f", "g"].filter((key) => cache.has(key)), ["c", "e", "f", "g"]);
  assert.equal(cache.stats().evictions, 3);
});
