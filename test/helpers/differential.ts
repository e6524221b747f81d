/**
 * Differential testing: the same modules, data, query and inputs through the native engine and
 * a real OPA server, every outcome compared (rows with numbers compared exactly, as OPA orders
 * values; errors by code and, for Rego errors, file and line).
 */
import { compareJson, NativeEngine, OpaEngine, RegoError, RegoEvalError, SarkError } from "../../src/mod.ts";
import type { EvaluateOptions, OpaPreparedQuery, PreparedQuery } from "../../src/mod.ts";

export interface DifferentialCase {
  /** Modules by id, compiled together. */
  modules: Record<string, string>;
  /** The whole base document (`data`), if any. */
  data?: unknown;
  query: string;
  inputs: unknown[];
  options?: EvaluateOptions;
}

export type Outcome =
  | { rows: string }
  | { error: { code: string; message: string; file?: string; line?: number } };

export interface Mismatch {
  /** Index into `inputs`, or -1 for loading the modules and data. */
  index: number;
  input: unknown;
  native: Outcome;
  opa: Outcome;
}

export interface DifferentialReport {
  /** When both engines refused the modules or data (alike): the native engine's error. */
  loadError?: Outcome;
  evaluated: number;
  agreed: number;
  mismatches: Mismatch[];
}

/**
 * Runs `c` on a fresh native engine and on the OPA server at `opaUrl` (whose policies and data it
 * replaces; it removes its modules afterwards).
 */
export async function runDifferential(c: DifferentialCase, opaUrl: string): Promise<DifferentialReport> {
  const native = new NativeEngine();
  const opa = new OpaEngine({ url: opaUrl, retries: 0 });
  const report: DifferentialReport = { evaluated: 0, agreed: 0, mismatches: [] };
  try {
    const loadNative = outcomeOf(() => {
      native.addPolicies(c.modules);
      if (c.data !== undefined) native.setData("", c.data);
      return "[]";
    });
    const loadOpa = await outcomeOfAsync(async () => {
      if (c.data !== undefined) await opa.setData("", c.data);
      await addAll(opa, c.modules);
      return "[]";
    });
    if (!same(loadNative, loadOpa)) {
      report.mismatches.push({ index: -1, input: undefined, native: loadNative, opa: loadOpa });
      return report;
    }
    if ("error" in loadNative) {
      report.loadError = loadNative;
      return report;
    }
    let nativeQuery: PreparedQuery | undefined;
    const nativePrepared = outcomeOf(() => {
      nativeQuery = native.prepare(c.query);
      return "[]";
    });
    let opaQuery: OpaPreparedQuery | undefined;
    const opaPrepared = await outcomeOfAsync(async () => {
      opaQuery = await opa.prepare(c.query);
      return "[]";
    });
    for (const [index, input] of c.inputs.entries()) {
      const n = nativeQuery ? outcomeOf(() => nativeQuery!.evaluateRaw(input, c.options)) : nativePrepared;
      const o = opaQuery ? await outcomeOfAsync(() => opaQuery!.evaluateRaw(input, c.options)) : opaPrepared;
      report.evaluated++;
      if (same(n, o)) report.agreed++;
      else report.mismatches.push({ index, input, native: n, opa: o });
    }
    nativeQuery?.close();
    return report;
  } finally {
    for (const id of Object.keys(c.modules)) await opa.removePolicy(id).catch(() => false);
    await opa.setData("", {}).catch(() => undefined);
    native.close();
    await opa.close();
  }
}

/** OPA compiles each module as it arrives: one that needs another is retried after it. */
async function addAll(opa: OpaEngine, modules: Record<string, string>): Promise<void> {
  let pending = Object.entries(modules);
  while (pending.length > 0) {
    const failed: [string, string][] = [];
    let first: unknown = null;
    for (const [id, source] of pending) {
      try {
        await opa.addPolicy(id, source);
      } catch (err) {
        if (err instanceof RegoError && !(err.code === "rego_parse_error")) {
          failed.push([id, source]);
          first ??= err;
        } else {
          throw err;
        }
      }
    }
    if (failed.length === pending.length) throw first;
    pending = failed;
  }
}

function outcomeOf(run: () => string): Outcome {
  try {
    return { rows: run() };
  } catch (err) {
    return { error: describe(err) };
  }
}

async function outcomeOfAsync(run: () => Promise<string>): Promise<Outcome> {
  try {
    return { rows: await run() };
  } catch (err) {
    return { error: describe(err) };
  }
}

function describe(err: unknown): { code: string; message: string; file?: string; line?: number } {
  if (err instanceof RegoError) return { code: err.code, message: err.message, file: err.file, line: err.line };
  if (err instanceof RegoEvalError) {
    return { code: err.code, message: err.message, file: err.location?.file, line: err.location?.row };
  }
  if (err instanceof SarkError) return { code: err.code, message: err.message };
  throw err;
}

/** Same rows, or errors with the same code, file and line. */
export function same(a: Outcome, b: Outcome): boolean {
  if ("rows" in a && "rows" in b) return compareJson(a.rows, b.rows) === 0;
  if ("error" in a && "error" in b) {
    return a.error.code === b.error.code && a.error.file === b.error.file && a.error.line === b.error.line;
  }
  return false;
}
