/**
 * The cache from TypeScript: the native cache against lru-cache (the usual in-JS cache), the
 * pure TS MemoryCache and Redis (node-redis on a redis-server this script starts on loopback and
 * stops at the end), for get hit, get miss, set, a 90/10 get/set mix, and a DecisionCache hit on
 * each backend next to the engine evaluation a hit saves. Then the throughput of 1 and 4 worker
 * threads sharing one native cache. Prints mitata's table, then one JSON line for
 * bench/cache-report.ts.
 *
 * Workload: 10 000 keys `bench:key:<i>` with 128-byte values and a 10-minute TTL, read in a
 * cycle (every key as often, no single hot key); misses read keys never set.
 */
import { spawnSync } from "node:child_process";
import os from "node:os";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { Worker } from "node:worker_threads";
import { bench, do_not_optimize, run } from "mitata";
import { LRUCache } from "lru-cache";
import { createClient } from "@redis/client";
import { DecisionCache, type DecisionRequest, MemoryCache, NativeCache, NativeEngine, RedisCache } from "../src/mod.ts";
import { packageRoot } from "../src/native/load.ts";
import { runtimeName, runtimeVersion } from "../src/native/runtime.ts";
import { startRedisServer } from "../test/helpers/redis-server.ts";
import { LruCacheAdapter } from "./lru-adapter.ts";
import type { WorkerJob, WorkerReport } from "./cache-worker.ts";

const KEY_COUNT = 10_000;
const VALUE_BYTES = 128;
const TTL_MS = 600_000;
const SHARED_NAME = "bench-shared";
const THROUGHPUT_MS = 1500;

const loadBefore = os.loadavg()[0] ?? NaN;
const keys = Array.from({ length: KEY_COUNT }, (_, i) => `bench:key:${i}`);
const missKeys = Array.from({ length: KEY_COUNT }, (_, i) => `bench:miss:${i}`);
const value = new Uint8Array(VALUE_BYTES).fill(97);

// ---- backends -------------------------------------------------------------------------------
const native = new NativeCache({ name: SHARED_NAME, maxEntries: 100_000 });
const memory = new MemoryCache({ maxEntries: 100_000 });
const lru = new LRUCache<string, Uint8Array>({ max: 100_000 });
const server = await startRedisServer();
const redis = await RedisCache.connect({ url: server.url, namespace: "bench" });
const rawRedis = createClient({ url: server.url });
await rawRedis.connect();

for (const key of keys) {
  native.set(key, value, TTL_MS);
  memory.set(key, value, TTL_MS);
  lru.set(key, value, { ttl: TTL_MS });
}
for (let i = 0; i < KEY_COUNT; i += 1000) {
  await redis.setMany(keys.slice(i, i + 1000).map((key) => ({ key, value, ttlMs: TTL_MS })));
}

/** A cycling index shared by a benchmark's iterations. */
function cycle(): () => number {
  let i = 0;
  return () => {
    const at = i;
    i = i + 1 === KEY_COUNT ? 0 : i + 1;
    return at;
  };
}

interface Ops {
  getHit(i: number): unknown;
  getMiss(i: number): unknown;
  set(i: number): unknown;
}

const syncBackends: [string, Ops][] = [
  ["native", {
    getHit: (i) => native.get(keys[i]!),
    getMiss: (i) => native.get(missKeys[i]!),
    set: (i) => native.set(keys[i]!, value, TTL_MS),
  }],
  ["lru-cache", {
    getHit: (i) => lru.get(keys[i]!),
    getMiss: (i) => lru.get(missKeys[i]!),
    set: (i) => lru.set(keys[i]!, value, { ttl: TTL_MS }),
  }],
  ["memory", {
    getHit: (i) => memory.get(keys[i]!),
    getMiss: (i) => memory.get(missKeys[i]!),
    set: (i) => memory.set(keys[i]!, value, TTL_MS),
  }],
];

for (const [name, ops] of syncBackends) {
  const a = cycle(), b = cycle(), c = cycle(), d = cycle();
  bench(`get hit · ${name}`, () => do_not_optimize(ops.getHit(a())));
  bench(`get miss · ${name}`, () => do_not_optimize(ops.getMiss(b())));
  bench(`set · ${name}`, () => do_not_optimize(ops.set(c())));
  bench(`mix 90/10 · ${name}`, () => {
    const i = d();
    return do_not_optimize(i % 10 === 0 ? ops.set(i) : ops.getHit(i));
  });
}
{
  const a = cycle(), b = cycle(), c = cycle(), d = cycle(), e = cycle();
  bench("get hit · redis", async () => do_not_optimize(await redis.get(keys[a()]!)));
  bench("get miss · redis", async () => do_not_optimize(await redis.get(missKeys[b()]!)));
  bench("set · redis", async () => do_not_optimize(await redis.set(keys[c()]!, value, TTL_MS)));
  bench("mix 90/10 · redis", async () => {
    const i = d();
    return do_not_optimize(i % 10 === 0 ? await redis.set(keys[i]!, value, TTL_MS) : await redis.get(keys[i]!));
  });
  // node-redis itself, without RedisCache's namespacing, checks and byte copies.
  bench("get hit · node-redis (raw GET)", async () => do_not_optimize(await rawRedis.get(`bench:${keys[e()]!}`)));
}

