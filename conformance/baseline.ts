/**
 * `passing.txt`: the keys (`<dir>/<file>#<note>`) of the cases that pass, one a line, sorted.
 * Lines starting with `#` are comments (no key starts with `#`).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type { CaseRecord } from "./record.ts";

const HEADER = [
  "# OPA v1 conformance cases that pass on the native engine, one key (<dir>/<file>#<note>) a line.",
  "# `npm run conformance -- --check` fails when one of them stops passing; `-- --update` rewrites this file.",
];

export function readBaseline(path: string): Set<string> {
  if (!existsSync(path)) return new Set();
  return new Set(
    readFileSync(path, "utf8")
      .split("\n")
      .map((l) => l.replace(/\r$/, ""))
      .filter((l) => l !== "" && !l.startsWith("#")),
  );
}

export interface BaselineCheck {
  /** Listed as passing, ran, and did not pass. */
  readonly regressions: readonly CaseRecord[];
  /** Passed, not listed. */
  readonly newlyPassing: readonly CaseRecord[];
  /** Listed, but no such case in the suite (only when the whole suite ran). */
  readonly missing: readonly string[];
}

/** Compares a run with the baseline. `complete` says whether the whole suite ran (no filter). */
export function checkBaseline(baseline: ReadonlySet<string>, records: readonly CaseRecord[], complete: boolean): BaselineCheck {
  const ran = new Set(records.map((r) => r.key));
  return {
    regressions: records.filter((r) => baseline.has(r.key) && r.outcome !== "pass"),
    newlyPassing: records.filter((r) => r.outcome === "pass" && !baseline.has(r.key)),
    missing: complete ? [...baseline].filter((k) => !ran.has(k)).sort() : [],
  };
}

/**
 * The baseline after a run: keys of cases that ran are replaced by this run's outcome, keys
 * of cases that did not run (a filtered run) are kept.
 */
export function updatedBaseline(baseline: ReadonlySet<string>, records: readonly CaseRecord[], complete: boolean): string[] {
  const ran = new Set(records.map((r) => r.key));
  const keep = complete ? [] : [...baseline].filter((k) => !ran.has(k));
  const passing = records.filter((r) => r.outcome === "pass").map((r) => r.key);
  return [...new Set([...keep, ...passing])].sort();
}

export function writeBaseline(path: string, keys: readonly string[]): void {
  writeFileSync(path, `${[...HEADER, ...keys].join("\n")}\n`);
}
