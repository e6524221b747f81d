/**
 * OPA's v1 conformance suite on an engine.
 *
 *   bun conformance/run.ts [options]          (npm run conformance -- [options])
 *
 *   --engine native|opa   native (default): the project's NativeEngine, each directory in a
 *                         worker subprocess; opa: the real OPA (a server, `opa eval` where the
 *                         REST API cannot express a case), to validate the runner itself
 *   --filter X            only directory X, or files starting with X (`dir/file`); repeatable,
 *                         or comma-separated
 *   --check               exit 1 when a case listed in passing.txt no longer passes; lists newly
 *                         passing cases
 *   --update              rewrite passing.txt from this run (native engine, or with --baseline)
 *   --timeout MS          per-case time limit (default 10000)
 *   --jobs N              workers running at once (native engine)
 *   --suite DIR           the cases (default ../shared/opa-conformance/cases-v1 from the repo root)
 *   --results FILE        where the JSON lines go (default conformance-results.jsonl)
 *   --baseline FILE       the list of passing cases (default conformance/passing.txt)
 *
 * Prints a table (dir, passed, failed, skipped), writes one JSON line per case and ends with
 * `conformance: N passed, M failed, K skipped`. Failures do not fail the process, except
 * with --check.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus } from "node:os";
import { dirname, join, resolve } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { checkBaseline, readBaseline, updatedBaseline, writeBaseline } from "./baseline.ts";
import { harnessOnly, listDirs, loadDir, type ConformanceCase } from "./cases.ts";
import { mapConcurrent, runDirIsolated, runProbe, sendMessage } from "./isolate.ts";
import { loadNativeEngine, NATIVE_UNAVAILABLE, runNativeCase } from "./native.ts";
import { OpaRunner, opaBinary } from "./opa.ts";
import { makeRecord, type CaseRecord, type CaseResult } from "./record.ts";

interface Options {
  engine: "native" | "opa";
  filters: string[];
  check: boolean;
  update: boolean;
  timeoutMs: number;
  jobs: number;
  suite: string;
  results: string;
  baseline: string;
  baselineGiven: boolean;
  worker: { dir: string; start: number } | undefined;
  probe: boolean;
}

class UsageError extends Error {}

const root = repoRoot();

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name === "sark-native") return dir;
      } catch {
        // keep looking
      }
    }
    const up = dirname(dir);
    if (up === dir) return resolve(dirname(fileURLToPath(import.meta.url)), "..");
    dir = up;
  }
}

function parseArgs(argv: readonly string[]): Options {
  const o: Options = {
    engine: "native",
    filters: [],
    check: false,
    update: false,
    timeoutMs: 10_000,
    jobs: Math.min(8, typeof availableParallelism === "function" ? availableParallelism() : cpus().length),
    suite: process.env["OPA_CONFORMANCE_SUITE"] || join(root, "..", "shared", "opa-conformance", "cases-v1"),
    results: join(root, "conformance-results.jsonl"),
    baseline: join(root, "conformance", "passing.txt"),
    baselineGiven: false,
    worker: undefined,
    probe: false,
  };
  const args = [...argv];
  const value = (flag: string): string => {
    const v = args.shift();
    if (v === undefined) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  const int = (flag: string): number => {
    const v = Number(value(flag));
    if (!Number.isInteger(v) || v < 0) throw new UsageError(`${flag} needs a non-negative integer`);
    return v;
  };
  while (args.length > 0) {
    const a = args.shift() as string;
    const eq = a.indexOf("=");
    if (a.startsWith("--") && eq > 0) {
      args.unshift(a.slice(eq + 1));
      args.unshift(a.slice(0, eq));
      continue;
    }
    switch (a) {
      case "--":
        break;
      case "--engine": {
        const e = value(a);
        if (e !== "native" && e !== "opa") throw new UsageError(`--engine must be native or opa, not ${e}`);
        o.engine = e;
        break;
      }
      case "--filter":
        o.filters.push(...value(a).split(",").map((f) => f.trim().replace(/\/+$/, "")).filter((f) => f !== ""));
        break;
      case "--check":
        o.check = true;
        break;
      case "--update":
        o.update = true;
        break;
      case "--timeout":
        o.timeoutMs = Math.max(1, int(a));
        break;
      case "--jobs":
        o.jobs = Math.max(1, int(a));
        break;
      case "--suite":
        o.suite = resolve(value(a));
        break;
      case "--results":
        o.results = resolve(value(a));
        break;
      case "--baseline":
        o.baseline = resolve(value(a));
        o.baselineGiven = true;
        break;
      case "--worker": {
        const dir = value(a);
        o.worker = { dir, start: 0 };
        break;
      }
      case "--probe":
        o.probe = true;
        break;
      case "--start":
        if (!o.worker) throw new UsageError("--start goes with --worker");
        o.worker.start = int(a);
        break;
      case "-h":
      case "--help":
        process.stdout.write(`${usage()}\n`);
        process.exit(0);
        break;
      default:
        throw new UsageError(`unknown argument: ${a}`);
    }
  }
  if (o.update && o.engine !== "native" && !o.baselineGiven) {
    throw new UsageError("--update rewrites the native engine's baseline; with --engine opa give --baseline FILE");
  }
  return o;
}

function usage(): string {
  const text = readFileSync(fileURLToPath(import.meta.url), "utf8");
  const m = /\/\*\*([\s\S]*?)\*\//.exec(text);
  return (m?.[1] ?? "").replace(/^ \* ?/gm, "").trim();
}

/** The cases of `dir` that the filters select (a directory name, or a prefix of `dir/file`). */
function selectCases(cases: readonly ConformanceCase[], dir: string, filters: readonly string[]): ConformanceCase[] {
  if (filters.length === 0 || filters.includes(dir)) return [...cases];
  return cases.filter((c) => filters.some((f) => f.includes("/") && (c.file.startsWith(f) || c.key.startsWith(f))));
}

