/**
 * bench/authorize.bench.ts's BENCH_JSON lines (one per runtime) as one markdown table, with the
 * ratios of each runtime's own run and the issue's targets.
 * Usage: authorize-report.ts <output.md> <log files...>
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import os from "node:os";

interface Row {
  name: string;
  avg: number;
  p50: number;
  p99: number;
}
interface Pair {
  name: string;
  a: string;
  b: string;
  aNs: number;
  bNs: number;
}
interface RuntimeResult {
  pairs: Pair[];
  runtime: string;
  version: string;
  opa: string;
  opaWasm: string;
  wasmNote: string;
  rows: Row[];
}

const [output, ...logs] = process.argv.slice(2);
if (!output || logs.length === 0) throw new Error("usage: authorize-report.ts <output.md> <logs...>");

const results: RuntimeResult[] = logs.map((log) => {
  const line = readFileSync(log, "utf8").split("\n").find((l) => l.startsWith("BENCH_JSON "));
  if (!line) throw new Error(`${log}: no BENCH_JSON line`);
  return JSON.parse(line.slice("BENCH_JSON ".length)) as RuntimeResult;
});

const fmt = (ns: number): string =>
  !Number.isFinite(ns) ? "n/a" : ns < 1000 ? `${ns.toFixed(0)} ns` : ns < 1e6 ? `${(ns / 1e3).toFixed(2)} µs` : `${(ns / 1e6).toFixed(2)} ms`;
const p50 = (r: RuntimeResult, name: string): number => r.rows.find((row) => row.name === name)?.p50 ?? NaN;
const ratio = (slow: number, fast: number): string => (Number.isFinite(slow / fast) ? `${(slow / fast).toFixed(1)}×` : "n/a");

const N = {
  nativePrepared: "pack: native, prepared query",
  nativeOneOff: "pack: native, one-off (prepare + evaluate each time)",
  opaHttp: "pack: HTTP OPA, prepared query (keep-alive)",
  wasmPack: "pack: opa-wasm",
  authorizeNative: "pack: authorize, native, no cache",
  authorizeNativeHit: "pack: authorize, native, cache hit",
  authorizeOpa: "pack: authorize, HTTP OPA, no cache",
  authorizeOpaHit: "pack: authorize, HTTP OPA, cache hit",
  gatewayNative: "bench/gateway: native, prepared query",
  gatewayWasm: "bench/gateway: opa-wasm",
};

const first = results[0]!;
const lines: string[] = [];
lines.push("# authorize(): the gateway policy pack's decision, native vs HTTP OPA vs opa-wasm, with and without the decision cache", "");
lines.push(`- Date: ${new Date().toISOString()}`);
lines.push(`- Machine: ${os.cpus()[0]?.model ?? "unknown CPU"}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.release()}; load average when the report was written: ${os.loadavg().map((l) => l.toFixed(1)).join(", ")} (shared machine: read ratios, not absolute times)`);
lines.push(`- Runtimes: ${results.map((r) => `${r.runtime} ${r.version}`).join(", ")}; OPA ${first.opa} (\`opa run --server\`, keep-alive undici pool, started by the bench); @open-policy-agent/opa-wasm ${first.opaWasm}`);
lines.push("- Input: the README's gateway request (developer, medium tool, parameters with a secret); every path checked against OPA's decision before timing");
lines.push("- Tool: mitata, p50 per decision; avg and p99 in the last table", "");
lines.push(`opa-wasm: ${first.wasmNote}.`, "");

lines.push(`| benchmark | ${results.map((r) => r.runtime).join(" | ")} |`);
lines.push(`|---|${results.map(() => "---:").join("|")}|`);
const names = [...new Set(results.flatMap((r) => r.rows.map((row) => row.name)))];
for (const name of names) lines.push(`| ${name} | ${results.map((r) => fmt(p50(r, name))).join(" | ")} |`);

const wasmOnPack = Number.isFinite(p50(first, N.wasmPack));
lines.push("", "Ratios, each from one runtime's own run: measured interleaved (alternating batches of the two, 41 rounds, median time per call of each, so that load from elsewhere falls on both alike):", "");
const pairNames = [...new Set(results.flatMap((r) => r.pairs.map((p) => p.name)))];
lines.push(`| ratio | ${results.map((r) => r.runtime).join(" | ")} |`);
lines.push(`|---|${results.map(() => "---:").join("|")}|`);
for (const name of pairNames) {
  lines.push(`| ${name} | ${results.map((r) => {
    const p = r.pairs.find((x) => x.name === name);
    return p ? `${ratio(p.bNs, p.aNs)} (${fmt(p.bNs)} / ${fmt(p.aNs)})` : "n/a";
  }).join(" | ")} |`);
}
lines.push("", "The same ratios and a few more from the mitata p50s above (sequential runs; noisier on a loaded machine):", "");
lines.push(`| ratio | ${results.map((r) => r.runtime).join(" | ")} |`);
lines.push(`|---|${results.map(() => "---:").join("|")}|`);
const ratios: [string, (r: RuntimeResult) => string][] = [
  ["HTTP OPA ÷ native, prepared query", (r) => ratio(p50(r, N.opaHttp), p50(r, N.nativePrepared))],
  ["authorize: HTTP OPA ÷ native, no cache", (r) => ratio(p50(r, N.authorizeOpa), p50(r, N.authorizeNative))],
  ["HTTP OPA prepared ÷ authorize native cache hit", (r) => ratio(p50(r, N.opaHttp), p50(r, N.authorizeNativeHit))],
  ["native one-off ÷ native prepared", (r) => ratio(p50(r, N.nativeOneOff), p50(r, N.nativePrepared))],
  ["native evaluation ÷ native cache hit (authorize)", (r) => ratio(p50(r, N.authorizeNative), p50(r, N.authorizeNativeHit))],
  [
    wasmOnPack ? "opa-wasm ÷ native, pack" : "opa-wasm ÷ native, bench/gateway",
    (r) => wasmOnPack ? ratio(p50(r, N.wasmPack), p50(r, N.nativePrepared)) : ratio(p50(r, N.gatewayWasm), p50(r, N.gatewayNative)),
  ],
];
for (const [name, cell] of ratios) lines.push(`| ${name} | ${results.map(cell).join(" | ")} |`);

const bun = results.find((r) => r.runtime === "bun");
if (bun) {
  const mark = (ok: boolean): string => (ok ? "met" : "**not met**");
  const evalP50 = p50(bun, N.nativePrepared);
  const hitP50 = p50(bun, N.authorizeNativeHit);
  const pairOf = (prefix: string): Pair | undefined => bun.pairs.find((p) => p.name.startsWith(prefix));
  const opaPair = pairOf("HTTP OPA ÷ native");
  const hitPair = pairOf("HTTP OPA ÷ authorize cache hit");
  const wasmPair = pairOf("opa-wasm ÷ native");
  const vsOpa = opaPair ? opaPair.bNs / opaPair.aNs : NaN;
  const vsWasm = wasmPair ? wasmPair.bNs / wasmPair.aNs : NaN;
  lines.push("", "Targets (Bun; ratios from the interleaved measurements):", "");
  lines.push(`- native p50 ≤ 5 µs from TypeScript: the pack's full evaluation ${fmt(evalP50)} (${mark(evalP50 <= 5000)}); authorize() answered from the decision cache ${fmt(hitP50)} (${mark(hitP50 <= 5000)})`);
  lines.push(`- ≥ 100× faster than HTTP OPA: ${vsOpa.toFixed(1)}× for an evaluation (${mark(vsOpa >= 100)}); ${hitPair ? (hitPair.bNs / hitPair.aNs).toFixed(1) : "n/a"}× for a cache hit`);
  lines.push(`- faster than opa-wasm${wasmOnPack ? "" : " (on bench/gateway: the pack does not run on opa-wasm)"}: ${vsWasm.toFixed(2)}× (${mark(vsWasm > 1)})`);
}

lines.push("", "| runtime | benchmark | avg | p50 | p99 |", "|---|---|---:|---:|---:|");
for (const r of results) for (const row of r.rows) lines.push(`| ${r.runtime} | ${row.name} | ${fmt(row.avg)} | ${fmt(row.p50)} | ${fmt(row.p99)} |`);
mkdirSync(dirname(output), { recursive: true });
writeFileSync(output, lines.join("\n") + "\n");
console.log(lines.join("\n"));
