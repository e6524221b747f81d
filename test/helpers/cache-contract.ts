/**
 * The one contract every cache backend (native, Redis, memory) passes: a test file calls
 *
 *   cacheContract("memory", (options) => new MemoryCache(options), { bounded: true });
 *
 * and gets flat node:test tests named "<name> contract: ...".
 *
 * What the factory must do:
 * - Return a NEW, EMPTY cache (or a Promise of one) each call: every test makes its own and closes it
 *   at the end (`close()`), so a shared server needs a fresh namespace per call (Redis does this).
 * - Honour the options it is given: `defaultTtlMs`, and `maxEntries` / `maxBytes`. A backend that does
 *   not bound (Redis) declares `bounded: false`; it must still reject an entry larger than `maxBytes`
 *   with CacheEntryTooLargeError (Redis: map maxBytes to its maxEntryBytes).
 *
 * Semantics checked, the same for every backend:
 * - Values are bytes (strings stored as UTF-8); `get` returns a plain Uint8Array copy, `getText` a string.
 *   An empty value is a hit with 0 bytes, not a miss. Keys are strings compared exactly (no Unicode
 *   normalization); a key with a lone surrogate is rejected with InvalidCacheArgumentError.
 * - TTLs in ms: undefined = the default TTL, 0 = never expires; a negative or NaN TTL is an
 *   InvalidCacheArgumentError. Expired entries are never returned, counted, or listed.
 * - Stats: `get`, `getText` and each key of `getMany` count a hit or a miss; `has` counts neither;
 *   reading an expired entry counts an expiration; `bytes` is the UTF-8 key bytes + value bytes
 *   of the live entries; `evictions` counts entries removed for the bounds.
 * - `deletePrefix(p)` removes exactly the keys starting with `p` (glob characters are literal) and
 *   returns how many; `deletePrefix("")` removes everything.
 * - After `close()`, calls throw (or reject with) CacheClosedError.
 *
 * TTL tests sleep (40 ms TTLs, ~120 ms sleeps): they check what is returned, never how fast.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  type Cache,
  CacheClosedError,
  CacheEntryTooLargeError,
  type CacheOptions,
  InvalidCacheArgumentError,
} from "../../src/mod.ts";

export type CacheFactory = (options: CacheOptions) => Cache | Promise<Cache>;

export interface CacheCapabilities {
  /** The backend enforces maxEntries and maxBytes by evicting least recently used entries. */
  bounded: boolean;
  /** Skip every test with this reason (e.g. the backend's server is not available). */
  skip?: string | false;
}

const encoder = new TextEncoder();

