/**
 * DecisionCache over every backend available: memory always, Redis on a private redis-server,
 * native when the library loads with its cache. Times come from an injected clock: no test waits
 * for a TTL, and none asserts how fast anything is.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { Cache } from "../src/cache/types.ts";
import { MemoryCache } from "../src/cache/memory.ts";
import { NativeCache } from "../src/cache/native.ts";
import { NativeUnavailableError } from "../src/errors.ts";
import { RedisCache } from "../src/cache/redis.ts";
import {
  DecisionCache,
  DecisionCacheConfigError,
  type DecisionCacheOptions,
  DecisionCacheUsageError,
  type DecisionRequest,
  DecisionRequestError,
  DecisionValueError,
  type InvalidationScope,
  type JsonValue,
} from "../src/decision-cache.ts";
import { canonicalJson, ContextHasher, DecisionKeyLayout, escapeSegment, fieldTree, sha256Key } from "../src/decision-key.ts";
import { type RedisServer, redisSkip, startRedisServer } from "./helpers/redis-server.ts";

let server: RedisServer | undefined;
let redisNamespaces = 0;

before(async () => {
  if (!redisSkip) server = await startRedisServer();
});
after(async () => {
  await server?.stop();
});

interface Backend {
  name: string;
  skip: string | false;
  /** A new, empty cache for one test. */
  open(): Promise<Cache>;
}

/** Skipped only when the native library does not load here (the reason is the skip message). */
const nativeSkip: string | false = (() => {
  try {
    new NativeCache().close();
    return false;
  } catch (err) {
    if (err instanceof NativeUnavailableError) return `native cache unavailable: ${err.message}`;
    throw err;
  }
})();

const backends: Backend[] = [
  { name: "memory", skip: false, open: () => Promise.resolve(new MemoryCache()) },
  { name: "native", skip: nativeSkip, open: () => Promise.resolve(new NativeCache()) },
  {
    name: "redis",
    skip: redisSkip,
    open: () => {
      if (!server) throw new Error("redis-server did not start");
      redisNamespaces++;
      return RedisCache.connect({ url: server.url, namespace: `dc${redisNamespaces}` });
    },
  },
];

/** A clock the tests move by hand (ms since the epoch). */
class Clock {
  t = 1_800_000_000_000;
  readonly now = (): number => this.t;
}

function request(
  user: string,
  action: string,
  resource: string,
  extra: { level?: string; context?: Record<string, unknown> } = {},
): DecisionRequest {
  const [kind, ...rest] = resource.split(":");
  const name = rest.join(":");
  const target = extra.level === undefined ? { name } : { name, sensitivity_level: extra.level };
  return {
    user: { id: user, roles: ["dev"] },
    action,
    ...(kind === "tool" ? { tool: target } : { server: target }),
    context: extra.context ?? { ip: "10.0.0.1" },
  };
}

/** One test per backend, named "<backend>: <title>"; the cache is closed afterwards. */
function eachBackend(title: string, body: (cache: Cache, backend: string) => Promise<void>): void {
  for (const backend of backends) {
    test(`${backend.name}: ${title}`, { skip: backend.skip }, async () => {
      const cache = await backend.open();
      try {
        await body(cache, backend.name);
      } finally {
        await cache.close();
      }
    });
  }
}

function decisionCache(cache: Cache, options: DecisionCacheOptions = {}): DecisionCache<"sync" | "async", JsonValue> {
  return new DecisionCache<"sync" | "async", JsonValue>(cache, options);
}

