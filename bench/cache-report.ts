/**
 * Turns the BENCH_JSON lines of bench/cache.bench.ts (one log per runtime) into bench/results/cache.md:
 * per runtime, each operation on each backend with the ratios native vs lru-cache and native vs Redis
 * from the same run; the targets; the decision-cache hit; the shared-cache throughput.
 * Usage: cache-report.ts <output.md> <log files...>
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import os from "node:os";
import process from "node:process";

interface Row {
  name: string;
  avg: number;
  p50: number;
  p99: number;
}
interface Throughput {
  op: string;
  workers: number;
  opsPerSec: number;
}
interface RuntimeResult {
  runtime: string;
  version: string;
  redis: string;
  keys: number;
  valueBytes: number;
  /** 1-minute load average when the run started and ended (other work on the machine). */
  load?: [number, number];
  rows: Row[];
  throughput: Throughput[];
}

const [output, ...logs] = process.argv.slice(2);
if (!output || logs.length === 0) throw new Error("usage: cache-report.ts <output.md> <logs...>");

const results: RuntimeResult[] = logs.map((log) => {
  const line = readFileSync(log, "utf8").split("\n").find((l) => l.startsWith("BENCH_JSON "));
  if (!line) throw new Error(`${log}: no BENCH_JSON line`);
  return JSON.parse(line.slice("BENCH_JSON ".length)) as RuntimeResult;
});

const fmt = (ns: number): string =>
  !Number.isFinite(ns) ? "n/a" : ns < 1000 ? `${ns.toFixed(1)} ns` : ns < 1e6 ? `${(ns / 1e3).toFixed(2)} µs` : `${(ns / 1e6).toFixed(2)} ms`;
