/**
 * Crash and hang isolation for the native engine: each directory runs in a worker
 * subprocess (this same script with `--worker`), which reports every case as it starts and
 * ends. A case that runs past the time limit is a failure with reason "timeout", a worker
 * that dies mid-case fails that case with the exit status; either way a new worker carries
 * on with the next case.
 */
import { spawn } from "node:child_process";
import { writeSync } from "node:fs";
import type { ConformanceCase } from "./cases.ts";
import { makeRecord, type CaseRecord } from "./record.ts";

/** Worker → parent messages, one a line on stdout, after this marker (other output is ignored). */
export const MESSAGE_MARK = "\u0001conformance ";

export type WorkerMessage =
  | { readonly t: "probe"; readonly ok: boolean; readonly reason?: string }
  | { readonly t: "ready"; readonly count: number }
  | { readonly t: "start"; readonly i: number }
  | { readonly t: "done"; readonly i: number; readonly record: CaseRecord }
  | { readonly t: "end" };

/** Writes synchronously, so the parent has the message even if the next native call never returns. */
export function sendMessage(m: WorkerMessage): void {
  let buf: Uint8Array = new TextEncoder().encode(`${MESSAGE_MARK}${JSON.stringify(m)}\n`);
  while (buf.length > 0) {
    try {
      buf = buf.subarray(writeSync(1, buf));
    } catch (e) {
      // stdout may be a non-blocking pipe: wait for the parent to read.
      if ((e as { code?: string }).code !== "EAGAIN") throw e;
    }
  }
}

export interface IsolateOptions {
  /** The command that starts a worker for `dir` from case index `start`. */
  readonly command: (dir: string, start: number) => { file: string; args: string[] };
  /** Per-case time limit in milliseconds. */
  readonly timeoutMs: number;
  /** Extra time a worker has to load before its first case. */
  readonly startupMs: number;
}

/** Runs the cases of one directory in workers; returns one record per case, in order. */
export async function runDirIsolated(dir: string, cases: readonly ConformanceCase[], opts: IsolateOptions): Promise<CaseRecord[]> {
  const records: (CaseRecord | undefined)[] = new Array<CaseRecord | undefined>(cases.length).fill(undefined);
  let next = 0;
  while (next < cases.length) {
    next = await runWorker(dir, cases, next, records, opts);
  }
  return records.map((r, i) => r ?? makeRecord(cases[i] as ConformanceCase, { outcome: "fail", reason: "no result from worker" }));
}

