/**
 * A loaded native library plus this thread's context: the one place that turns
 * status codes into typed errors and bytes into strings. One instance per JS
 * thread (each worker loads its own), because a native context is single-threaded.
 */
import { type NativeSymbols, Status } from "./abi.ts";
import { InvalidJsonError, NativeCallError, type SarkError } from "../errors.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: false });

const STATUS_NAMES = new Map<number, string>([
  [Status.invalidArgument, "invalid_argument"],
  [Status.invalidHandle, "invalid_handle"],
  [Status.outOfMemory, "out_of_memory"],
  [Status.invalidJson, "invalid_json"],
  [Status.tooManyHandles, "too_many_handles"],
  [Status.noPendingResult, "no_pending_result"],
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
