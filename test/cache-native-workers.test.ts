import { test } from "node:test";
import assert from "node:assert/strict";
import { Worker } from "node:worker_threads";
import { NativeCache } from "../src/mod.ts";
import { scriptExt } from "./helpers/runtime.ts";

interface Report {
  id: number;
  wrong: number;
  seenOthers: number;
}

function runWorker(data: Record<string, unknown>): Promise<Report> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(`./fixtures/cache-native-worker${scriptExt}`, import.meta.url), { workerData: data });
    worker.once("message", (report: Report) => resolve(report));
    worker.once("error", reject);
    worker.once("exit", (code) => {
      if (code !== 0) reject(new Error(`worker exited with code ${code}`));
    });
  });
}

test("native workers: a cache opened by name is one cache for every worker thread", async () => {
  const name = `workers-${process.pid}-${Date.now()}`;
  const workers = 4;
  const keys = 2000;
  const rounds = 3;
  const main = new NativeCache({ name, maxEntries: 100_000 });
  try {
    main.set("from-main", "hello workers");
    const reports = await Promise.all(
      Array.from({ length: workers }, (_, id) => runWorker({ name, id, workers, keys, rounds, bounded: false })),
    );
    for (const report of reports) assert.equal(report.wrong, 0, `worker ${report.id} read a wrong value`);
    // Every key each worker wrote is visible here, through the main thread's own handle.
    for (let id = 0; id < workers; id++) {
      for (const i of [0, keys / 2, keys - 1]) assert.equal(main.getText(`w${id}:${i}`), `w${id}:${i}:value`);
      assert.equal(main.getText(`w${id}:round`), String(rounds - 1));
    }
    assert.equal(main.getText("from-main"), "hello workers");
    assert.equal(main.size(), workers * keys + workers + 1);
    // The later rounds find the earlier rounds' values of the other workers.
    assert.ok(reports.some((r) => r.seenOthers > 0));
    const stats = main.stats();
    assert.equal(stats.evictions, 0);
    assert.equal(stats.hits + stats.misses >= workers * keys * rounds * 3, true);
  } finally {
    main.close();
  }
  // The workers closed their handles and the main thread its own: the name now opens a new, empty cache.
  const again = new NativeCache({ name, maxEntries: 10 });
  try {
    assert.equal(again.size(), 0);
    assert.equal(again.maxEntries, 10);
  } finally {
    again.close();
  }
});

test("native workers: bounds hold while workers write at once", async () => {
  const name = `workers-bounded-${process.pid}-${Date.now()}`;
  const main = new NativeCache({ name, maxEntries: 3000, maxBytes: 120_000 });
  try {
    const reports = await Promise.all(
      Array.from({ length: 4 }, (_, id) => runWorker({ name, id, workers: 4, keys: 3000, rounds: 2, bounded: true })),
    );
    for (const report of reports) assert.equal(report.wrong, 0);
    const stats = main.stats();
    assert.ok(stats.entries <= 3000, `entries ${stats.entries}`);
    assert.ok(stats.bytes <= 120_000, `bytes ${stats.bytes}`);
    assert.ok(stats.evictions > 0);
  } finally {
    main.close();
  }
});
