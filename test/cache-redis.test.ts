import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createClient } from "@redis/client";
import { InvalidCacheArgumentError, RedisCache, type RedisCacheOptions } from "../src/mod.ts";
import { escapeGlob } from "../src/cache/redis.ts";
import { cacheContract } from "./helpers/cache-contract.ts";
import { type RedisServer, redisSkip, startRedisServer } from "./helpers/redis-server.ts";

let server: RedisServer | undefined;
let namespaces = 0;

before(async () => {
  if (!redisSkip) server = await startRedisServer();
});
after(async () => {
  await server?.stop();
});

function url(): string {
  if (!server) throw new Error("redis-server did not start");
  return server.url;
}

/** Each test gets its own namespace on the shared server, so tests start empty and see only their keys. */
function connect(options: RedisCacheOptions = {}): Promise<RedisCache> {
  namespaces++;
  return RedisCache.connect({ url: url(), namespace: `t${namespaces}`, ...options });
}

cacheContract(
  "redis",
  (options) =>
    connect({
      defaultTtlMs: options.defaultTtlMs,
      ...(options.maxBytes !== undefined ? { maxEntryBytes: options.maxBytes } : {}),
    }),
  { bounded: false, skip: redisSkip },
);

test("redis: keys are stored as <namespace>:<key>, with PX only when they expire", { skip: redisSkip }, async () => {
  const cache = await connect({ namespace: "app" });
  const raw = createClient({ url: url() });
  await raw.connect();
  try {
    await cache.set("k", "v");
    await cache.set("t", "v", 60_000);
    assert.equal(await raw.get("app:k"), "v");
    assert.equal(await raw.pTTL("app:k"), -1);
    const ttl = await raw.pTTL("app:t");
    assert.ok(ttl > 0 && ttl <= 60_000, `PTTL ${ttl}`);
    await cache.set("tiny", "v", 0.2); // PX 1, not PX 0 (which Redis rejects)
    await cache.set("frac", "v", 60_000.2); // PX 60001
    const frac = await raw.pTTL("app:frac");
    assert.ok(frac > 59_000 && frac <= 60_001, `PTTL ${frac}`);
  } finally {
    raw.destroy();
    await cache.close();
  }
});

test("redis: namespaces share one server without touching each other's keys", { skip: redisSkip }, async () => {
  const a = await connect({ namespace: "a*" }); // a glob character in the namespace
  const ab = await connect({ namespace: "ab" });
  const b = await connect({ namespace: "b" });
  const raw = createClient({ url: url() });
  await raw.connect();
  try {
    await raw.set("other-app:x", "keep");
    await raw.set("a*", "keep"); // the bare namespace name, without the colon
    for (const cache of [a, ab, b]) {
      await cache.setMany([{ key: "x", value: cache.namespace }, { key: "y", value: cache.namespace }]);
    }
    assert.equal(await a.size(), 2);
    assert.equal(await a.deletePrefix(""), 2);
    assert.equal(await ab.size(), 2, "namespace a* is not a pattern matching ab");
    assert.equal(await ab.getText("x"), "ab");
    await b.clear();
    assert.equal(await b.size(), 0);
    assert.equal(await ab.size(), 2);
    assert.equal(await raw.get("other-app:x"), "keep");
    assert.equal(await raw.get("a*"), "keep");
  } finally {
    raw.destroy();
    await Promise.all([a.close(), ab.close(), b.close()]);
  }
});

test("redis: prefix deletes and size page through many keys", { skip: redisSkip }, async () => {
  const cache = await connect();
  try {
    const entries = Array.from({ length: 5000 }, (_, i) => ({ key: `${i % 2 ? "odd" : "even"}:${i}`, value: "v" }));
    await cache.setMany(entries);
    assert.equal(await cache.size(), 5000);
    assert.equal(await cache.deletePrefix("odd:"), 2500);
    assert.equal(await cache.size(), 2500);
    assert.equal((await cache.stats()).bytes, entries.filter((_, i) => i % 2 === 0).reduce((n, e) => n + e.key.length + 1, 0));
    await cache.clear();
    assert.equal(await cache.size(), 0);
  } finally {
    await cache.close();
  }
});

test("redis: values written by another client are read back as bytes", { skip: redisSkip }, async () => {
  const cache = await connect({ namespace: "shared" });
  const raw = createClient({ url: url() });
  await raw.connect();
  try {
    await raw.set("shared:from-elsewhere", "héllo");
    assert.deepEqual(await cache.get("from-elsewhere"), new TextEncoder().encode("héllo"));
  } finally {
    raw.destroy();
    await cache.close();
  }
});

test("redis: bad options are typed errors", () => {
  assert.throws(() => new RedisCache({ url: "http://localhost" }), InvalidCacheArgumentError);
  assert.throws(() => new RedisCache({ url: "not a url" }), InvalidCacheArgumentError);
  assert.throws(() => new RedisCache({ namespace: "" }), InvalidCacheArgumentError);
  assert.throws(() => new RedisCache({ timeoutMs: 0 }), InvalidCacheArgumentError);
  assert.throws(() => new RedisCache({ onError: "ignore" as "miss" }), InvalidCacheArgumentError);
  assert.throws(() => new RedisCache({ defaultTtlMs: -1 }), InvalidCacheArgumentError);
});

test("redis: glob metacharacters are escaped for SCAN MATCH", () => {
  assert.equal(escapeGlob("a*b?c[d]e\\f^g-h"), "a\\*b\\?c\\[d\\]e\\\\f^g-h");
});