const ratio = (x: number): string => (Number.isFinite(x) ? `${x >= 10 ? x.toFixed(0) : x.toFixed(2)}×` : "n/a");
const p50 = (r: RuntimeResult, name: string): number => r.rows.find((row) => row.name === name)?.p50 ?? NaN;
const packageVersion = (name: string): string => {
  try {
    return (JSON.parse(readFileSync(join("node_modules", name, "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
};

const OPS = ["get hit", "get miss", "set", "mix 90/10"];
const BACKENDS = ["native", "lru-cache", "memory", "redis"];
const first = results[0]!;
const lines: string[] = [];
lines.push("# Cache: native vs lru-cache vs Redis, from TypeScript", "");
lines.push(`- Date: ${new Date().toISOString()}`);
lines.push(
  `- Machine: ${os.cpus()[0]?.model ?? "unknown CPU"}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.release()}`,
);
lines.push(`- Runtimes: ${results.map((r) => `${r.runtime} ${r.version}`).join(", ")}`);
lines.push(
  `- Peers: lru-cache ${packageVersion("lru-cache")}; redis-server ${first.redis} on loopback through node-redis (@redis/client ${packageVersion("@redis/client")}), started and stopped by the benchmark`,
);
lines.push(
  `- Workload: ${first.keys} keys, ${first.valueBytes}-byte values with a 10-minute TTL, read in a cycle; misses read keys never set. "memory" is MemoryCache (the pure TS fallback).`,
);
lines.push(
  `- Load average (1 min) at start and end of each run: ${results.map((r) => `${r.runtime} ${r.load ? r.load.map((l) => l.toFixed(1)).join(" → ") : "n/a"}`).join(", ")} (on ${os.cpus().length} cores; above the core count, other work shared the CPUs and the figures are pessimistic)`,
);
lines.push("- Tool: mitata, p50 per operation (avg and p99 in the last table)", "");

for (const r of results) {
  lines.push(`## ${r.runtime} ${r.version}`, "");
  lines.push("| operation | native | lru-cache | memory | redis | native ÷ lru-cache (time) | redis ÷ native (time) |");
  lines.push("|---|---:|---:|---:|---:|---:|---:|");
  for (const op of OPS) {
    const t = BACKENDS.map((b) => p50(r, `${op} · ${b}`));
    lines.push(`| ${op} | ${t.map(fmt).join(" | ")} | ${ratio(t[0]! / t[1]!)} | ${ratio(t[3]! / t[0]!)} |`);
  }
  lines.push(`| get hit, node-redis raw GET | | | | ${fmt(p50(r, "get hit · node-redis (raw GET)"))} | | |`, "");
}

lines.push("## Targets (get hit, p50)", "");
lines.push(`| target | ${results.map((r) => r.runtime).join(" | ")} |`);
lines.push(`|---|${results.map(() => "---:").join("|")}|`);
const verdict = (ok: boolean): string => (ok ? "met" : "missed");
lines.push(`| native hit ≤ 200 ns (Bun and Deno) | ${results.map((r) => {
  const t = p50(r, "get hit · native");
  return r.runtime === "node" ? `${fmt(t)} (no target)` : `${fmt(t)}: ${verdict(t <= 200)}`;
}).join(" | ")} |`);
lines.push(`| native ≥ 100× faster than Redis | ${results.map((r) => {
  const x = p50(r, "get hit · redis") / p50(r, "get hit · native");
  return `${ratio(x)}: ${verdict(x >= 100)}`;
}).join(" | ")} |`);
lines.push(`| native within 3× of lru-cache | ${results.map((r) => {
  const x = p50(r, "get hit · native") / p50(r, "get hit · lru-cache");
  return `${ratio(x)} the time: ${verdict(x <= 3)}`;
}).join(" | ")} |`, "");

lines.push("## Decision cache (DecisionCache over each backend, the 1 KB gateway request of bench/gateway)", "");
lines.push(
  "A hit hashes the request's decision-relevant fields (by default all but volatile ones), reads the decision's three keys in one `getMany` and parses the stored decision. \"5 hashed fields\" narrows the hash with `include`. The engine row is the evaluation a hit replaces. The sync path is `getOrEvaluateSync`; \"Promise API\" is `getOrEvaluate` on the same backend.",
  "",
);
const decisionRows = [...new Set(results.flatMap((r) => r.rows.map((row) => row.name)))].filter((n) =>
  n.startsWith("decision hit") || n.startsWith("engine evaluation")
);
lines.push(`| benchmark | ${results.map((r) => r.runtime).join(" | ")} |`);
lines.push(`|---|${results.map(() => "---:").join("|")}|`);
for (const name of decisionRows) lines.push(`| ${name} | ${results.map((r) => fmt(p50(r, name))).join(" | ")} |`);
lines.push(
  `| engine ÷ native decision hit (time) | ${results.map((r) => ratio(p50(r, "engine evaluation (what a decision hit saves)") / p50(r, "decision hit · native"))).join(" | ")} |`,
  "",
);

lines.push(`## Throughput: worker threads sharing one native cache (${os.cpus().length} cores)`, "");
lines.push("| runtime | operation | 1 worker | 4 workers | 4 ÷ 1 |", "|---|---|---:|---:|---:|");
for (const r of results) {
  for (const op of [...new Set(r.throughput.map((t) => t.op))]) {
    const one = r.throughput.find((t) => t.op === op && t.workers === 1)?.opsPerSec ?? NaN;
    const four = r.throughput.find((t) => t.op === op && t.workers === 4)?.opsPerSec ?? NaN;
    lines.push(`| ${r.runtime} | ${op} | ${(one / 1e6).toFixed(2)} M ops/s | ${(four / 1e6).toFixed(2)} M ops/s | ${ratio(four / one)} |`);
  }
}
lines.push("", "| runtime | benchmark | avg | p50 | p99 |", "|---|---|---:|---:|---:|");
for (const r of results) for (const row of r.rows) lines.push(`| ${r.runtime} | ${row.name} | ${fmt(row.avg)} | ${fmt(row.p50)} | ${fmt(row.p99)} |`);

mkdirSync(dirname(output), { recursive: true });
writeFileSync(output, lines.join("\n") + "\n");
console.log(lines.join("\n"));
