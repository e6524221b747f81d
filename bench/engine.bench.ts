/**
 * The gateway decision (bench/gateway: RBAC with role inheritance, tool sensitivity levels,
 * an IP allow-list, secret filtering) through a prepared query, from this runtime: the full
 * cost of a decision including the input's encoding and the result's decoding.
 * Prints mitata's table, then one JSON line for the report (scripts/bench adds `opa bench`).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { bench, do_not_optimize, run } from "mitata";
import { NativeEngine } from "../src/mod.ts";
import { packageRoot } from "../src/native/load.ts";
import { runtimeName, runtimeVersion } from "../src/native/runtime.ts";

const dir = join(packageRoot(), "bench", "gateway");
const engine = new NativeEngine();
engine.addPolicy("policy.rego", readFileSync(join(dir, "policy.rego"), "utf8"));
engine.setData("", JSON.parse(readFileSync(join(dir, "data.json"), "utf8")));
const input: unknown = JSON.parse(readFileSync(join(dir, "input.json"), "utf8"));
const decision = engine.prepare("data.gateway.decision");
const allow = engine.prepare("data.gateway.allow");

// The decision must be the one OPA gives (checked by the script against `opa eval`).
const value = decision.evaluate(input)[0]?.expressions[0]?.value as { allow?: boolean } | undefined;
if (value?.allow !== true) throw new Error(`unexpected decision: ${JSON.stringify(value)}`);

bench("gateway decision, prepared query (object in, object out)", () => do_not_optimize(decision.evaluate(input)));
bench("gateway decision, prepared query (object in, JSON text out)", () => do_not_optimize(decision.evaluateRaw(input)));
bench("gateway allow only, prepared query", () => do_not_optimize(allow.evaluate(input)));
bench("gateway decision, one-off evaluate (prepare + evaluate)", () => do_not_optimize(engine.evaluate("data.gateway.decision", input)));

const results = await run({ format: "mitata", colors: false });
const rows = results.benchmarks.map((trial) => {
  const stats = trial.runs[0]?.stats;
  return { name: trial.alias, avg: stats?.avg ?? NaN, p50: stats?.p50 ?? NaN, p99: stats?.p99 ?? NaN };
});
console.log("BENCH_JSON " + JSON.stringify({ runtime: runtimeName(), version: runtimeVersion(), rows }));
