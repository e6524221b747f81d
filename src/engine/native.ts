/**
 * The embedded engine: Rego policies compiled and evaluated by the native library,
 * synchronously (a Promise would cost more than a decision).
 */
import { EvalFlags } from "../native/abi.ts";
import { loadNative } from "../native/load.ts";
import type { NativeLibrary } from "../native/library.ts";
import { NativeUnavailableError } from "../errors.ts";

/** One expression of a result row, as OPA reports it. */
export interface ExpressionValue {
  value: unknown;
  text: string;
  location: { row: number; col: number };
}

/** One solution of a query: its expressions' values and its variables' bindings. */
export interface ResultRow {
  expressions: ExpressionValue[];
  bindings: Record<string, unknown>;
}

/** Every solution; empty when the query is undefined. */
export type QueryResult = ResultRow[];

export interface EngineOptions {
  /**
   * Receives each line written by Rego's `print` (without its newline). Without it, `print`
   * writes to stderr.
   */
  print?: (line: string) => void;
}

export interface EvaluateOptions {
  /** Builtin errors abort the evaluation (OPA's strict-builtin-errors) instead of making the expression undefined. */
  strictBuiltinErrors?: boolean;
  /** The input as Rego term text (may hold sets), instead of `input`. */
  inputTerm?: string;
}

const finalizer = new FinalizationRegistry<() => void>((release) => release());

export class NativeEngine {
  readonly #library: NativeLibrary;
  readonly #print: ((line: string) => void) | undefined;
  #handle: number;

  /** Throws `NativeUnavailableError` when the native library is not loaded. */
  constructor(options: EngineOptions = {}) {
    const { info, library } = loadNative();
    if (!library) throw new NativeUnavailableError(info.error ?? "unknown reason");
    this.#library = library;
    this.#print = options.print;
    this.#handle = library.engineNew();
    const handle = this.#handle;
    finalizer.register(this, () => library.engineFree(handle), this);
  }

  /** Adds or replaces the module `id`. Throws `RegoParseError` or `RegoCompileError` (then nothing changes). */
  addPolicy(id: string, source: string): void {
    this.#library.addPolicy(this.#live(), id, source);
  }

  /**
   * Adds or replaces several modules ({id: source}) and compiles them together, so they may
   * refer to each other in any order (as a bundle). All or nothing.
   */
  addPolicies(modules: Record<string, string>): void {
    this.#library.addPolicies(this.#live(), JSON.stringify(modules));
  }

  /** Removes the module `id`; false when there was none. */
  removePolicy(id: string): boolean {
    return this.#library.removePolicy(this.#live(), id);
  }

  /** Replaces the base document at `path` ("" for the root; "a/b" or "a.b" below it). */
  setData(path: string, value: unknown): void {
    this.#library.setData(this.#live(), normalizePath(path), JSON.stringify(value));
  }

  /** Compiles a query once, to evaluate it many times. */
  prepare(query: string): PreparedQuery {
    return new PreparedQuery(this.#library, this.#library.prepare(this.#live(), query), this.#print);
  }

  /** Prepares, evaluates and frees a query: for one-off use. */
  evaluate(query: string, input?: unknown, options: EvaluateOptions = {}): QueryResult {
    const prepared = this.prepare(query);
    try {
      return prepared.evaluate(input, options);
    } finally {
      prepared.close();
    }
  }

  close(): void {
    if (this.#handle === 0) return;
    finalizer.unregister(this);
    this.#library.engineFree(this.#handle);
    this.#handle = 0;
  }

  #live(): number {
    if (this.#handle === 0) throw new Error("NativeEngine is closed");
    return this.#handle;
  }
}

export class PreparedQuery {
  readonly #library: NativeLibrary;
  readonly #print: ((line: string) => void) | undefined;
  #handle: number;

  constructor(library: NativeLibrary, handle: number, print?: (line: string) => void) {
    this.#library = library;
    this.#handle = handle;
    this.#print = print;
    finalizer.register(this, () => library.queryFree(handle), this);
  }

  evaluate(input?: unknown, options: EvaluateOptions = {}): QueryResult {
    return JSON.parse(this.evaluateRaw(input, options)) as QueryResult;
  }

  /** The result rows as JSON text: exact for numbers beyond 2^53, which JSON.parse would round. */
  evaluateRaw(input?: unknown, options: EvaluateOptions = {}): string {
    if (this.#handle === 0) throw new Error("PreparedQuery is closed");
    let flags = 0;
    let text: string | null = null;
    if (options.inputTerm !== undefined) {
      flags |= EvalFlags.input | EvalFlags.inputTerm;
      text = options.inputTerm;
    } else if (input !== undefined) {
      flags |= EvalFlags.input;
      text = JSON.stringify(input);
    }
    if (options.strictBuiltinErrors) flags |= EvalFlags.strictBuiltinErrors;
    if (this.#print === undefined) return this.#library.evaluate(this.#handle, text, flags);
    try {
      return this.#library.evaluate(this.#handle, text, flags | EvalFlags.capturePrint);
    } finally {
      const printed = this.#library.prints();
      if (printed.length > 0) for (const line of printed.replace(/\n$/, "").split("\n")) this.#print(line);
    }
  }

  close(): void {
    if (this.#handle === 0) return;
    finalizer.unregister(this);
    this.#library.queryFree(this.#handle);
    this.#handle = 0;
  }
}

/** Slash-separated as OPA's REST API ("a/b"); a path without slashes may use dots ("a.b"). */
function normalizePath(path: string): string {
  const slashed = path.includes("/") ? path : path.replace(/\./g, "/");
  return slashed.replace(/^\/+|\/+$/g, "");
}
