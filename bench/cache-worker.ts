/**
 * One worker thread of the shared-cache throughput benchmark (bench/cache.bench.ts): opens the
 * process-wide native cache by name, says "ready", waits for "go", then runs `op` for `durationMs`
 * and reports how many operations it did.
 */
import { parentPort, workerData } from "node:worker_threads";
import { NativeCache } from "../src/cache/native.ts";

export interface WorkerJob {
  name: string;
  keyCount: number;
  op: "get-hit" | "mix-90-10";
  durationMs: number;
  valueBytes: number;
  ttlMs: number;
}

export interface WorkerReport {
  ops: number;
  elapsedMs: number;
  hits: number;
}

const port = parentPort;
if (!port) throw new Error("cache-worker.ts runs as a worker thread");
const job = workerData as WorkerJob;
const cache = new NativeCache({ name: job.name });
const keys = Array.from({ length: job.keyCount }, (_, i) => `bench:key:${i}`);
const value = new Uint8Array(job.valueBytes).fill(97);

port.once("message", () => {
  let ops = 0;
  let hits = 0;
  // Different workers start at different keys, so they do not walk the same key in step.
  let i = Math.floor(Math.random() * keys.length);
  const mix = job.op === "mix-90-10";
  const start = performance.now();
  const end = start + job.durationMs;
  let now = start;
  while (now < end) {
    for (let n = 0; n < 1024; n++) {
      const key = keys[i]!;
      if (mix && ops % 10 === 0) cache.set(key, value, job.ttlMs);
      else if (cache.get(key) !== undefined) hits++;
      ops++;
      i = i + 1 === keys.length ? 0 : i + 1;
    }
    now = performance.now();
  }
  const report: WorkerReport = { ops, elapsedMs: now - start, hits };
  cache.close();
  port.postMessage(report);
});
port.postMessage("ready");
