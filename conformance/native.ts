/**
 * Runs a case on the project's `NativeEngine` (from `src/mod.ts`), in this process. The
 * runner calls this inside a worker subprocess (see `isolate.ts`): a native call that hangs
 * or crashes takes only the worker down.
 */
import { resolve } from "node:path";
import process from "node:process";
import { pathToFileURL } from "node:url";
import type { ConformanceCase } from "./cases.ts";
import { compileErrorsText, errorText, judge, type CaseError, type Outcome } from "./compare.ts";
import type { CaseResult } from "./record.ts";
import { fromJs, hasUnsafeIntegers, isMap, parseJson, toJs, toJson, ValueError, type Value, type ValueMap } from "./value.ts";

/** The engine API the runner relies on (see the README of `conformance/`). */
export interface NativeEngineLike {
  addPolicy(id: string, source: string): unknown;
  addPolicies?(modules: Record<string, string>): unknown;
  removePolicy(id: string): unknown;
  setData(path: string, value: unknown): unknown;
  evaluate(query: string, input?: unknown, options?: EvalOptions): ReadonlyArray<{ readonly bindings: Readonly<Record<string, unknown>> }>;
  /** Optional: when the prepared query has `evaluateRaw` (the rows as JSON text), numbers are compared exactly. */
  prepare?(query: string): unknown;
  close(): unknown;
}

export interface EvalOptions {
  strictBuiltinErrors?: boolean;
  inputTerm?: string;
}

interface RawPrepared {
  evaluateRaw(input: unknown, options: EvalOptions): string;
  close(): unknown;
}

export type NativeEngineClass = new () => NativeEngineLike;

export type NativeLoad = { readonly ok: true; readonly Engine: NativeEngineClass } | { readonly ok: false; readonly reason: string };

export const NATIVE_UNAVAILABLE = "native engine not available";

/** Finds `NativeEngine` in `src/mod.ts` and checks that one can be made. Never throws. */
export async function loadNativeEngine(): Promise<NativeLoad> {
  // SARK_CONFORMANCE_ENGINE names another module exporting a NativeEngine (a stand-in, to test the runner).
  const other = process.env["SARK_CONFORMANCE_ENGINE"];
  const name = other ? other : "src/mod.ts";
  let mod: Record<string, unknown>;
  try {
    mod = (other ? await import(pathToFileURL(resolve(other)).href) : await import("../src/mod.ts")) as unknown as Record<string, unknown>;
  } catch (e) {
    return { ok: false, reason: `${NATIVE_UNAVAILABLE}: importing ${name} failed: ${errorMessage(e)}` };
  }
  const Engine = mod["NativeEngine"];
  if (typeof Engine !== "function") return { ok: false, reason: `${NATIVE_UNAVAILABLE}: ${name} exports no NativeEngine` };
  try {
    const probe = new (Engine as NativeEngineClass)();
    probe.close();
  } catch (e) {
    return { ok: false, reason: `${NATIVE_UNAVAILABLE}: ${errorMessage(e)}` };
  }
  return { ok: true, Engine: Engine as NativeEngineClass };
}

/**
 * One case on a fresh engine: every module added as `test-<i>.rego` (OPA's runner's names),
 * the data set at the root, the query evaluated; the engine is closed afterwards.
 */
export function runNativeCase(Engine: NativeEngineClass, c: ConformanceCase): CaseResult {
  const restoreEnv = applyEnv(c.env);
  let engine: NativeEngineLike;
  try {
    engine = new Engine();
  } catch (e) {
    restoreEnv();
    return { outcome: "skip", reason: `${NATIVE_UNAVAILABLE}: ${errorMessage(e)}` };
  }
  try {
    return judge(c, evaluate(engine, c));
  } finally {
    try {
      engine.close();
    } finally {
      restoreEnv();
    }
  }
}

function evaluate(engine: NativeEngineLike, c: ConformanceCase): Outcome {
  try {
    // All modules compile together, as in OPA's runner (they may refer to each other).
    if (engine.addPolicies) {
      engine.addPolicies(Object.fromEntries(c.modules.map((source, i) => [`test-${i}.rego`, source])));
    } else {
      c.modules.forEach((source, i) => engine.addPolicy(`test-${i}.rego`, source));
    }
  } catch (e) {
    return { kind: "error", error: toCaseError(e, "compile") };
  }
  try {
    // Values go as JavaScript values; integers beyond 2^53 as JSON.rawJSON where the runtime
    // has it (the engine JSON.stringify-s them), else they lose digits. The input keeps them
    // anyway: it goes as a term (JSON text).
    if (c.data !== undefined) engine.setData("", toJs(c.data, true));
    const options: EvalOptions = { strictBuiltinErrors: c.strictError };
    let input: unknown;
    if (c.inputTerm !== undefined) options.inputTerm = c.inputTerm;
    else if (c.input !== undefined) {
      if (hasUnsafeIntegers(c.input)) options.inputTerm = toJson(c.input);
      else input = toJs(c.input);
    }
    return { kind: "result", rows: evaluateRows(engine, c.query, input, options) };
  } catch (e) {
    const error = toCaseError(e, "other");
    const rows = partialRows(e);
    return rows ? { kind: "error", error, rows } : { kind: "error", error };
  }
}

