/**
 * A loaded native library plus this thread's context: the one place that turns
 * status codes into typed errors and bytes into strings. One instance per JS
 * thread (each worker loads its own), because a native context is single-threaded.
 */
import { type NativeSymbols, Status } from "./abi.ts";
import type { ResultRow } from "../engine/native.ts";
import {
  InvalidJsonError,
  NativeCallError,
  RegoCompileError,
  type RegoErrorEntry,
  RegoEvalError,
  type RegoLocation,
  RegoParseError,
  type SarkError,
} from "../errors.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: false });

const STATUS_NAMES = new Map<number, string>([
  [Status.invalidArgument, "invalid_argument"],
  [Status.invalidHandle, "invalid_handle"],
  [Status.outOfMemory, "out_of_memory"],
  [Status.invalidJson, "invalid_json"],
  [Status.tooManyHandles, "too_many_handles"],
  [Status.noPendingResult, "no_pending_result"],
  [Status.notFound, "not_found"],
  [Status.regoParseError, "rego_parse_error"],
  [Status.regoCompileError, "rego_compile_error"],
  [Status.evalError, "eval_error"],
  [Status.internal, "internal"],
]);

export class NativeLibrary {
  readonly symbols: NativeSymbols;
  readonly context: number;
  readonly #outLen = new Uint32Array(1);
  readonly #order = new Int32Array(1);
  #out = new Uint8Array(64 * 1024);
  #input = new Uint8Array(16 * 1024);

  constructor(symbols: NativeSymbols) {
    this.symbols = symbols;
    const handle = new Uint32Array(1);
    const status = symbols.sark_context_new(handle);
    if (status !== Status.ok) throw new NativeCallError(statusName(status), `cannot create a native context (status ${status})`);
    this.context = handle[0]!;
  }

