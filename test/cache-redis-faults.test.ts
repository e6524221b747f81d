/**
 * Redis going away mid-run: calls fail at once with CacheUnavailableError (or answer as misses with
 * onError "miss"), a frozen server makes calls time out instead of hang, and the client recovers by
 * itself when the server is back on the same port. Every test has a timeout, so a hang fails it.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { CacheUnavailableError, RedisCache, type RedisCacheOptions } from "../src/mod.ts";
import { type RedisServer, redisSkip, startRedisServer } from "./helpers/redis-server.ts";

let server: RedisServer | undefined;
let namespaces = 0;

before(async () => {
  if (!redisSkip) server = await startRedisServer();
});
after(async () => {
  await server?.stop();
});

function live(): RedisServer {
  if (!server) throw new Error("redis-server did not start");
  return server;
}

const fast: RedisCacheOptions = { timeoutMs: 300, connectTimeoutMs: 2000, reconnectMinDelayMs: 20, reconnectMaxDelayMs: 200 };
const limits = { skip: redisSkip, timeout: 60_000 };

async function connect(options: RedisCacheOptions = {}): Promise<RedisCache> {
  // A test that failed half-way may have left the server stopped or frozen.
  if (!live().running) await live().start();
  live().thaw();
  namespaces++;
  return await RedisCache.connect({ url: live().url, namespace: `f${namespaces}`, ...fast, ...options });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Retries `call` until it succeeds (the client reconnecting), for at most 20 s. */
async function eventually<T>(call: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      return await call();
    } catch (err) {
      if (!(err instanceof CacheUnavailableError) || Date.now() > deadline) throw err;
      await sleep(50);
    }
  }
}

/** Every kind of call, each expected to reject with CacheUnavailableError. */
async function allUnavailable(cache: RedisCache): Promise<void> {
  const calls: [string, () => Promise<unknown>][] = [
    ["get", () => cache.get("k")],
    ["getText", () => cache.getText("k")],
    ["set", () => cache.set("k", "v", 1000)],
    ["has", () => cache.has("k")],
    ["delete", () => cache.delete("k")],
    ["deletePrefix", () => cache.deletePrefix("k")],
    ["clear", () => cache.clear()],
    ["size", () => cache.size()],
    ["stats", () => cache.stats()],
    ["getMany", () => cache.getMany(["k", "j"])],
    ["setMany", () => cache.setMany([{ key: "k", value: "v" }])],
  ];
  for (const [name, call] of calls) {
    await assert.rejects(call, (err: unknown) => {
      assert.ok(err instanceof CacheUnavailableError, `${name}: ${String(err)}`);
      assert.equal(err.code, "cache_unavailable");
      return true;
    }, name);
  }
}

test("redis faults: server gone → calls fail with CacheUnavailableError; back → the client recovers", limits, async () => {
  const cache = await connect();
  try {
    await cache.set("k", "before");
    assert.equal(await cache.getText("k"), "before");
    await live().stop();
    await allUnavailable(cache);
    await sleep(300); // while it keeps retrying in the background, calls still fail at once
    await allUnavailable(cache);
    assert.equal(cache.connected, false);
    await live().start();
    await eventually(() => cache.set("k", "after"));
    assert.equal(await cache.getText("k"), "after");
    assert.equal(cache.connected, true);
    const stats = await cache.stats();
    assert.ok(stats.errors >= 22, `errors counted: ${stats.errors}`);
  } finally {
    await cache.close();
  }
});

test("redis faults: onError miss → reads miss and writes are dropped while Redis is away", limits, async () => {
  const cache = await connect({ onError: "miss" });
  try {
    await cache.set("k", "v");
    await live().stop();
    assert.equal(await cache.get("k"), undefined);
    assert.equal(await cache.getText("k"), undefined);
    assert.equal(await cache.has("k"), false);
    assert.equal(await cache.delete("k"), false);
    await cache.set("k", "dropped");
    await cache.setMany([{ key: "a", value: "dropped" }]);
    assert.deepEqual(await cache.getMany(["k", "a"]), [undefined, undefined]);
    assert.equal(await cache.deletePrefix(""), 0);
    assert.equal(await cache.size(), 0);
    const down = await cache.stats();
    assert.equal(down.entries, 0);
    assert.ok(down.errors >= 10, `errors ${down.errors}`);
    await live().start();
    // Recovery: poll until a write lands (in miss mode a failed write is silent, so read it back).
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      await cache.set("k", "after");
      if ((await cache.getText("k")) === "after") break;
      await sleep(50);
    }
    assert.equal(await cache.getText("k"), "after");
    assert.equal(await cache.size(), 1);
  } finally {
    await cache.close();
  }
});

test("redis faults: a server that stops answering makes calls time out, not hang", limits, async () => {
  const cache = await connect({ timeoutMs: 200 });
  try {
    await cache.set("k", "v");
    live().freeze();
    try {
      await assert.rejects(() => cache.get("k"), (err: unknown) => {
        assert.ok(err instanceof CacheUnavailableError, String(err));
        assert.match(err.message, /200 ms|timeout|timed out/i);
        return true;
      });
      await assert.rejects(() => cache.setMany([{ key: "a", value: "b" }]), CacheUnavailableError);
      await assert.rejects(() => cache.size(), CacheUnavailableError);
    } finally {
      live().thaw();
    }
    assert.equal(await eventually(() => cache.getText("k")), "v");
  } finally {
    await cache.close();
  }
});

test("redis faults: connect to a server that is not there fails with CacheUnavailableError", limits, async () => {
  await live().stop();
  try {
    const url = live().url;
    await assert.rejects(() => RedisCache.connect({ url, ...fast, connectTimeoutMs: 500 }), CacheUnavailableError);
    // Constructed without waiting: calls fail at once until the server comes up, then succeed.
    const cache = new RedisCache({ url: live().url, namespace: "late", ...fast });
    try {
      await assert.rejects(() => cache.get("k"), CacheUnavailableError);
      await live().start();
      await eventually(() => cache.set("k", "late"));
      assert.equal(await cache.getText("k"), "late");
    } finally {
      await cache.close();
    }
  } finally {
    if (!live().running) await live().start();
  }
});