/** Rows an evaluation error may carry as `results` (same shape as `evaluate`'s), as OPA's `Query.Run` returns them with the error. */
function partialRows(e: unknown): ValueMap[] | undefined {
  if (typeof e !== "object" || e === null) return undefined;
  const results = (e as { results?: unknown }).results;
  if (!Array.isArray(results)) return undefined;
  try {
    return results.map((r: unknown) => bindingsOf(((r ?? {}) as { bindings?: Record<string, unknown> }).bindings ?? {}));
  } catch {
    return undefined;
  }
}

/**
 * The result rows. With `prepare(...).evaluateRaw` the engine's JSON text is parsed here,
 * keeping every digit; `evaluate`'s `JSON.parse`d values lose digits beyond 2^53 (those
 * numbers are then compared as float64, see `compareResultSets`).
 */
function evaluateRows(engine: NativeEngineLike, query: string, input: unknown, options: EvalOptions): ValueMap[] {
  if (typeof engine.prepare === "function") {
    const prepared = engine.prepare(query);
    if (isRawPrepared(prepared)) {
      try {
        const rows = parseJson(prepared.evaluateRaw(input, options));
        if (!Array.isArray(rows)) throw new ValueError("result is not an array");
        return (rows as Value[]).map((r) => {
          const b = isMap(r) ? r.get("bindings") : undefined;
          if (b === undefined) return new Map<string, Value>();
          if (!isMap(b)) throw new ValueError("bindings are not an object");
          return b;
        });
      } finally {
        prepared.close();
      }
    }
    if (typeof prepared === "object" && prepared !== null && typeof (prepared as { close?: unknown }).close === "function") {
      (prepared as { close(): unknown }).close();
    }
  }
  return engine.evaluate(query, input, options).map((r) => bindingsOf(r.bindings));
}

function isRawPrepared(p: unknown): p is RawPrepared {
  return (
    typeof p === "object" &&
    p !== null &&
    typeof (p as { evaluateRaw?: unknown }).evaluateRaw === "function" &&
    typeof (p as { close?: unknown }).close === "function"
  );
}

function bindingsOf(b: Readonly<Record<string, unknown>>): ValueMap {
  const v = fromJs(b ?? {});
  if (!(v instanceof Map)) throw new ValueError("bindings are not an object");
  return v;
}

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  errors?: unknown;
  location?: unknown;
}

type Loc = { file?: string; row?: number; col?: number };

/**
 * Turns what the engine threw into a `CaseError`. `RegoParseError` / `RegoCompileError` are
 * compile errors (their `errors` list gives OPA's "1 error occurred: file:row: code: message"
 * text), `RegoEvalError` is an evaluation error ("file:row: code: message" when it has a
 * `location`, else "code: message"); anything else is `other`.
 */
export function toCaseError(e: unknown, fallback: CaseError["kind"]): CaseError {
  if (e instanceof ValueError) return { kind: "other", code: "", message: e.message, text: `bad result: ${e.message}` };
  if (typeof e !== "object" || e === null) return { kind: fallback, code: "", message: String(e), text: String(e) };
  const x = e as ErrorLike;
  const name = typeof x.name === "string" ? x.name : "";
  const code = typeof x.code === "string" ? x.code : "";
  const message = typeof x.message === "string" ? x.message : String(e);
  const kind: CaseError["kind"] =
    name === "RegoParseError" || name === "RegoCompileError"
      ? "compile"
      : name === "RegoEvalError"
        ? "eval"
        : code.startsWith("rego_")
          ? "compile"
          : code.startsWith("eval_")
            ? "eval"
            : fallback === "compile" && code !== ""
              ? "compile"
              : "other";
  if (kind === "compile" && Array.isArray(x.errors) && x.errors.length > 0) {
    const list = (x.errors as unknown[]).map((d) => {
      const o = (d ?? {}) as { code?: unknown; message?: unknown; location?: unknown };
      return {
        code: typeof o.code === "string" ? o.code : code,
        message: typeof o.message === "string" ? o.message : "",
        location: location(o.location),
      };
    });
    return { kind, code, message, text: compileErrorsText(list) };
  }
  const text = code === "" ? `${name ? `${name}: ` : ""}${message}` : errorText(code, message, location(x.location));
  return { kind, code, message, text };
}

function location(v: unknown): Loc | undefined {
  if (typeof v !== "object" || v === null) return undefined;
  const o = v as { file?: unknown; row?: unknown; col?: unknown };
  const loc: Loc = {};
  if (typeof o.file === "string") loc.file = o.file;
  if (typeof o.row === "number") loc.row = o.row;
  if (typeof o.col === "number") loc.col = o.col;
  return loc;
}

function applyEnv(env: Readonly<Record<string, string>>): () => void {
  const saved: [string, string | undefined][] = [];
  for (const [k, v] of Object.entries(env)) {
    saved.push([k, process.env[k]]);
    process.env[k] = v;
  }
  return () => {
    for (const [k, v] of saved.reverse()) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