function bytes(text: string): Uint8Array {
  return encoder.encode(text);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function cacheContract(name: string, factory: CacheFactory, capabilities: CacheCapabilities): void {
  const skip = capabilities.skip ?? false;
  const check = (title: string, options: CacheOptions, body: (cache: Cache) => Promise<void>): void => {
    test(`${name} contract: ${title}`, { skip }, async () => {
      const cache = await factory(options);
      try {
        await body(cache);
      } finally {
        await cache.close();
      }
    });
  };
  const bounded = (title: string, options: CacheOptions, body: (cache: Cache) => Promise<void>): void => {
    if (capabilities.bounded) check(title, options, body);
    else test(`${name} contract: ${title}`, { skip: `${name} does not bound entries or bytes` }, () => {});
  };

  check("get, set, has, delete", {}, async (cache) => {
    assert.equal(await cache.get("a"), undefined);
    assert.equal(await cache.getText("a"), undefined);
    assert.equal(await cache.has("a"), false);
    await cache.set("a", "alpha");
    assert.deepEqual(await cache.get("a"), bytes("alpha"));
    assert.equal(await cache.getText("a"), "alpha");
    assert.equal(await cache.has("a"), true);
    await cache.set("a", bytes("beta"));
    assert.equal(await cache.getText("a"), "beta");
    assert.equal(await cache.delete("a"), true);
    assert.equal(await cache.delete("a"), false);
    assert.equal(await cache.has("a"), false);
    assert.equal(await cache.get("a"), undefined);
  });

  check("empty values are hits; the empty key is a key", {}, async (cache) => {
    await cache.set("empty", "");
    await cache.set("", "empty key");
    assert.deepEqual(await cache.get("empty"), new Uint8Array(0));
    assert.equal(await cache.getText("empty"), "");
    assert.equal(await cache.has("empty"), true);
    assert.equal(await cache.getText(""), "empty key");
    assert.equal(await cache.size(), 2);
  });

  check("values are copied in and out", {}, async (cache) => {
    const input = Uint8Array.of(1, 2, 3);
    await cache.set("k", input);
    input[0] = 99;
    const first = await cache.get("k");
    assert.deepEqual(first, Uint8Array.of(1, 2, 3));
    first![1] = 99;
    assert.deepEqual(await cache.get("k"), Uint8Array.of(1, 2, 3));
    // A view into a larger buffer stores only its own bytes.
    const view = new Uint8Array([9, 8, 7, 6, 5]).subarray(1, 3);
    await cache.set("view", view);
    assert.deepEqual(await cache.get("view"), Uint8Array.of(8, 7));
  });

  check("an entry expires after its TTL", {}, async (cache) => {
    await cache.set("short", "x", 40);
    await cache.set("long", "y", 60_000);
    await cache.set("forever", "z", 0);
    await cache.set("default", "w"); // default TTL 0: never expires
    await sleep(120);
    assert.equal(await cache.get("short"), undefined);
    assert.equal(await cache.has("short"), false);
    assert.equal(await cache.getText("long"), "y");
    assert.equal(await cache.getText("forever"), "z");
    assert.equal(await cache.getText("default"), "w");
    assert.equal(await cache.size(), 3);
    assert.deepEqual((await cache.getMany(["short", "long"])).map((v) => v && new TextDecoder().decode(v)), [
      undefined,
      "y",
    ]);
    assert.equal(await cache.delete("short"), false);
  });

  check("expired entries are not counted by size, has or deletePrefix", {}, async (cache) => {
    await cache.set("p:1", "a", 40);
    await cache.set("p:2", "b", 40);
    await cache.set("p:3", "c");
    await sleep(120);
    assert.equal(await cache.size(), 1);
    assert.equal(await cache.has("p:1"), false);
    assert.equal(await cache.deletePrefix("p:"), 1);
    assert.equal(await cache.size(), 0);
  });

  check("the default TTL applies when set has none", { defaultTtlMs: 40 }, async (cache) => {
    await cache.set("default", "a");
    await cache.set("never", "b", 0);
    await cache.set("long", "c", 60_000);
    await cache.setMany([{ key: "many-default", value: "d" }, { key: "many-never", value: "e", ttlMs: 0 }]);
    await sleep(120);
    assert.equal(await cache.get("default"), undefined);
    assert.equal(await cache.get("many-default"), undefined);
    assert.equal(await cache.getText("never"), "b");
    assert.equal(await cache.getText("long"), "c");
    assert.equal(await cache.getText("many-never"), "e");
  });

  check("a set replaces the TTL of the entry it overwrites", {}, async (cache) => {
    await cache.set("k", "old", 40);
    await cache.set("k", "new");
    await sleep(120);
    assert.equal(await cache.getText("k"), "new");
    await cache.set("j", "old");
    await cache.set("j", "new", 40);
    await sleep(120);
    assert.equal(await cache.get("j"), undefined);
  });

  check("bad TTLs, keys and values are typed errors", {}, async (cache) => {
    await assert.rejects(async () => await cache.set("k", "v", -1), InvalidCacheArgumentError);
    await assert.rejects(async () => await cache.set("k", "v", Number.NaN), InvalidCacheArgumentError);
    await assert.rejects(async () => await cache.set("k", "v", Infinity), InvalidCacheArgumentError);
    await assert.rejects(async () => await cache.set("lone\uD800", "v"), InvalidCacheArgumentError);
    await assert.rejects(async () => await cache.get("lone\uDC00x"), InvalidCacheArgumentError);
    await assert.rejects(async () => await cache.deletePrefix("\uD800"), InvalidCacheArgumentError);
    await assert.rejects(
      async () => await cache.set("k", 42 as unknown as string),
      InvalidCacheArgumentError,
    );
    await assert.rejects(
      async () => await cache.setMany([{ key: "ok", value: "v" }, { key: "bad", value: "v", ttlMs: -5 }]),
      InvalidCacheArgumentError,
    );
    assert.equal(await cache.get("ok"), undefined, "a rejected setMany stores nothing");
    assert.equal(await cache.size(), 0);
  });

  check("deletePrefix removes exactly the matching keys", {}, async (cache) => {
    const keys = ["user:1", "user:2", "user:10", "user:", "users", "usr:1", "user", "u", "", "xuser:1"];
    for (const key of keys) await cache.set(key, key);
    assert.equal(await cache.deletePrefix("user:"), 4);
    for (const key of ["user:1", "user:2", "user:10", "user:"]) assert.equal(await cache.has(key), false, key);
    for (const key of ["users", "usr:1", "user", "u", "", "xuser:1"]) {
      assert.equal(await cache.getText(key), key, key);
    }
    assert.equal(await cache.deletePrefix("nothing"), 0);
    assert.equal(await cache.size(), 6);
    assert.equal(await cache.deletePrefix(""), 6);
    assert.equal(await cache.size(), 0);
  });

  check("deletePrefix treats glob characters literally", {}, async (cache) => {
    const keys = ["a*b", "a*c", "a?x", "ayx", "a[1]", "a1", "a\\z", "a]", "a^b", "a-b"];
    for (const key of keys) await cache.set(key, "v");
    assert.equal(await cache.deletePrefix("a*"), 2);
    assert.equal(await cache.deletePrefix("a?"), 1);
    assert.equal(await cache.deletePrefix("a["), 1);
    assert.equal(await cache.deletePrefix("a\\"), 1);
    assert.equal(await cache.deletePrefix("a]"), 1);
    const left = [];
    for (const key of keys) if (await cache.has(key)) left.push(key);
    assert.deepEqual(left, ["ayx", "a1", "a^b", "a-b"]);
  });

  check("clear removes everything and the cache stays usable", {}, async (cache) => {
    for (let i = 0; i < 50; i++) await cache.set(`k${i}`, `v${i}`);
    assert.equal(await cache.size(), 50);
    await cache.clear();
    assert.equal(await cache.size(), 0);
    assert.equal(await cache.get("k1"), undefined);
    await cache.set("after", "yes");
    assert.equal(await cache.getText("after"), "yes");
    assert.equal(await cache.size(), 1);
  });

  check("size counts live entries once", {}, async (cache) => {
    assert.equal(await cache.size(), 0);
    await cache.set("a", "1");
    await cache.set("b", "2");
    await cache.set("a", "3");
    assert.equal(await cache.size(), 2);
    await cache.delete("b");
    assert.equal(await cache.size(), 1);
  });

  check("stats count hits, misses, expirations, entries and bytes", {}, async (cache) => {
    const zero = await cache.stats();
    assert.deepEqual(
      [zero.entries, zero.bytes, zero.hits, zero.misses, zero.evictions, zero.expirations],
      [0, 0, 0, 0, 0, 0],
    );
    await cache.set("a", "12345"); // 1 + 5 bytes
    await cache.set("é", Uint8Array.of(0, 0)); // 2 + 2 bytes
    await cache.set("t", "x", 40);
    await cache.get("a");
    await cache.getText("a");
    await cache.get("missing");
    await cache.getMany(["a", "missing", "é"]);
    await cache.has("a");
    await cache.has("missing");
    await sleep(120);
    await cache.get("t"); // expired: a miss and an expiration
    const stats = await cache.stats();
    assert.equal(stats.hits, 4);
    assert.equal(stats.misses, 3);
    assert.equal(stats.expirations, 1);
    assert.equal(stats.evictions, 0);
    assert.equal(stats.entries, 2);
    assert.equal(stats.bytes, 10);
  });

  check("binary values: every byte value, NUL bytes", {}, async (cache) => {
    const all = new Uint8Array(512);
    for (let i = 0; i < all.length; i++) all[i] = i & 0xff;
    await cache.set("all", all);
    assert.deepEqual(await cache.get("all"), all);
    const nuls = new Uint8Array(64);
    await cache.set("nuls", nuls);
    assert.deepEqual(await cache.get("nuls"), nuls);
    await cache.set("nul-in-text", "a\0b\0");
    assert.equal(await cache.getText("nul-in-text"), "a\0b\0");
    await cache.set("key\0with\0nul", "v");
    assert.equal(await cache.getText("key\0with\0nul"), "v");
    assert.equal(await cache.get("key"), undefined);
    // Bytes that are not UTF-8 come back exactly from get.
    const invalid = Uint8Array.of(0xff, 0xfe, 0xc0, 0x80, 0xed, 0xa0, 0x80);
    await cache.set("invalid-utf8", invalid);
    assert.deepEqual(await cache.get("invalid-utf8"), invalid);
  });

  check("large values (1 and 4 MiB)", {}, async (cache) => {
    for (const size of [1 << 20, 4 << 20]) {
      const value = new Uint8Array(size);
      for (let i = 0; i < size; i++) value[i] = (i * 31 + (i >>> 9)) & 0xff;
      await cache.set(`big${size}`, value);
      const back = await cache.get(`big${size}`);
      assert.equal(back?.length, size);
      assert.ok(back && sameBytes(back, value), `value of ${size} bytes round-trips`);
    }
    const stats = await cache.stats();
    assert.equal(stats.bytes, (1 << 20) + (4 << 20) + "big1048576".length + "big4194304".length);
  });

  check("unicode keys and values are exact", {}, async (cache) => {
    const keys = ["😀", "键", "キー", "e\u0301", "\u00e9", "👨‍👩‍👧", "ключ", "مفتاح", "a\u200bb"];
    for (const key of keys) await cache.set(key, `value of ${key}`);
    for (const key of keys) assert.equal(await cache.getText(key), `value of ${key}`, key);
    // NFD and NFC spellings of é are different keys.
    await cache.delete("e\u0301");
    assert.equal(await cache.getText("\u00e9"), "value of \u00e9");
    assert.equal(await cache.deletePrefix("😀"), 1);
    // Half of an emoji is not a prefix of it: keys are compared as UTF-8, where it cannot be spelled.
    await assert.rejects(async () => await cache.deletePrefix("\uD83D"), InvalidCacheArgumentError);
  });

  check("getMany and setMany keep order and report misses", {}, async (cache) => {
    assert.deepEqual(await cache.getMany([]), []);
    await cache.setMany([]);
    await cache.setMany([
      { key: "a", value: "1" },
      { key: "b", value: bytes("2") },
      { key: "c", value: "3", ttlMs: 40 },
      { key: "a", value: "last wins" },
    ]);
    // "c" (40 ms) is read only after the sleep: reading it before could race its expiry on a busy machine.
    const values = await cache.getMany(["b", "missing", "a", "b"]);
    assert.deepEqual(values.map((v) => v && new TextDecoder().decode(v)), ["2", undefined, "last wins", "2"]);
    await sleep(120);
    assert.deepEqual((await cache.getMany(["c", "a"])).map((v) => v && new TextDecoder().decode(v)), [
      undefined,
      "last wins",
    ]);
    const many = Array.from({ length: 500 }, (_, i) => ({ key: `m${i}`, value: `v${i}` }));
    await cache.setMany(many);
    const back = await cache.getMany(many.map((e) => e.key));
    assert.deepEqual(back.map((v) => v && new TextDecoder().decode(v)), many.map((e) => e.value));
  });

  check("an entry larger than maxBytes is rejected and the cache is kept", { maxBytes: 1000 }, async (cache) => {
    await cache.set("small", "x".repeat(100));
    await assert.rejects(async () => await cache.set("big", new Uint8Array(1000)), CacheEntryTooLargeError);
    await assert.rejects(
      async () => await cache.setMany([{ key: "ok", value: "v" }, { key: "big", value: new Uint8Array(2000) }]),
      CacheEntryTooLargeError,
    );
    assert.equal(await cache.getText("small"), "x".repeat(100));
    assert.equal(await cache.get("big"), undefined);
    assert.equal(await cache.get("ok"), undefined);
    await cache.set("fits", new Uint8Array(996)); // 4 key bytes + 996 = maxBytes exactly
    assert.equal((await cache.get("fits"))?.length, 996);
  });

  bounded("maxEntries evicts the least recently used", { maxEntries: 3 }, async (cache) => {
    await cache.set("a", "1");
    await cache.set("b", "2");
    await cache.set("c", "3");
    await cache.get("a"); // a is now the most recently used
    await cache.set("d", "4");
    assert.equal(await cache.has("b"), false);
    for (const key of ["a", "c", "d"]) assert.equal(await cache.has(key), true, key);
    await cache.set("c", "3 again"); // overwriting does not evict
    assert.equal(await cache.size(), 3);
    const stats = await cache.stats();
    assert.equal(stats.evictions, 1);
    assert.equal(stats.entries, 3);
  });

  bounded("maxBytes evicts until the new entry fits", { maxBytes: 100 }, async (cache) => {
    for (const key of ["k1", "k2", "k3"]) await cache.set(key, new Uint8Array(28)); // 30 bytes each
    await cache.get("k1");
    await cache.set("k4", new Uint8Array(38)); // 40 bytes: needs 30 freed, evicts k2 only
    assert.equal(await cache.has("k2"), false);
    for (const key of ["k1", "k3", "k4"]) assert.equal(await cache.has(key), true, key);
    let stats = await cache.stats();
    assert.equal(stats.bytes, 100);
    assert.equal(stats.evictions, 1);
    await cache.set("k5", new Uint8Array(98)); // 100 bytes: everything else goes
    stats = await cache.stats();
    assert.deepEqual([stats.entries, stats.bytes, stats.evictions], [1, 100, 4]);
  });

  check("calls after close are CacheClosedError", {}, async (cache) => {
    await cache.set("k", "v");
    await cache.close();
    await cache.close(); // idempotent
    await assert.rejects(async () => await cache.get("k"), CacheClosedError);
    await assert.rejects(async () => await cache.set("k", "v"), CacheClosedError);
    await assert.rejects(async () => await cache.size(), CacheClosedError);
  });
}