function selectDirs(all: readonly string[], filters: readonly string[]): string[] {
  if (filters.length === 0) return [...all];
  for (const f of filters) {
    const dir = f.split("/")[0] as string;
    if (!all.includes(dir)) throw new UsageError(`no directory ${dir} in the suite`);
  }
  return all.filter((d) => filters.some((f) => f === d || f.startsWith(`${d}/`)));
}

// --- the worker ------------------------------------------------------------------------

async function worker(o: Options, dir: string, start: number): Promise<void> {
  const cases = selectCases(loadDir(o.suite, dir), dir, o.filters);
  const load = await loadNativeEngine();
  sendMessage({ t: "ready", count: cases.length });
  for (let i = start; i < cases.length; i++) {
    const c = cases[i] as ConformanceCase;
    sendMessage({ t: "start", i });
    const t0 = performance.now();
    const only = harnessOnly(c);
    const r: CaseResult = only
      ? { outcome: "skip", reason: only }
      : load.ok
        ? runNativeCase(load.Engine, c)
        : { outcome: "skip", reason: load.reason };
    sendMessage({ t: "done", i, record: makeRecord(c, r, performance.now() - t0) });
  }
  sendMessage({ t: "end" });
}

/** This script in this runtime: the command and its leading arguments. */
function selfCommand(): { file: string; pre: string[] } {
  const script = fileURLToPath(import.meta.url);
  const isDeno = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined";
  return { file: process.execPath, pre: isDeno ? ["run", "--allow-all", script] : [script] };
}

function workerCommand(o: Options): (dir: string, start: number) => { file: string; args: string[] } {
  const { file, pre } = selfCommand();
  const filters = o.filters.length > 0 ? ["--filter", o.filters.join(",")] : [];
  return (dir, start) => ({
    file,
    args: [...pre, "--worker", dir, "--start", String(start), "--suite", o.suite, ...filters],
  });
}

// --- the run ---------------------------------------------------------------------------

interface DirResult {
  readonly dir: string;
  readonly records: readonly CaseRecord[];
}

const COLUMNS = [40, 8, 8, 8] as const;

function row(cells: readonly (string | number)[]): string {
  return cells.map((c, i) => (i === 0 ? String(c).padEnd(COLUMNS[0]) : String(c).padStart(COLUMNS[i] ?? 8))).join("");
}

function counts(records: readonly CaseRecord[]): [number, number, number] {
  let p = 0;
  let f = 0;
  let s = 0;
  for (const r of records) {
    if (r.outcome === "pass") p++;
    else if (r.outcome === "fail") f++;
    else s++;
  }
  return [p, f, s];
}

