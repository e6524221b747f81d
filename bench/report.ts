/**
 * Turns the BENCH_JSON lines of several runtimes' runs into one markdown table with the
 * machine and versions. Usage: report.ts <title> <output.md> <log files...>
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
interface RuntimeResult {
  runtime: string;
  version: string;
  rows: Row[];
  [key: string]: unknown;
}

const [title, output, ...logs] = process.argv.slice(2);
if (!title || !output || logs.length === 0) throw new Error("usage: report.ts <title> <output.md> <logs...>");

const results: RuntimeResult[] = [];
for (const log of logs) {
  const text = readFileSync(log, "utf8");
  const line = text.split("\n").find((l) => l.startsWith("BENCH_JSON "));
  if (!line) throw new Error(`${log}: no BENCH_JSON line`);
  results.push(JSON.parse(line.slice("BENCH_JSON ".length)) as RuntimeResult);
}

const fmt = (ns: number): string =>
  !Number.isFinite(ns) ? "n/a" : ns < 1000 ? `${ns.toFixed(1)} ns` : ns < 1e6 ? `${(ns / 1e3).toFixed(2)} µs` : `${(ns / 1e6).toFixed(2)} ms`;

const names = [...new Set(results.flatMap((r) => r.rows.map((row) => row.name)))];
const lines: string[] = [];
lines.push(`# ${title}`, "");
lines.push(`- Date: ${new Date().toISOString()}`);
lines.push(`- Machine: ${os.cpus()[0]?.model ?? "unknown CPU"}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.release()}`);
lines.push(`- Runtimes: ${results.map((r) => `${r.runtime} ${r.version}`).join(", ")}`);
lines.push("- Tool: mitata (p50 per operation; avg and p99 in the per-runtime rows below)", "");
lines.push(`| benchmark | ${results.map((r) => r.runtime).join(" | ")} |`);
lines.push(`|---|${results.map(() => "---:").join("|")}|`);
for (const name of names) {
  lines.push(`| ${name} | ${results.map((r) => fmt(r.rows.find((row) => row.name === name)?.p50 ?? NaN)).join(" | ")} |`);
}
// Ratios against a peer measured in the same run (e.g. `opa bench`), by benchmark name.
const peer = results.find((r) => r.runtime.startsWith("opa"));
if (peer) {
  lines.push("", `Speed-up over ${peer.runtime} (same policy, data and input; ${peer.runtime}'s time per op ÷ ours, by p50):`, "");
  lines.push(`| benchmark | ${results.filter((r) => r !== peer).map((r) => r.runtime).join(" | ")} |`);
  lines.push(`|---|${results.filter((r) => r !== peer).map(() => "---:").join("|")}|`);
  for (const row of peer.rows) {
    const cells = results.filter((r) => r !== peer).map((r) => {
      const ours = r.rows.find((x) => x.name === row.name)?.p50 ?? NaN;
      return Number.isFinite(ours) ? `${(row.p50 / ours).toFixed(1)}×` : "n/a";
    });
    lines.push(`| ${row.name} | ${cells.join(" | ")} |`);
  }
}
lines.push("", "| runtime | benchmark | avg | p50 | p99 |", "|---|---|---:|---:|---:|");
for (const r of results) for (const row of r.rows) lines.push(`| ${r.runtime} | ${row.name} | ${fmt(row.avg)} | ${fmt(row.p50)} | ${fmt(row.p99)} |`);
mkdirSync(dirname(output), { recursive: true });
writeFileSync(output, lines.join("\n") + "\n");
console.log(lines.join("\n"));
