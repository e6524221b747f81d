/**
 * The FFI floor: what one call into the native library costs from this runtime, and a
 * JSON round trip of a 1 KB gateway input through the native value. Every later figure
 * is measured against these. Prints mitata's table, then one JSON line for the report.
 */
import { bench, do_not_optimize, run } from "mitata";
import { loadNative } from "../src/native/load.ts";
import { normalizeJson } from "../src/mod.ts";
import { gatewayInputJson } from "./fixtures.ts";
import { runtimeVersion } from "../src/native/runtime.ts";

const { info, library } = loadNative();
if (!library) throw new Error(`native library unavailable: ${info.error}`);
const symbols = library.symbols;

bench("ffi no-op call (sark_abi_version)", () => do_not_optimize(symbols.sark_abi_version()));
bench("json round trip, 1 KB gateway input (native)", () => do_not_optimize(normalizeJson(gatewayInputJson)));
bench("json round trip, 1 KB (JSON.parse + JSON.stringify, reference)", () =>
  do_not_optimize(JSON.stringify(JSON.parse(gatewayInputJson))));

const results = await run({ format: "mitata", colors: false });
const rows = results.benchmarks.map((trial) => {
  const stats = trial.runs[0]?.stats;
  return { name: trial.alias, avg: stats?.avg ?? NaN, p50: stats?.p50 ?? NaN, p99: stats?.p99 ?? NaN };
});
console.log("BENCH_JSON " + JSON.stringify({ runtime: info.runtime, version: runtimeVersion(), inputBytes: gatewayInputJson.length, rows }));
