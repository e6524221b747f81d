/**
 * Judges one case's outcome exactly as OPA's runner does (`testRun` in
 * `v1/topdown/exported_test.go` of OPA v1.19.0):
 *
 * 1. `want_error`: there must be an error and its text must contain the string.
 * 2. `want_error_code`: there must be an error and its code must equal the string.
 * 3. An error that neither asked for fails the case.
 * 4. `want_result`: expected and actual rows are each made a *set* of binding objects (row
 *    order is free, duplicate rows collapse) after a JSON round trip, and the sets must be
 *    equal. With `sort_bindings` only the *actual* values are sorted (OPA's `util.Compare`
 *    order); every one of them must be an array. With `ignore_generated_vars` actual
 *    bindings named `__localq...` are dropped.
 * 5. A case with none of the three fails.
 *
 * The first failing check decides the reason, as `t.Fatal` does.
 */
import {
  canonicalKey,
  compareValues,
  hasApproxNumbers,
  isArray,
  toJson,
  type Value,
  type ValueMap,
} from "./value.ts";

/** What a case expects (the fields of a case that judging reads). */
export interface Expectation {
  readonly wantResult: readonly ValueMap[] | undefined;
  readonly wantErrorCode: string | undefined;
  readonly wantError: string | undefined;
  readonly sortBindings: boolean;
  readonly ignoreGeneratedVars: boolean;
}

/**
 * An error raised while running a case. `kind` says where it came from: `compile` for errors
 * while adding the modules or compiling the query (OPA's runner has none: it panics on them),
 * `eval` for evaluation errors (OPA's `topdown.Error`), `other` for anything else.
 */
export interface CaseError {
  readonly kind: "compile" | "eval" | "other";
  readonly code: string;
  readonly message: string;
  /** The full text `want_error` is matched against, as OPA prints it: `file:row: code: message`. */
  readonly text: string;
}

/** What running a case produced. */
export type Outcome =
  | { readonly kind: "result"; readonly rows: readonly ValueMap[] }
  /**
   * OPA's `Query.Run` returns the rows found so far together with the error: in strict mode a
   * builtin error does not stop evaluation, and one case expects both. An engine that throws
   * can pass those rows along (see `native.ts`); otherwise they are none.
   */
  | { readonly kind: "error"; readonly error: CaseError; readonly rows?: readonly ValueMap[] };

export interface Verdict {
  readonly outcome: "pass" | "fail";
  readonly reason?: string;
  readonly expected?: string;
  readonly actual?: string;
}

/** The generated-variable prefix OPA's runner drops with `ignore_generated_vars`. */
export const GENERATED_VAR_PREFIX = "__localq";

/** Longest expected/actual text kept in a verdict. */
export const MAX_TEXT = 2000;

export function judge(c: Expectation, got: Outcome): Verdict {
  const err = got.kind === "error" ? got.error : undefined;
  if (c.wantError !== undefined) {
    if (!err) return fail("expected an error but got success", quote(c.wantError), describe(got));
    if (!err.text.includes(c.wantError)) {
      return fail("error text does not contain want_error", quote(c.wantError), describe(got));
    }
  }
  if (c.wantErrorCode !== undefined) {
    if (!err) return fail("expected an error code but got success", c.wantErrorCode, describe(got));
    if (err.code !== c.wantErrorCode) return fail("wrong error code", c.wantErrorCode, describe(got));
  }
  if (err && c.wantError === undefined && c.wantErrorCode === undefined) {
    const want = c.wantResult === undefined ? undefined : rowsText(c.wantResult);
    return fail(`unexpected ${err.kind} error`, want, describe(got));
  }
  if (c.wantResult !== undefined) {
    const rows = got.kind === "result" ? got.rows : (got.rows ?? []);
    const cmp = compareResultSets(c.wantResult, rows, c.sortBindings, c.ignoreGeneratedVars);
    if (!cmp.equal) {
      const actual = err ? `${describe(got)}; rows: ${rowsText(cmp.actual)}` : rowsText(cmp.actual);
      return fail(cmp.problem ?? "unexpected query result", rowsText(c.wantResult), actual);
    }
    if (cmp.lossy) return { outcome: "pass", reason: LOSSY_NOTE };
  }
  if (c.wantResult === undefined && c.wantErrorCode === undefined && c.wantError === undefined) {
    return fail("expected one of: 'want_result', 'want_error_code', or 'want_error'");
  }
  return { outcome: "pass" };
}

