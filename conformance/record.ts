/** One case's outcome, as written to `conformance-results.jsonl` (one JSON object a line). */
import type { ConformanceCase } from "./cases.ts";
import type { Verdict } from "./compare.ts";

export type CaseOutcome = "pass" | "fail" | "skip";

export interface CaseRecord {
  /** `<dir>/<file>#<note>`, the key `passing.txt` lists. */
  readonly key: string;
  /** The case file relative to the suite, e.g. `aggregates/test-aggregates-0001.yaml`. */
  readonly file: string;
  readonly note: string;
  readonly outcome: CaseOutcome;
  readonly reason?: string;
  readonly expected?: string;
  readonly actual?: string;
  /** How the case was run (the OPA engine has several routes). */
  readonly via?: string;
  /** Wall time of the case in milliseconds. */
  readonly ms?: number;
}

/** A case's result before it is tied to the case: a verdict, or a skip with its reason. */
export type CaseResult =
  | (Verdict & { readonly via?: string })
  | { readonly outcome: "skip"; readonly reason: string; readonly via?: string };

export function makeRecord(c: Pick<ConformanceCase, "key" | "file" | "note">, r: CaseResult, ms?: number): CaseRecord {
  const rec: {
    key: string;
    file: string;
    note: string;
    outcome: CaseOutcome;
    reason?: string;
    expected?: string;
    actual?: string;
    via?: string;
    ms?: number;
  } = { key: c.key, file: c.file, note: c.note, outcome: r.outcome };
  if (r.reason !== undefined) rec.reason = r.reason;
  if ("expected" in r && r.expected !== undefined) rec.expected = r.expected;
  if ("actual" in r && r.actual !== undefined) rec.actual = r.actual;
  if (r.via !== undefined) rec.via = r.via;
  if (ms !== undefined) rec.ms = Math.round(ms);
  return rec;
}