// ---- decision cache -------------------------------------------------------------------------
const gateway = join(packageRoot(), "bench", "gateway");
const engine = new NativeEngine();
engine.addPolicy("policy.rego", readFileSync(join(gateway, "policy.rego"), "utf8"));
engine.setData("", JSON.parse(readFileSync(join(gateway, "data.json"), "utf8")));
const request = JSON.parse(readFileSync(join(gateway, "input.json"), "utf8")) as DecisionRequest;
const prepared = engine.prepare("data.gateway.decision");
const evaluate = (input: DecisionRequest): unknown => prepared.evaluate(input)[0]?.expressions[0]?.value;
const decision = evaluate(request) as { allow?: boolean } | undefined;
if (decision?.allow !== true) throw new Error(`unexpected decision: ${JSON.stringify(decision)}`);

const lruAdapter = new LruCacheAdapter(100_000);
const decisionNative = new DecisionCache<"sync", unknown>(native);
const decisionNarrow = new DecisionCache<"sync", unknown>(native, {
  namespace: "narrow",
  include: ["user.roles", "user.teams", "tool", "server", "context.ip"],
});
const decisionLru = new DecisionCache<"sync", unknown>(lruAdapter);
const decisionMemory = new DecisionCache<"sync", unknown>(memory);
const decisionRedis = new DecisionCache<"async", unknown>(redis);
for (const dc of [decisionNative, decisionNarrow, decisionLru, decisionMemory]) dc.getOrEvaluateSync(request, evaluate);
await decisionRedis.getOrEvaluate(request, evaluate);

bench("engine evaluation (what a decision hit saves)", () => do_not_optimize(evaluate(request)));
bench("decision hit · native", () => do_not_optimize(decisionNative.getOrEvaluateSync(request, evaluate)));
bench("decision hit · native, Promise API", async () =>
  do_not_optimize(await decisionNative.getOrEvaluate(request, evaluate)));
bench("decision hit · native, 5 hashed fields", () =>
  do_not_optimize(decisionNarrow.getOrEvaluateSync(request, evaluate)));
bench("decision hit · lru-cache", () => do_not_optimize(decisionLru.getOrEvaluateSync(request, evaluate)));
bench("decision hit · memory", () => do_not_optimize(decisionMemory.getOrEvaluateSync(request, evaluate)));
bench("decision hit · redis", async () => do_not_optimize(await decisionRedis.getOrEvaluate(request, evaluate)));

const results = await run({ format: "mitata", colors: false });
const rows = results.benchmarks.map((trial) => {
  const stats = trial.runs[0]?.stats;
  return { name: trial.alias, avg: stats?.avg ?? NaN, p50: stats?.p50 ?? NaN, p99: stats?.p99 ?? NaN };
});
for (const [name, dc] of [["native", decisionNative], ["lru-cache", decisionLru], ["redis", decisionRedis]] as const) {
  const s = dc.stats();
  if (s.misses !== 1 || s.engineCalls !== 1) throw new Error(`decision cache on ${name} missed: ${JSON.stringify(s)}`);
}

// ---- throughput: worker threads sharing the native cache ---------------------------------------
async function throughput(workers: number, op: WorkerJob["op"]): Promise<number> {
  const job: WorkerJob = { name: SHARED_NAME, keyCount: KEY_COUNT, op, durationMs: THROUGHPUT_MS, valueBytes: VALUE_BYTES, ttlMs: TTL_MS };
  const ext = import.meta.url.endsWith(".js") ? ".js" : ".ts";
  const threads = Array.from({ length: workers }, () => new Worker(new URL(`./cache-worker${ext}`, import.meta.url), { workerData: job }));
  try {
    await Promise.all(threads.map((t) => new Promise<void>((resolve, reject) => {
      t.once("message", () => resolve());
      t.once("error", reject);
    })));
    const reports = threads.map((t) => new Promise<WorkerReport>((resolve, reject) => {
      t.once("message", (report: WorkerReport) => resolve(report));
      t.once("error", reject);
    }));
    for (const t of threads) t.postMessage("go");
    const done = await Promise.all(reports);
    for (const r of done) if (op === "get-hit" && r.hits !== r.ops) throw new Error(`worker missed: ${JSON.stringify(r)}`);
    return done.reduce((sum, r) => sum + r.ops / (r.elapsedMs / 1000), 0);
  } finally {
    await Promise.all(threads.map((t) => t.terminate()));
  }
}

const scaling: { op: string; workers: number; opsPerSec: number }[] = [];
for (const op of ["get-hit", "mix-90-10"] as const) {
  for (const workers of [1, 4]) {
    const opsPerSec = await throughput(workers, op);
    scaling.push({ op, workers, opsPerSec });
    console.log(`throughput ${op}, ${workers} worker(s) sharing the native cache: ${(opsPerSec / 1e6).toFixed(2)} M ops/s`);
  }
}

rawRedis.destroy();
await redis.close();
await server.stop();
native.close();

const redisVersion = spawnSync(process.env.REDIS_SERVER_BIN ?? "redis-server", ["--version"], { encoding: "utf8" }).stdout
  .match(/v=(\S+)/)?.[1] ?? "unknown";
console.log("BENCH_JSON " + JSON.stringify({
  runtime: runtimeName(),
  version: runtimeVersion(),
  redis: redisVersion,
  keys: KEY_COUNT,
  valueBytes: VALUE_BYTES,
  load: [loadBefore, os.loadavg()[0] ?? NaN],
  rows,
  throughput: scaling,
}));
