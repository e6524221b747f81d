/**
 * The embedded engine: Rego policies compiled and evaluated by the native library,
 * synchronously (a Promise would cost more than a decision).
 */
import { EvalFlags } from "../native/abi.ts";
import { loadNative } from "../native/load.ts";
import type { NativeLibrary } from "../native/library.ts";
import { NativeUnavailableError } from "../errors.ts";
import {
  type EngineHealth,
  type EvaluateOptions,
  normalizeDataPath,
  type PreparedQueryOf,
  type QueryResult,
  type SyncEngine,
} from "./types.ts";

export type { EvaluateOptions, ExpressionValue, QueryResult, ResultRow } from "./types.ts";

export interface EngineOptions {
  /**
   * Receives each line written by Rego's `print` (without its newline). Without it, `print`
   * writes to stderr.
   */
  print?: (line: string) => void;
  /** Why this engine was chosen; createEngine sets it. */
  reason?: string;
}

const finalizer = new FinalizationRegistry<() => void>((release) => release());

export class NativeEngine implements SyncEngine {
  readonly backend = "native" as const;
  readonly mode = "sync" as const;
  readonly reason: string;
  readonly #library: NativeLibrary;
  readonly #print: ((line: string) => void) | undefined;
  #handle: number;

  /** Throws `NativeUnavailableError` when the native library is not loaded. */
  constructor(options: EngineOptions = {}) {
    const { info, library } = loadNative();
    if (!library) throw new NativeUnavailableError(info.error ?? "unknown reason");
    this.#library = library;
    this.#print = options.print;
    this.reason = options.reason ?? "constructed directly";
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
    this.#library.setData(this.#live(), normalizeDataPath(path), JSON.stringify(value));
  }

  /** Compiles a query once, to evaluate it many times. */
  prepare(query: string): PreparedQuery {
    return new PreparedQuery(this.#library, this.#library.prepare(this.#live(), query), this.#print, query);
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

  /** Healthy while open: the library is loaded in-process, there is nothing else to reach. */
  health(): EngineHealth {
    return this.#handle === 0
      ? { ok: false, backend: "native", detail: "closed" }
      : { ok: true, backend: "native", detail: `in-process library ${this.#library.version()}` };
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

export class PreparedQuery implements PreparedQueryOf<"sync"> {
  /** The query text, as given to `prepare`. */
  readonly query: string;
  readonly #library: NativeLibrary;
  readonly #print: ((line: string) => void) | undefined;
  #handle: number;

  constructor(library: NativeLibrary, handle: number, print?: (line: string) => void, query = "") {
    this.query = query;
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