async function main(): Promise<number> {
  const o = parseArgs(process.argv.slice(2));
  if (o.probe) {
    const load = await loadNativeEngine();
    sendMessage(load.ok ? { t: "probe", ok: true } : { t: "probe", ok: false, reason: load.reason });
    return 0;
  }
  if (o.worker) {
    await worker(o, o.worker.dir, o.worker.start);
    return 0;
  }
  if (!existsSync(o.suite)) {
    process.stderr.write(`conformance: no suite at ${o.suite} (see --suite)\n`);
    return 2;
  }
  const dirs = selectDirs(listDirs(o.suite), o.filters);
  const plan = dirs.map((dir) => ({ dir, cases: selectCases(loadDir(o.suite, dir), dir, o.filters) })).filter((d) => d.cases.length > 0);
  const total = plan.reduce((n, d) => n + d.cases.length, 0);
  process.stdout.write(`conformance: ${total} cases in ${plan.length} directories, engine ${o.engine}\n`);
  process.stdout.write(`${row(["dir", "passed", "failed", "skipped"])}\n`);

  // Rows are printed in directory order as soon as the directories before them are done.
  const done: (DirResult | undefined)[] = plan.map(() => undefined);
  let printed = 0;
  const report = (i: number, r: DirResult) => {
    done[i] = r;
    while (printed < done.length && done[printed]) {
      const d = done[printed] as DirResult;
      process.stdout.write(`${row([d.dir, ...counts(d.records)])}\n`);
      printed++;
    }
  };

  if (o.engine === "native") {
    // Loading the library happens in a subprocess first: it must not take the runner down.
    const self = selfCommand();
    const load = await runProbe(self.file, [...self.pre, "--probe"], 60_000);
    if (!load.ok && !load.reason.startsWith(NATIVE_UNAVAILABLE)) load.reason = `${NATIVE_UNAVAILABLE}: ${load.reason}`;
    if (!load.ok) {
      process.stdout.write(`(${load.reason}: every case is skipped)\n`);
      plan.forEach((d, i) => report(i, { dir: d.dir, records: d.cases.map((c) => makeRecord(c, { outcome: "skip", reason: load.reason })) }));
    } else {
      const command = workerCommand(o);
      await mapConcurrent(plan, o.jobs, async (d, i) => {
        const records = await runDirIsolated(d.dir, d.cases, { command, timeoutMs: o.timeoutMs, startupMs: 30_000 });
        report(i, { dir: d.dir, records });
      });
    }
  } else {
    const bin = opaBinary(root);
    if (!existsSync(bin)) {
      process.stderr.write(`conformance: no OPA at ${bin} (run scripts/setup, or set OPA_BIN)\n`);
      return 2;
    }
    const opa = await OpaRunner.start(bin);
    const stop = () => {
      void opa.stop().finally(() => process.exit(130));
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    try {
      for (const [i, d] of plan.entries()) {
        const records: CaseRecord[] = [];
        for (const c of d.cases) {
          const t0 = performance.now();
          const only = harnessOnly(c);
          const r: CaseResult = only ? { outcome: "skip", reason: only } : await opa.runCase(c, o.timeoutMs);
          records.push(makeRecord(c, r, performance.now() - t0));
        }
        report(i, { dir: d.dir, records });
      }
    } finally {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      await opa.stop();
    }
  }

  const records = done.flatMap((d) => d?.records ?? []);
  writeFileSync(o.results, records.map((r) => JSON.stringify(r)).join("\n") + (records.length > 0 ? "\n" : ""));
  process.stdout.write(`results: ${o.results}\n`);

  let status = 0;
  const complete = o.filters.length === 0;
  if (o.check || o.update) {
    const baseline = readBaseline(o.baseline);
    const check = checkBaseline(baseline, records, complete);
    if (check.newlyPassing.length > 0) {
      process.stdout.write(`newly passing (${check.newlyPassing.length}, not in ${o.baseline}):\n`);
      for (const r of check.newlyPassing) process.stdout.write(`  ${r.key}\n`);
    }
    if (check.missing.length > 0) {
      process.stdout.write(`listed in the baseline but not in the suite (${check.missing.length}):\n`);
      for (const k of check.missing) process.stdout.write(`  ${k}\n`);
    }
    if (o.update) {
      const keys = updatedBaseline(baseline, records, complete);
      writeBaseline(o.baseline, keys);
      process.stdout.write(`updated ${o.baseline}: ${keys.length} passing cases\n`);
    } else if (check.regressions.length > 0) {
      process.stdout.write(`REGRESSIONS (${check.regressions.length}, listed as passing in ${o.baseline}):\n`);
      for (const r of check.regressions) process.stdout.write(`  ${r.key}: ${r.outcome}: ${r.reason ?? ""}\n`);
      status = 1;
    } else {
      process.stdout.write(`check: every case listed in ${o.baseline} that ran still passes\n`);
    }
  }
  const [p, f, s] = counts(records);
  process.stdout.write(`conformance: ${p} passed, ${f} failed, ${s} skipped\n`);
  return status;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof UsageError) {
      process.stderr.write(`conformance: ${e.message}\n\n${usage()}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`conformance: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 2;
  },
);