/** Starts one worker at `start`; resolves with the index the next worker must start at. */
function runWorker(
  dir: string,
  cases: readonly ConformanceCase[],
  start: number,
  records: (CaseRecord | undefined)[],
  opts: IsolateOptions,
): Promise<number> {
  return new Promise((resolve) => {
    const { file, args } = opts.command(dir, start);
    const child = spawn(file, args, { stdio: ["ignore", "pipe", "pipe"] });
    let ready = false;
    let current: number | undefined;
    let currentStart = 0;
    let next = start;
    let timedOut = false;
    let settled = false;
    let stdoutBuf = "";
    let stderrTail = "";
    let timer: ReturnType<typeof setTimeout> | undefined;

    const arm = (ms: number) => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        timedOut = true;
        child.kill("SIGKILL");
      }, ms);
    };
    arm(opts.startupMs + opts.timeoutMs);

    const onLine = (line: string) => {
      const at = line.indexOf(MESSAGE_MARK);
      if (at < 0) return;
      let m: WorkerMessage;
      try {
        m = JSON.parse(line.slice(at + MESSAGE_MARK.length)) as WorkerMessage;
      } catch {
        return;
      }
      switch (m.t) {
        case "ready":
          ready = true;
          break;
        case "start":
          current = m.i;
          currentStart = Date.now();
          arm(opts.timeoutMs);
          break;
        case "done":
          records[m.i] = m.record;
          current = undefined;
          next = m.i + 1;
          currentStart = Date.now();
          // A watchdog between cases too: a worker that hangs before it reports the next start.
          arm(opts.timeoutMs);
          break;
        case "end":
          next = cases.length;
          break;
      }
    };

    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      stdoutBuf += chunk;
      let nl: number;
      while ((nl = stdoutBuf.indexOf("\n")) >= 0) {
        onLine(stdoutBuf.slice(0, nl));
        stdoutBuf = stdoutBuf.slice(nl + 1);
      }
    });
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      stderrTail = (stderrTail + chunk).slice(-2000);
    });

    const finish = (code: number | null, signal: string | null) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      if (stdoutBuf) onLine(stdoutBuf);
      const status = signal ? `signal ${signal}` : `exit code ${code}`;
      const tail = stderrTail.trim() ? `: ${lastLines(stderrTail, 6)}` : "";
      if (current === undefined && ready && timedOut && next < cases.length) current = next; // hung before "start" got out
      if (current !== undefined) {
        const c = cases[current] as ConformanceCase;
        const ms = Date.now() - currentStart;
        records[current] = makeRecord(
          c,
          timedOut
            ? { outcome: "fail", reason: `timeout (over ${opts.timeoutMs} ms)` }
            : { outcome: "fail", reason: `crash: the worker died (${status})${tail}` },
          ms,
        );
        resolve(current + 1);
        return;
      }
      if (next < cases.length) {
        // The worker stopped between cases: before it was ready (it cannot load), or early.
        const reason = ready
          ? `worker exited early (${status})${tail}`
          : timedOut
            ? "worker did not start in time"
            : `worker failed to start (${status})${tail}`;
        for (let i = next; i < cases.length; i++) records[i] = makeRecord(cases[i] as ConformanceCase, { outcome: "fail", reason });
        resolve(cases.length);
        return;
      }
      resolve(next);
    };
    child.on("error", (e: Error) => {
      stderrTail += `\n${e.message}`;
      finish(null, null);
    });
    child.on("close", finish);
  });
}

/**
 * Runs a probe subprocess (`file args`, which answers with one "probe" message) so that
 * loading the native library for the first time cannot crash or hang the runner itself.
 */
export function runProbe(file: string, args: readonly string[], timeoutMs: number): Promise<{ ok: boolean; reason: string }> {
  return new Promise((resolve) => {
    const child = spawn(file, [...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.stdout.setEncoding("utf8").on("data", (s: string) => (out += s));
    child.stderr.setEncoding("utf8").on("data", (s: string) => (err = (err + s).slice(-2000)));
    const done = (code: number | null, signal: string | null) => {
      clearTimeout(timer);
      for (const line of out.split("\n")) {
        const at = line.indexOf(MESSAGE_MARK);
        if (at < 0) continue;
        try {
          const m = JSON.parse(line.slice(at + MESSAGE_MARK.length)) as WorkerMessage;
          if (m.t === "probe") {
            resolve({ ok: m.ok, reason: m.reason ?? "" });
            return;
          }
        } catch {
          // not ours
        }
      }
      const status = timedOut ? `no answer within ${timeoutMs} ms` : signal ? `signal ${signal}` : `exit code ${code}`;
      resolve({ ok: false, reason: `the probe failed (${status})${err.trim() ? `: ${lastLines(err, 6)}` : ""}` });
    };
    child.on("error", (e: Error) => {
      err += e.message;
      done(null, null);
    });
    child.on("close", done);
  });
}

function lastLines(s: string, n: number): string {
  return s.trim().split("\n").slice(-n).join(" | ");
}

/** Runs `task` over `items` with at most `limit` running at once; results in input order. */
export async function mapConcurrent<T, R>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let i = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (i < items.length) {
      const k = i++;
      out[k] = await task(items[k] as T, k);
    }
  });
  await Promise.all(lanes);
  return out;
}