const LOSSY_NOTE = "integers beyond 2^53 compared as float64: the engine returned them as JavaScript numbers";

export interface ResultSetComparison {
  readonly equal: boolean;
  /** Set when the actual rows could not be normalized (OPA's runner would panic). */
  readonly problem?: string;
  /** The actual rows after `sort_bindings` / `ignore_generated_vars`. */
  readonly actual: readonly ValueMap[];
  /** True when integers beyond 2^53 were compared as float64 (see `canonicalKey`). */
  readonly lossy: boolean;
}

/** Compares expected and actual rows as sets of binding objects, as OPA's `testAssertResultSet`. */
export function compareResultSets(
  expected: readonly ValueMap[],
  actual: readonly ValueMap[],
  sortBindings: boolean,
  ignoreGeneratedVars: boolean,
): ResultSetComparison {
  const normalized: ValueMap[] = [];
  for (const row of actual) {
    const out = new Map<string, Value>();
    for (const [name, value] of row) {
      let v = value;
      if (sortBindings) {
        if (!isArray(v)) {
          return {
            equal: false,
            problem: `sort_bindings: binding ${name} is not an array`,
            actual,
            lossy: false,
          };
        }
        v = [...v].sort(compareValues);
      }
      if (!ignoreGeneratedVars || !name.startsWith(GENERATED_VAR_PREFIX)) out.set(name, v);
    }
    normalized.push(out);
  }
  // JSON.parse loses digits of integers beyond 2^53. When the engine's values came through
  // JavaScript numbers, such integers are compared by their float64 on both sides: the
  // best that can be done without the engine's JSON text (bigints and JSON text stay exact).
  const lossy = normalized.some(hasApproxNumbers);
  const want = new Set(expected.map((r) => canonicalKey(r, lossy)));
  const got = new Set(normalized.map((r) => canonicalKey(r, lossy)));
  let equal = want.size === got.size;
  if (equal) for (const k of want) if (!got.has(k)) equal = false;
  return { equal, actual: normalized, lossy: equal && lossy };
}

/** The error text OPA would print for an error with this code, message and location. */
export function errorText(code: string, message: string, location?: { file?: string; row?: number; col?: number }): string {
  const body = message.startsWith(`${code}: `) || code === "" ? message : `${code}: ${message}`;
  if (!location || location.row === undefined) return body;
  const where = location.file ? `${location.file}:${location.row}` : `${location.row}:${location.col ?? 0}`;
  return `${where}: ${body}`;
}

/** The text of compile errors as OPA's `ast.Errors` prints it ("1 error occurred: ..."). */
export function compileErrorsText(errors: readonly { code: string; message: string; location?: { file?: string; row?: number; col?: number } }[]): string {
  const lines = errors.map((e) => errorText(e.code, e.message, e.location));
  if (lines.length === 0) return "no error(s)";
  if (lines.length === 1) return `1 error occurred: ${lines[0]}`;
  return `${lines.length} errors occurred:\n${lines.join("\n")}`;
}

function fail(reason: string, expected?: string, actual?: string): Verdict {
  const v: { outcome: "fail"; reason: string; expected?: string; actual?: string } = { outcome: "fail", reason };
  if (expected !== undefined) v.expected = clip(expected);
  if (actual !== undefined) v.actual = clip(actual);
  return v;
}

function describe(got: Outcome): string {
  if (got.kind === "result") return rowsText(got.rows);
  return `${got.error.kind} error: ${got.error.text}`;
}

function rowsText(rows: readonly ValueMap[]): string {
  return toJson(rows);
}

function quote(s: string): string {
  return `error containing ${JSON.stringify(s)}`;
}

function clip(s: string): string {
  return s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT)}... (${s.length} chars)` : s;
}