  version(): string {
    return decoder.decode(this.#output((out, cap, len) => this.symbols.sark_version(out, cap, len), false));
  }

  /** Parses JSON natively and returns it as compact canonical JSON (OPA's key order, exact numbers). */
  normalizeJson(text: string): string {
    const input = this.#encode(text, 0);
    return decoder.decode(
      this.#output((out, cap, len) => this.symbols.sark_json_normalize(this.context, input, input.length, out, cap, len)),
    );
  }

  /** Compares two JSON documents in OPA's total order. */
  compareJson(a: string, b: string): -1 | 0 | 1 {
    const aBytes = this.#encode(a, 0);
    const bBytes = this.#encode(b, aBytes.length);
    const status = this.symbols.sark_json_compare(this.context, aBytes, aBytes.length, bBytes, bBytes.length, this.#order);
    if (status !== Status.ok) throw this.#error(status);
    return this.#order[0] as -1 | 0 | 1;
  }

  engineNew(): number {
    return this.#newHandle((out) => this.symbols.sark_engine_new(out));
  }

  engineFree(engine: number): void {
    this.symbols.sark_engine_free(engine);
  }

  addPolicy(engine: number, id: string, source: string): void {
    const idBytes = this.#encode(id, 0);
    const src = this.#encode(source, idBytes.length);
    this.#check(this.symbols.sark_engine_add_policy(this.context, engine, idBytes, idBytes.length, src, src.length));
  }

  addPolicies(engine: number, modulesJson: string): void {
    const bytes = this.#encode(modulesJson, 0);
    this.#check(this.symbols.sark_engine_add_policies(this.context, engine, bytes, bytes.length));
  }

  /** False when no policy has that id. */
  removePolicy(engine: number, id: string): boolean {
    const idBytes = this.#encode(id, 0);
    const status = this.symbols.sark_engine_remove_policy(this.context, engine, idBytes, idBytes.length);
    if (status === Status.notFound) return false;
    this.#check(status);
    return true;
  }

  setData(engine: number, path: string, json: string): void {
    const pathBytes = this.#encode(path, 0);
    const jsonBytes = this.#encode(json, pathBytes.length);
    this.#check(this.symbols.sark_engine_set_data(this.context, engine, pathBytes, pathBytes.length, jsonBytes, jsonBytes.length));
  }

  prepare(engine: number, query: string): number {
    const queryBytes = this.#encode(query, 0);
    return this.#newHandle((out) => this.symbols.sark_query_prepare(this.context, engine, queryBytes, queryBytes.length, out));
  }

  queryFree(query: number): void {
    this.symbols.sark_query_free(query);
  }

  /** Evaluates a prepared query; `input` is JSON (or Rego term text with the inputTerm flag). Returns the result rows as JSON. */
  evaluate(query: number, input: string | null, flags: number): string {
    const inputBytes = input === null ? this.#input.subarray(0, 0) : this.#encode(input, 0);
    return decoder.decode(
      this.#output((out, cap, len) => this.symbols.sark_query_eval(this.context, query, inputBytes, inputBytes.length, flags, out, cap, len)),
    );
  }

  /** What `print` wrote during the last evaluation that captured it. */
  prints(): string {
    return decoder.decode(this.#output((out, cap, len) => this.symbols.sark_prints(this.context, out, cap, len), false));
  }

  #newHandle(call: (out: Uint32Array) => number): number {
    const handle = new Uint32Array(1);
    this.#check(call(handle));
    return handle[0]!;
  }

  #check(status: number): void {
    if (status !== Status.ok) throw this.#error(status);
  }

  /** Encodes `text` as UTF-8 into the reusable input buffer at `offset`, returning a view of the bytes. */
  #encode(text: string, offset: number): Uint8Array {
    const worst = offset + text.length * 3;
    if (worst > this.#input.length) {
      const grown = new Uint8Array(Math.max(worst, this.#input.length * 2));
      grown.set(this.#input.subarray(0, offset));
      this.#input = grown;
    }
    const { written } = encoder.encodeInto(text, this.#input.subarray(offset));
    return this.#input.subarray(offset, offset + written);
  }

  /**
   * Runs a call that writes into the output buffer. When the result does not fit, the
   * buffer grows and the kept result is taken, so no call is ever made twice.
   * The returned view is valid until the next call.
   */
  #output(call: (out: Uint8Array, cap: number, outLen: Uint32Array) => number, hasContext = true): Uint8Array {
    let status = call(this.#out, this.#out.length, this.#outLen);
    if (status === Status.bufferTooSmall) {
      this.#out = new Uint8Array(Math.max(this.#outLen[0]!, this.#out.length * 2));
      status = hasContext
        ? this.symbols.sark_result_take(this.context, this.#out, this.#out.length, this.#outLen)
        : call(this.#out, this.#out.length, this.#outLen);
    }
    if (status !== Status.ok) throw this.#error(status);
    return this.#out.subarray(0, this.#outLen[0]!);
  }

  #error(status: number): SarkError {
    const detail = this.#errorDetail();
    const code = typeof detail.code === "string" ? detail.code : statusName(status);
    const message = typeof detail.message === "string" ? detail.message : `native call failed with status ${status}`;
    if (status === Status.invalidJson) {
      return new InvalidJsonError(message, num(detail.line), num(detail.column), num(detail.offset));
    }
    if (status === Status.regoParseError || status === Status.regoCompileError) {
      const errors = Array.isArray(detail.errors) ? (detail.errors as RegoErrorEntry[]) : [];
      return status === Status.regoParseError
        ? new RegoParseError(code, message, errors)
        : new RegoCompileError(code, message, errors);
    }
    if (status === Status.evalError) {
      const results = Array.isArray(detail.results) ? (detail.results as ResultRow[]) : undefined;
      return new RegoEvalError(code, message, detail.location as RegoLocation | undefined, results);
    }
    return new NativeCallError(code, message, detail);
  }

  #errorDetail(): Record<string, unknown> {
    let buf = new Uint8Array(4096);
    let status = this.symbols.sark_error(this.context, buf, buf.length, this.#outLen);
    if (status === Status.bufferTooSmall) {
      buf = new Uint8Array(this.#outLen[0]!);
      status = this.symbols.sark_error(this.context, buf, buf.length, this.#outLen);
    }
    if (status !== Status.ok) return {};
    try {
      return JSON.parse(decoder.decode(buf.subarray(0, this.#outLen[0]!))) as Record<string, unknown>;
    } catch {
      return {};
    }
  }
}

function statusName(status: number): string {
  return STATUS_NAMES.get(status) ?? `status_${status}`;
}

function num(x: unknown): number {
  return typeof x === "number" ? x : 0;
}