/** A promise with its resolve function, to hold an evaluation open. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

// ------------------------------------------------------------------------------------------------
// Basic behaviour on every backend
// ------------------------------------------------------------------------------------------------

eachBackend("get misses, set stores, get returns the decision with its times", async (cache) => {
  const clock = new Clock();
  const dc = decisionCache(cache, { now: clock.now });
  const req = request("alice", "gateway:tool:invoke", "tool:github", { level: "high" });
  assert.equal(await dc.get(req), undefined);
  assert.equal(await dc.set(req, { allow: true, reason: "ok" }), true);
  const hit = await dc.get(req);
  assert.deepEqual(hit, {
    decision: { allow: true, reason: "ok" },
    storedAt: clock.t,
    expiresAt: clock.t + 300_000,
    stale: false,
  });
  const stats = dc.stats();
  assert.equal(stats.hits, 1);
  assert.equal(stats.misses, 1);
  assert.equal(stats.sets, 1);
  assert.equal(stats.hitRate, 0.5);
});

eachBackend("getOrEvaluate evaluates once, then answers from the cache", async (cache) => {
  const dc = decisionCache(cache);
  const req = request("bob", "gateway:tool:invoke", "tool:jira", { level: "low" });
  let calls = 0;
  const evaluate = (): JsonValue => {
    calls++;
    return { allow: calls === 1 };
  };
  assert.deepEqual(await dc.getOrEvaluate(req, evaluate), { allow: true });
  assert.deepEqual(await dc.getOrEvaluate(req, evaluate), { allow: true });
  assert.deepEqual(await dc.getOrEvaluate(req, async () => await Promise.resolve(evaluate())), { allow: true });
  assert.equal(calls, 1);
  const stats = dc.stats();
  assert.equal(stats.engineCalls, 1);
  assert.equal(stats.hits, 2);
  assert.equal(stats.misses, 1);
  assert.ok(stats.engineLatencyNs >= 0 && stats.savedEngineMs >= 0);
  assert.equal(stats.savedEngineMs, (stats.engineLatencyNs * 2) / 1e6);
});

eachBackend("a decision is never served for a request with another IP, roles or parameters", async (cache) => {
  const dc = decisionCache(cache);
  const base = request("carol", "gateway:tool:invoke", "tool:db", { level: "medium", context: { ip: "10.0.0.1" } });
  await dc.set(base, { allow: true });
  assert.ok(await dc.get(base));
  assert.equal(await dc.get({ ...base, context: { ip: "10.0.0.2" } }), undefined);
  assert.equal(await dc.get({ ...base, user: { id: "carol", roles: ["admin"] } }), undefined);
  assert.equal(await dc.get({ ...base, parameters: { table: "payroll" } }), undefined);
  assert.equal(await dc.get({ ...base, tool: { name: "db", sensitivity_level: "critical" } }), undefined);
  // Volatile fields and key order do not matter.
  const reordered: DecisionRequest = {
    context: { request_id: "r-2", timestamp: 1764028801, ip: "10.0.0.1" },
    tool: { sensitivity_level: "medium", name: "db" },
    action: "gateway:tool:invoke",
    user: { roles: ["dev"], id: "carol" },
  };
  assert.deepEqual((await dc.get(reordered))?.decision, { allow: true });
});

eachBackend("include narrows the hashed context to the listed fields", async (cache) => {
  const dc = decisionCache(cache, { include: ["context.ip"] });
  const base = request("dan", "gateway:tool:invoke", "tool:db", { level: "medium" });
  await dc.set(base, { allow: true });
  assert.ok(await dc.get({ ...base, user: { id: "dan", roles: ["admin"] }, parameters: { x: 1 } }));
  assert.equal(await dc.get({ ...base, context: { ip: "10.9.9.9" } }), undefined);
});

// ------------------------------------------------------------------------------------------------
// Invalidation: exactly the matching decisions, nothing else
// ------------------------------------------------------------------------------------------------

// Ids chosen to collide if separators were not escaped: user "a:b" + action "c" vs user "a" + action "b:c".
const USERS = ["alice", "a:b", "a", "a%3Ab", "ünï", "x\ud800y"];
const ACTIONS = ["gateway:tool:invoke", "c", "b:c"];
const RESOURCES = ["tool:github", "tool:a:b", "server:github", "server:a"];

function matches(scope: InvalidationScope, user: string, action: string, resource: string): boolean {
  return (scope.user === undefined || scope.user === user) && (scope.action === undefined || scope.action === action) &&
    (scope.resource === undefined || scope.resource === resource);
}

const SCOPES: InvalidationScope[] = [
  { user: "a" },
  { action: "c" },
  { resource: "tool:a:b" },
  { user: "a:b", action: "c" },
  { user: "alice", resource: "server:github" },
  { action: "b:c", resource: "server:a" },
  { user: "a", action: "b:c", resource: "tool:github" },
  { user: "nobody" },
  {},
];

for (const scope of SCOPES) {
  eachBackend(`invalidate(${JSON.stringify(scope)}) removes exactly the matching decisions`, async (cache) => {
    const dc = decisionCache(cache);
    const all: [string, string, string][] = [];
    for (const u of USERS) for (const a of ACTIONS) for (const r of RESOURCES) all.push([u, a, r]);
    for (const [u, a, r] of all) await dc.set(request(u, a, r), { u, a, r });
    const expected = all.filter(([u, a, r]) => matches(scope, u, a, r)).length;
    assert.equal(await dc.invalidate(scope), expected);
    for (const [u, a, r] of all) {
      const hit = await dc.get(request(u, a, r));
      if (matches(scope, u, a, r)) assert.equal(hit, undefined, `${u} ${a} ${r} should be gone`);
      else assert.deepEqual(hit?.decision, { u, a, r }, `${u} ${a} ${r} should remain`);
    }
  });
}

eachBackend("a second DecisionCache on the same backend sees the first one's invalidation", async (cache) => {
  const one = decisionCache(cache, { namespace: "shared" });
  const two = decisionCache(cache, { namespace: "shared" });
  const other = decisionCache(cache, { namespace: "other" });
  const req = request("erin", "gateway:server:access", "server:github");
  await one.set(req, { allow: true });
  await other.set(req, { allow: false });
  assert.ok(await two.get(req));
  await two.invalidate({ resource: "server:github" });
  assert.equal(await one.get(req), undefined);
  assert.deepEqual((await other.get(req))?.decision, { allow: false });
  await one.invalidate();
  assert.deepEqual((await other.get(req))?.decision, { allow: false });
});

eachBackend("a decision whose copies disagree (half written or half deleted) is a miss", async (cache) => {
  const dc = decisionCache(cache);
  const req = request("fay", "gateway:tool:invoke", "tool:x", { level: "low" });
  await dc.set(req, { allow: true });
  const keys = dc.keysFor(req)!;
  assert.equal(await cache.size(), 3);
  for (const key of keys) assert.ok(await cache.has(key), key);
  // Another token in one copy: the triple no longer agrees.
  await cache.set(keys[1], "someoneelse0");
  assert.equal(await dc.get(req), undefined);
  await dc.set(req, { allow: false });
  assert.deepEqual((await dc.get(req))?.decision, { allow: false });
  // One copy gone (as after an invalidation through its rotation).
  await cache.delete(keys[2]);
  assert.equal(await dc.get(req), undefined);
  // A primary that is not in the expected format.
  await dc.set(req, { allow: true });
  await cache.set(keys[0], "garbage");
  assert.equal(await dc.get(req), undefined);
});

eachBackend("an invalidation during an evaluation keeps its result out of the cache", async (cache) => {
  const dc = decisionCache(cache);
  const req = request("gus", "gateway:tool:invoke", "tool:y", { level: "low" });
  const held = deferred<JsonValue>();
  const started = deferred<void>();
  const answer = dc.getOrEvaluate(req, () => {
    started.resolve();
    return held.promise;
  });
  await started.promise; // the lookup (a round trip on Redis) missed and the evaluation began
  await dc.invalidate({ user: "gus" });
  held.resolve({ allow: true });
  assert.deepEqual(await answer, { allow: true });
  assert.equal(await dc.get(req), undefined);
  assert.equal(dc.stats().sets, 0);
});

eachBackend("concurrent misses of one key share one evaluation", async (cache) => {
  const dc = decisionCache(cache);
  const req = request("hal", "gateway:tool:invoke", "tool:z", { level: "low" });
  const held = deferred<JsonValue>();
  let calls = 0;
  const answers = Array.from({ length: 8 }, () =>
    dc.getOrEvaluate(req, () => {
      calls++;
      return held.promise;
    }));
  await new Promise((r) => setTimeout(r, 0));
  held.resolve({ allow: true });
  for (const answer of answers) assert.deepEqual(await answer, { allow: true });
  assert.equal(calls, 1);
  assert.deepEqual((await dc.get(req))?.decision, { allow: true });
});

// ------------------------------------------------------------------------------------------------
// TTL by sensitivity, level 0, unknown levels
// ------------------------------------------------------------------------------------------------

const LEVELS: [string | undefined, number][] = [
  ["critical", 60],
  ["high", 300],
  ["medium", 900],
  ["low", 1800],
  ["public", 3600],
  ["CRITICAL", 60],
  ["no-such-level", 60],
  [undefined, 60],
];

eachBackend("TTL follows the sensitivity level; nothing is served at or past the stored expiry", async (cache) => {
  const clock = new Clock();
  const dc = decisionCache(cache, { now: clock.now });
  for (const [level, seconds] of LEVELS) {
    const start = clock.t;
    const req = request("ivy", "gateway:tool:invoke", `tool:t-${level}`, level === undefined ? {} : { level });
    await dc.set(req, { level: level ?? null });
    const hit = await dc.get(req);
    assert.equal(hit?.expiresAt, start + seconds * 1000, `level ${level}`);
    clock.t = start + seconds * 1000 - 1;
    assert.ok(await dc.get(req), `level ${level}: hit 1 ms before expiry`);
    clock.t = start + seconds * 1000;
    // The backend still holds the entry (its own TTL runs on real time): the stored expiry decides.
    assert.equal(await dc.get(req), undefined, `level ${level}: miss at expiry`);
    clock.t = start;
  }
  assert.equal(dc.stats().expired, LEVELS.length);
});

eachBackend("a level with TTL 0 is never cached; the TTL table is configurable", async (cache) => {
  const clock = new Clock();
  const dc = decisionCache(cache, {
    now: clock.now,
    ttlSeconds: { critical: 0, high: 10, secret: 5 },
    unknownLevelTtlSeconds: 0,
  });
  const critical = request("jay", "gateway:tool:invoke", "tool:vault", { level: "critical" });
  assert.equal(await dc.set(critical, { allow: true }), false);
  assert.equal(await dc.get(critical), undefined);
  let calls = 0;
  await dc.getOrEvaluate(critical, () => ({ n: ++calls }));
  await dc.getOrEvaluate(critical, () => ({ n: ++calls }));
  assert.equal(calls, 2);
  const unknown = request("jay", "gateway:tool:invoke", "tool:vault", { level: "mystery" });
  assert.equal(await dc.set(unknown, { allow: true }), false);
  assert.equal(await cache.size(), 0);
  const stats = dc.stats();
  assert.equal(stats.bypassed, 5);
  assert.equal(stats.hits + stats.misses, 0);
  assert.equal(dc.ttlMsFor("high"), 10_000);
  assert.equal(dc.ttlMsFor("secret"), 5_000);
  assert.equal(dc.ttlMsFor("medium"), 900_000);
  assert.equal(dc.ttlMsFor(undefined), 0);
});

eachBackend("decisionTtlMs caps the level's TTL, 0 stores nothing; acceptHit turns a hit into a miss", async (cache) => {
  const clock = new Clock();
  const dc = new DecisionCache<"sync" | "async", { ttl: number; t: number }>(cache, {
    now: clock.now,
    decisionTtlMs: (d) => d.ttl * 1000,
    acceptHit: (d, req) => d.t === (req.context as { timestamp: number }).timestamp,
  });
  // context.timestamp is left out of the key by default: every req(t) has the same keys.
  const req = (t: number): DecisionRequest =>
    request("alice", "gateway:tool:invoke", "tool:github", { level: "low", context: { timestamp: t } });
  assert.equal(await dc.set(req(1), { ttl: 0, t: 1 }), false);
  assert.equal(await dc.get(req(1)), undefined);
  assert.equal(dc.stats().bypassed, 1);
  assert.equal(await dc.set(req(1), { ttl: 10, t: 1 }), true);
  assert.equal((await dc.get(req(1)))?.expiresAt, clock.t + 10_000); // not low's 1800 s
  assert.equal(await dc.get(req(2)), undefined, "a hit acceptHit refuses is a miss");
  let evaluated = 0;
  const fresh = await dc.getOrEvaluate(req(2), () => ({ ttl: 10, t: (evaluated++, 2) }));
  assert.deepEqual([fresh, evaluated], [{ ttl: 10, t: 2 }, 1]);
  assert.deepEqual((await dc.get(req(2)))?.decision, { ttl: 10, t: 2 }, "the refused entry was replaced");
  clock.t += 9_999;
  assert.ok(await dc.get(req(2)));
  clock.t += 1;
  assert.equal(await dc.get(req(2)), undefined, "expired at the decision's own TTL");
  // Concurrent misses share an evaluation only when acceptHit lets it answer them.
  const held = deferred<{ ttl: number; t: number }>();
  let calls = 0;
  const first = dc.getOrEvaluate(req(5), () => (calls++, held.promise));
  const second = dc.getOrEvaluate(req(6), () => ({ ttl: 10, t: (calls++, 6) }));
  const third = dc.getOrEvaluate(req(5), () => ({ ttl: 10, t: (calls++, 5) }));
  held.resolve({ ttl: 10, t: 5 });
  assert.deepEqual(await Promise.all([first, second, third]), [{ ttl: 10, t: 5 }, { ttl: 10, t: 6 }, { ttl: 10, t: 5 }]);
  assert.equal(calls, 2, "req(5) twice: one evaluation; req(6): its own");
  await assert.rejects(async () => await dc.set(req(3), { ttl: -1, t: 3 }), DecisionValueError);
});

// ------------------------------------------------------------------------------------------------
// Stale-while-revalidate
// ------------------------------------------------------------------------------------------------

eachBackend("stale-while-revalidate: concurrent stale hits are served and refreshed once", async (cache) => {
  const clock = new Clock();
  const dc = decisionCache(cache, {
    now: clock.now,
    staleWhileRevalidate: { levels: ["critical"], refreshWhenRemaining: 0.3 },
  });
  const req = request("kim", "gateway:tool:invoke", "tool:prod-db", { level: "critical" });
  const start = clock.t;
  await dc.set(req, { version: 1 });

  clock.t = start + 41_000; // 19 s of 60 left: more than 30%, fresh
  let calls = 0;
  assert.deepEqual(await dc.getOrEvaluate(req, () => ({ version: ++calls })), { version: 1 });
  assert.equal(calls, 0);

  clock.t = start + 43_000; // 17 s left: under 30%, stale
  const held = deferred<JsonValue>();
  const answers = await Promise.all(Array.from({ length: 10 }, () =>
    dc.getOrEvaluate(req, () => {
      calls++;
      return held.promise;
    })));
  for (const answer of answers) assert.deepEqual(answer, { version: 1 });
  assert.equal(calls, 1);
  assert.equal(dc.stats().staleHits, 11 - 1);
  assert.equal(dc.stats().revalidations, 1);
  held.resolve({ version: 2 });
  await dc.settled();
  const refreshed = await dc.get(req);
  assert.deepEqual(refreshed?.decision, { version: 2 });
  assert.equal(refreshed?.storedAt, start + 43_000);
  assert.equal(refreshed?.stale, false);
});

eachBackend("stale-while-revalidate: only the chosen levels, never past the TTL, failures counted", async (cache) => {
  const clock = new Clock();
  const errors: unknown[] = [];
  const dc = decisionCache(cache, {
    now: clock.now,
    staleWhileRevalidate: { levels: ["critical"] },
    onRevalidateError: (err) => errors.push(err),
  });
  const high = request("lee", "gateway:tool:invoke", "tool:a", { level: "high" });
  const critical = request("lee", "gateway:tool:invoke", "tool:b", { level: "critical" });
  const start = clock.t;
  await dc.set(high, { v: "high" });
  await dc.set(critical, { v: "critical" });

  clock.t = start + 299_000; // high: 1 s left, but high is not a SWR level
  let calls = 0;
  assert.deepEqual(await dc.getOrEvaluate(high, () => ({ v: ++calls })), { v: "high" });
  assert.equal((await dc.get(high))?.stale, false);
  assert.equal(calls, 0);

  clock.t = start + 59_000; // critical: stale; the refresh fails
  assert.deepEqual(await dc.getOrEvaluate(critical, () => Promise.reject(new Error("engine down"))), { v: "critical" });
  await dc.settled();
  assert.equal(errors.length, 1);
  assert.equal(dc.stats().revalidationErrors, 1);
  assert.deepEqual((await dc.get(critical))?.decision, { v: "critical" });

  clock.t = start + 60_000; // expired: evaluated in the foreground, the stale decision is not served
  assert.deepEqual(await dc.getOrEvaluate(critical, () => ({ v: "fresh" })), { v: "fresh" });
});

// ------------------------------------------------------------------------------------------------
// Sync fast path and errors
// ------------------------------------------------------------------------------------------------

eachBackend("getOrEvaluateSync: plain values on sync backends, a typed error on async ones", async (cache) => {
  const dc = decisionCache(cache);
  const req = request("max", "gateway:tool:invoke", "tool:c", { level: "low" });
  if (cache.mode === "async") {
    assert.throws(() => (dc as DecisionCache<"sync", JsonValue>).getOrEvaluateSync(req, () => 1), DecisionCacheUsageError);
    return;
  }
  const sync = dc as DecisionCache<"sync", JsonValue>;
  const first = sync.getOrEvaluateSync(req, () => ({ allow: true }));
  assert.deepEqual(first, { allow: true });
  const second = sync.getOrEvaluateSync(req, () => ({ allow: false }));
  assert.ok(!(second instanceof Promise));
  assert.deepEqual(second, { allow: true });
  const got = sync.get(req);
  assert.ok(!(got instanceof Promise));
  const other = request("max", "gateway:tool:invoke", "tool:d", { level: "low" });
  assert.throws(
    () => sync.getOrEvaluateSync(other, () => Promise.resolve(1) as unknown as JsonValue),
    DecisionCacheUsageError,
  );
});

eachBackend("malformed requests and decisions are typed errors", async (cache) => {
  const dc = decisionCache(cache);
  const bad: unknown[] = [
    null,
    {},
    { user: { id: "" }, action: "a", tool: { name: "t" } },
    { user: { id: 7 }, action: "a", tool: { name: "t" } },
    { user: { id: "u" }, action: "", tool: { name: "t" } },
    { user: { id: "u" }, action: "a" },
    { user: { id: "u" }, action: "a", tool: { name: "" } },
    { user: { id: "u" }, action: "a", tool: { name: "t" }, context: { n: 10n } },
  ];
  for (const req of bad) {
    await assert.rejects(async () => await dc.get(req as DecisionRequest), DecisionRequestError, JSON.stringify(String(req)));
  }
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  await assert.rejects(
    async () => await dc.get({ ...request("u", "a", "tool:t"), context: cyclic }),
    DecisionRequestError,
  );
  await assert.rejects(async () => await dc.set(request("u", "a", "tool:t"), undefined as unknown as JsonValue), DecisionValueError);
  // Sync backends throw, async ones reject: never both.
  const call = (f: () => unknown): Promise<unknown> => {
    if (cache.mode === "sync") {
      try {
        return Promise.resolve(f());
      } catch (err) {
        return Promise.reject(err);
      }
    }
    const answer = f();
    assert.ok(answer instanceof Promise, "an async backend answers with a Promise, even for bad input");
    return answer;
  };
  await assert.rejects(call(() => dc.invalidate({ resource: "github" })), DecisionRequestError);
  await assert.rejects(call(() => dc.invalidate({ user: "" })), DecisionRequestError);
  await assert.rejects(call(() => dc.get({ user: { id: "u" }, action: "a" } as DecisionRequest)), DecisionRequestError);
  await assert.rejects(call(() => dc.set({ user: { id: "u" }, action: "a" } as DecisionRequest, 1)), DecisionRequestError);
});

// ------------------------------------------------------------------------------------------------
// Keys: canonical JSON, escaping, configuration (no backend needed)
// ------------------------------------------------------------------------------------------------

test("canonical JSON: key order does not matter, at any depth", () => {
  const a = { b: 1, a: { d: [{ y: 2, x: 1 }], c: "s" } };
  const b = { a: { c: "s", d: [{ x: 1, y: 2 }] }, b: 1 };
  assert.equal(canonicalJson(a), canonicalJson(b));
  assert.equal(canonicalJson(a), '{"a":{"c":"s","d":[{"x":1,"y":2}]},"b":1}');
  assert.notEqual(canonicalJson({ a: [1, 2] }), canonicalJson({ a: [2, 1] }));
});

test("canonical JSON: undefined, NaN, Infinity, Date, toJSON and boxed values follow JSON.stringify", () => {
  const date = new Date("2026-11-25T00:00:00.000Z");
  const value = {
    u: undefined,
    f: () => 1,
    arr: [undefined, NaN, Infinity, -0, () => 1],
    d: date,
    bad: new Date(NaN),
    custom: { toJSON: () => ({ z: 1, y: 2 }) },
    boxed: [new Number(3), new String("s"), new Boolean(false)],
    s: "quote\" back\\ nl\n é",
  };
  assert.equal(
    canonicalJson(value),
    '{"arr":[null,null,null,0,null],"bad":null,"boxed":[3,"s",false],"custom":{"y":2,"z":1},' +
      '"d":"2026-11-25T00:00:00.000Z","s":"quote\\" back\\\\ nl\\n é"}',
  );
  // Canonical JSON parses back to what JSON.stringify would have sent the engine.
  assert.deepEqual(JSON.parse(canonicalJson(value)), JSON.parse(JSON.stringify(value)));
  // So a field set to undefined is the same request as one without it; NaN is null.
  assert.equal(canonicalJson({ a: 1, b: undefined }), canonicalJson({ a: 1 }));
  assert.equal(canonicalJson({ a: NaN }), canonicalJson({ a: null }));
  assert.equal(canonicalJson({ d: date }), canonicalJson({ d: date.toISOString() }));
  assert.throws(() => canonicalJson({ n: 1n }), DecisionRequestError);
});

test("canonical JSON: skipped fields are left out only at their path", () => {
  const skip = fieldTree(["context.timestamp", "user.id"], "exclude");
  assert.equal(
    canonicalJson({ user: { id: "x", roles: [] }, context: { timestamp: 1, ip: "a" }, timestamp: 2 }, skip),
    '{"context":{"ip":"a"},"timestamp":2,"user":{"roles":[]}}',
  );
});

test("context hash: the memo by plain JSON text agrees with the canonical hash, whatever the key order", () => {
  const skip = fieldTree(["user.id", "context.timestamp"], "exclude");
  const hasher = new ContextHasher(undefined, skip);
  class Point {
    constructor(readonly x: number, readonly y: number) {}
  }
  const variants: Record<string, unknown>[] = [
    { user: { id: "a", roles: ["r"] }, context: { ip: "1", timestamp: 1 } },
    { context: { timestamp: 2, ip: "1" }, user: { roles: ["r"], id: "b" } },
    { user: { roles: ["r"] }, context: { ip: "1" } },
    { user: { roles: ["r"] }, context: { ip: "1", when: undefined } },
  ];
  const expected = sha256Key(canonicalJson(variants[0], skip));
  for (let round = 0; round < 2; round++) { // the second round answers from the memo
    for (const v of variants) assert.equal(hasher.hash(v), expected, JSON.stringify(v));
  }
  // Objects that are not plain (class instances, toJSON, Dates) take the canonical path only.
  const date = new Date("2026-01-01T00:00:00Z");
  const special = [
    { user: { roles: ["r"] }, context: { ip: "1", at: date } },
    { user: { roles: ["r"] }, context: new Point(1, 2) },
    { user: { roles: ["r"] }, context: { toJSON: () => ({ ip: "1" }) } },
  ];
  for (let round = 0; round < 2; round++) {
    for (const v of special) assert.equal(hasher.hash(v), sha256Key(canonicalJson(v, skip)));
  }
  assert.equal(hasher.hash(special[0]!), hasher.hash({ context: { at: date.toISOString(), ip: "1" }, user: { roles: ["r"] } }));
  assert.notEqual(hasher.hash(variants[0]!), hasher.hash({ user: { roles: ["r"] }, context: { ip: "2" } }));
  assert.throws(() => hasher.hash({ context: { n: 1n } }), DecisionRequestError);
  assert.throws(() => new ContextHasher(fieldTree(["context"], "include"), skip).hash({ context: { n: 1n } }), DecisionRequestError);
});

test("segments are escaped injectively, to a glob-free ASCII alphabet", () => {
  const ids = ["a:b", "a", "b", "a%3Ab", "a*", "a?[x]", "ü", "\u{1F600}", "\ud800", "\udc00x", "", "a b"];
  const escaped = ids.map(escapeSegment);
  assert.equal(new Set(escaped).size, ids.length);
  for (const e of escaped) assert.match(e, /^[A-Za-z0-9._@%-]*$/);
  assert.equal(escapeSegment("a:b"), "a%3Ab");
  assert.equal(escapeSegment("ü"), "%C3%BC");
  assert.equal(escapeSegment("\u{1F600}"), "%F0%9F%98%80");
  assert.equal(escapeSegment("\ud800"), "%uD800");
});

test("every invalidation scope maps to one rotation's prefix; the empty scope to all three", () => {
  const layout = new DecisionKeyLayout("ns");
  const [u, a, r] = layout.keys("U", "A", "R", "H");
  assert.deepEqual([u, a, r], ["ns:u:U:A:R:H", "ns:a:A:R:U:H", "ns:r:R:U:A:H"]);
  const cases: [InvalidationScope, string[]][] = [
    [{ user: "U" }, ["ns:u:U:"]],
    [{ user: "U", action: "A" }, ["ns:u:U:A:"]],
    [{ user: "U", action: "A", resource: "R" }, ["ns:u:U:A:R:"]],
    [{ action: "A" }, ["ns:a:A:"]],
    [{ action: "A", resource: "R" }, ["ns:a:A:R:"]],
    [{ resource: "R" }, ["ns:r:R:"]],
    [{ resource: "R", user: "U" }, ["ns:r:R:U:"]],
    [{}, ["ns:u:", "ns:a:", "ns:r:"]],
  ];
  for (const [scope, prefixes] of cases) {
    assert.deepEqual(layout.prefixes(scope), prefixes, JSON.stringify(scope));
    // The prefix selects the decision's copy in that rotation.
    assert.ok([u, a, r].some((k) => k.startsWith(prefixes[0]!)));
  }
});

test("configuration errors are typed", () => {
  const cache = new MemoryCache();
  const bad: DecisionCacheOptions[] = [
    { ttlSeconds: { high: -1 } },
    { ttlSeconds: { high: Number.NaN } },
    { unknownLevelTtlSeconds: -5 },
    { staleWhileRevalidate: { levels: ["critical"], refreshWhenRemaining: 0 } },
    { staleWhileRevalidate: { levels: ["critical"], refreshWhenRemaining: 1.5 } },
    { include: ["context..ip"] },
    { exclude: [""] },
    { namespace: "" },
  ];
  for (const options of bad) assert.throws(() => new DecisionCache(cache, options), DecisionCacheConfigError, JSON.stringify(options));
  assert.throws(() => new DecisionCache({} as Cache), DecisionCacheConfigError);
  // Unknown levels default to the shortest non-zero TTL of the table.
  assert.equal(new DecisionCache(cache, { ttlSeconds: { critical: 0 } }).ttlMsFor("??"), 300_000);
  assert.equal(new DecisionCache(cache).ttlMsFor("??"), 60_000);
});
