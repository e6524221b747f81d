/**
 * Runs the real `opa bench` on the gateway decision (same policy, data and input as
 * bench/engine.bench.ts) and prints one BENCH_JSON line in the report's shape.
 * Usage: opa-bench.ts <opa binary>
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { packageRoot } from "../src/native/load.ts";

const opa = process.argv[2];
if (!opa) throw new Error("usage: opa-bench.ts <opa binary>");
const dir = join(packageRoot(), "bench", "gateway");
const version = execFileSync(opa, ["version"], { encoding: "utf8" }).split("\n")[0]?.replace("Version: ", "") ?? "?";
const runs: number[] = [];
for (let i = 0; i < 3; i++) {
  const out = execFileSync(opa, [
    "bench", "--format", "json",
    "-d", join(dir, "policy.rego"), "-d", join(dir, "data.json"), "-i", join(dir, "input.json"),
    "data.gateway.decision",
  ], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const result = JSON.parse(out) as { N: number; T: number };
  runs.push(result.T / result.N);
}
runs.sort((a, b) => a - b);
const median = runs[1]!;
console.log("BENCH_JSON " + JSON.stringify({
  runtime: "opa bench",
  version,
  rows: [{ name: "gateway decision, prepared query (object in, object out)", avg: median, p50: median, p99: NaN }],
}));
