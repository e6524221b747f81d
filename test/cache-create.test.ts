import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import {
  CacheUnavailableError,
  createCache,
  InvalidCacheArgumentError,
  MemoryCache,
  NativeCache,
  nativeInfo,
  NativeUnavailableError,
  RedisCache,
} from "../src/mod.ts";
import { freePort } from "./helpers/free-port.ts";
import { type RedisServer, redisSkip, startRedisServer } from "./helpers/redis-server.ts";
import { runInSameRuntime, scriptExt } from "./helpers/runtime.ts";

let server: RedisServer | undefined;

before(async () => {
  if (!redisSkip) server = await startRedisServer();
});
after(async () => {
  await server?.stop();
});

function redisUrl(): string {
  if (!server) throw new Error("redis-server did not start");
  return server.url;
}

const autoScript = new URL(`./fixtures/cache-auto${scriptExt}`, import.meta.url);

function auto(env: Record<string, string>): { backend: string; reason: string; cacheBackend: string; works: boolean } {
  const out = runInSameRuntime(autoScript, env);
  assert.equal(out.status, 0, out.stderr);
  return JSON.parse(out.stdout);
}

test("createCache: a named backend is that backend", { skip: redisSkip }, async () => {
  const memory = await createCache({ backend: "memory", maxEntries: 10 });
  assert.ok(memory.cache instanceof MemoryCache);
  assert.deepEqual([memory.backend, memory.reason], ["memory", "requested: memory"]);
  assert.equal((memory.cache as MemoryCache).maxEntries, 10);
  await memory.cache.close();

  const redis = await createCache({ backend: "redis", redisUrl: redisUrl(), namespace: "create" });
  assert.ok(redis.cache instanceof RedisCache);
  assert.equal(redis.backend, "redis");
  await redis.cache.set("k", "v");
  assert.equal(await redis.cache.getText("k"), "v");
  await redis.cache.clear();
  await redis.cache.close();
});

test("createCache: native is chosen by loading the library, never by a file's presence", async () => {
  const info = nativeInfo();
  if (info.available) {
    const native = await createCache({ backend: "native" });
    assert.ok(native.cache instanceof NativeCache);
    native.cache.close();
    const chosen = await createCache({});
    assert.equal(chosen.backend, "native");
    assert.match(chosen.reason, /native library loaded from /);
    assert.ok(chosen.reason.includes(String(info.path)));
    chosen.cache.close();
  } else {
    await assert.rejects(() => createCache({ backend: "native" }), NativeUnavailableError);
  }
});

test("createCache: auto without native and without Redis is memory, and says why", () => {
  const chosen = auto({ SARK_NATIVE: "0", REDIS_URL: "" });
  assert.equal(chosen.backend, "memory");
  assert.equal(chosen.cacheBackend, "memory");
  assert.ok(chosen.works);
  assert.match(chosen.reason, /native library unavailable \(disabled by SARK_NATIVE=0\)/);
  assert.match(chosen.reason, /no Redis URL/);
});

test("createCache: auto without native takes Redis when REDIS_URL is set", { skip: redisSkip }, () => {
  const chosen = auto({ SARK_NATIVE: "0", REDIS_URL: redisUrl() });
  assert.equal(chosen.backend, "redis");
  assert.equal(chosen.cacheBackend, "redis");
  assert.ok(chosen.works);
  assert.ok(chosen.reason.includes(redisUrl()), chosen.reason);
});

test("createCache: auto falls back to memory when Redis does not answer, and says so", async () => {
  const port = await freePort(); // nothing listens there
  const chosen = auto({ SARK_NATIVE: "0", REDIS_URL: `redis://127.0.0.1:${port}` });
  assert.equal(chosen.backend, "memory");
  assert.ok(chosen.works);
  assert.match(chosen.reason, /Redis unreachable/);
});

test("createCache: a named backend that cannot start throws", async () => {
  const port = await freePort();
  await assert.rejects(
    () => createCache({ backend: "redis", redisUrl: `redis://127.0.0.1:${port}`, connectTimeoutMs: 300 }),
    CacheUnavailableError,
  );
});

test("createCache: bad options fail the same whichever backend", async () => {
  await assert.rejects(() => createCache({ backend: "disk" as "memory" }), InvalidCacheArgumentError);
  for (const backend of ["auto", "memory", "redis"] as const) {
    await assert.rejects(() => createCache({ backend, maxEntries: 0, redisUrl: "redis://127.0.0.1:1" }), InvalidCacheArgumentError);
    await assert.rejects(() => createCache({ backend, defaultTtlMs: -1, redisUrl: "redis://127.0.0.1:1" }), InvalidCacheArgumentError);
  }
});
