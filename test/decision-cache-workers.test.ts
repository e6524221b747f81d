/**
 * DecisionCache over one native cache shared by worker threads: each worker sees only its own
 * decisions, and an invalidation from the main thread removes exactly the matching decisions
 * written by every worker.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Worker } from "node:worker_threads";
import { NativeCache } from "../src/cache/native.ts";
import { DecisionCache } from "../src/decision-cache.ts";
import { NativeUnavailableError } from "../src/errors.ts";
import { scriptExt } from "./helpers/runtime.ts";

const nativeSkip: string | false = (() => {
  try {
    new NativeCache().close();
    return false;
  } catch (err) {
    if (err instanceof NativeUnavailableError) return `native cache unavailable: ${err.message}`;
    throw err;
  }
})();

interface Report {
  id: number;
  wrong: number;
  evaluations: number;
}

function runWorker(data: Record<string, unknown>): Promise<Report> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(`./fixtures/decision-cache-worker${scriptExt}`, import.meta.url), { workerData: data });
    worker.once("message", (report: Report) => resolve(report));
    worker.once("error", reject);
    worker.once("exit", (code) => {
      if (code !== 0) reject(new Error(`worker exited with code ${code}`));
    });
  });
}

test("decision cache: worker threads share one native cache; invalidation reaches every worker's decisions", { skip: nativeSkip }, async () => {
  const name = `decisions-${process.pid}-${Date.now()}`;
  const workers = 4;
  const users = 10;
  const actions = ["gateway:tool:invoke", "gateway:server:access", "a2a:invoke"];
  const resources = ["tool:github", "server:github"];
  const rounds = 3;
  const main = new NativeCache({ name, maxEntries: 100_000 });
  const decisions = new DecisionCache<"sync", { by: string }>(main);
  try {
    const reports = await Promise.all(
      Array.from({ length: workers }, (_, id) => runWorker({ name, id, users, actions, resources, rounds })),
    );
    for (const report of reports) {
      assert.equal(report.wrong, 0, `worker ${report.id} got another worker's decision`);
      // Each decision was evaluated once; the later rounds were hits.
      assert.equal(report.evaluations, users * actions.length * resources.length);
    }
    const request = (id: number, u: number, action: string, resource: string) => {
      const [kind, resourceName] = resource.split(":") as [string, string];
      return {
        user: { id: `w${id}:u${u}` },
        action,
        ...(kind === "tool" ? { tool: { name: resourceName, sensitivity_level: "low" } } : { server: { name: resourceName } }),
      };
    };
    assert.equal(decisions.invalidate({ action: "gateway:server:access" }), workers * users * resources.length);
    // 2 live decisions, plus the resource-rotation copy left by the action invalidation above: the
    // count is of keys removed in one rotation (documented as an upper bound on the decisions).
    assert.equal(decisions.invalidate({ user: "w2:u3", resource: "tool:github" }), actions.length);
    for (let id = 0; id < workers; id++) {
      for (let u = 0; u < users; u++) {
        for (const action of actions) {
          for (const resource of resources) {
            const hit = decisions.get(request(id, u, action, resource));
            const gone = action === "gateway:server:access" || (id === 2 && u === 3 && resource === "tool:github");
            if (gone) assert.equal(hit, undefined);
            else assert.equal(hit?.decision.by, `w${id}:u${u}|${action}|${resource}`);
          }
        }
      }
    }
  } finally {
    main.close();
  }
});
