/**
 * A loaded native library plus this thread's context: the one place that turns
 * status codes into typed errors and bytes into strings. One instance per JS
 * thread (each worker loads its own), because a native context is single-threaded.
 */
import { CACHE_MISS, type NativeSymbols, Status } from "./abi.ts";
import { runtimeName } from "./runtime.ts";
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
  [Status.tooLarge, "too_large"],
  [Status.configMismatch, "config_mismatch"],
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

  // The cache: hot calls with no context, so a status is the whole answer. Each reuses one key
  // buffer, one out buffer and one length cell; only the returned value is allocated.

  /** Opens (or shares) a cache: the status (ok, invalidJson, invalidArgument, configMismatch) and the handle. */
  cacheOpen(name: string, configJson: string): { status: number; handle: number } {
    const nameBytes = encoder.encode(name);
    const config = encoder.encode(configJson);
    const handle = new Uint32Array(1);
    const status = this.symbols.sark_cache_open(nameBytes, nameBytes.length, config, config.length, handle);
    return { status, handle: handle[0]! };
  }

  cacheFree(cache: number): void {
    this.symbols.sark_cache_free(cache);
  }

  /** A copy of the value, or undefined on a miss. */
  cacheGet(cache: number, key: string): Uint8Array | undefined {
    const length = this.#cacheRead(cache, key);
    if (length < 0) return undefined;
    return this.#cachePooled && length <= POOL_MAX_VALUE ? this.#cachePoolCopy(length) : this.#cacheOut.slice(0, length);
  }

  /** The value decoded as UTF-8 straight from the out buffer, or undefined on a miss. */
  cacheGetText(cache: number, key: string): string | undefined {
    const length = this.#cacheRead(cache, key);
    return length < 0 ? undefined : decoder.decode(this.#cacheOut.subarray(0, length));
  }

  /** ok, or tooLarge (key + value over the cache's maxBytes); `ttl` as `sark_cache_set` takes it. */
  cacheSet(cache: number, key: string, value: Uint8Array | string, ttl: number): number {
    const keyLength = this.#cacheKeyBytes(key);
    let status: number;
    if (typeof value === "string") {
      const valueLength = this.#cacheValueBytes(value);
      status = this.symbols.sark_cache_set(cache, this.#cacheKey, keyLength, this.#cacheValue, valueLength, ttl);
    } else {
      status = this.symbols.sark_cache_set(cache, this.#cacheKey, keyLength, value, value.length, ttl);
    }
    if (status !== Status.ok && status !== Status.tooLarge) throw cacheFailure(status);
    return status;
  }

  cacheHas(cache: number, key: string): boolean {
    return this.#cacheFound(this.symbols.sark_cache_has(cache, this.#cacheKey, this.#cacheKeyBytes(key)));
  }

  cacheDelete(cache: number, key: string): boolean {
    return this.#cacheFound(this.symbols.sark_cache_delete(cache, this.#cacheKey, this.#cacheKeyBytes(key)));
  }

  cacheDeletePrefix(cache: number, prefix: string): number {
    const length = this.#cacheKeyBytes(prefix);
    this.#cacheCheck(this.symbols.sark_cache_delete_prefix(cache, this.#cacheKey, length, this.#cacheLen));
    return this.#cacheLen[0]!;
  }

  cacheClear(cache: number): void {
    this.#cacheCheck(this.symbols.sark_cache_clear(cache));
  }

  cacheSize(cache: number): number {
    this.#cacheCheck(this.symbols.sark_cache_size(cache, this.#cacheLen));
    return this.#cacheLen[0]!;
  }

  /** The stats as the library reports them (see sark_cache_stats). */
  cacheStats(cache: number): Record<string, unknown> {
    const out = this.#cacheCall((o, cap, len) => this.symbols.sark_cache_stats(cache, o, cap, len));
    return JSON.parse(decoder.decode(this.#cacheOut.subarray(0, out))) as Record<string, unknown>;
  }

  /** Values in key order, undefined for each miss: one native call. */
  cacheGetMany(cache: number, keys: readonly string[]): (Uint8Array | undefined)[] {
    let pos = 0;
    for (const key of keys) {
      this.#cachePackRoom(pos + 4 + key.length * 3);
      const { written } = encoder.encodeInto(key, this.#cachePack.subarray(pos + 4));
      writeU32(this.#cachePack, pos, written);
      pos += 4 + written;
    }
    const packed = this.#cachePack;
    const length = this.#cacheCall((o, cap, len) => this.symbols.sark_cache_get_many(cache, packed, pos, o, cap, len));
    const out = this.#cacheOut;
    const values: (Uint8Array | undefined)[] = [];
    let at = 0;
    for (let i = 0; i < keys.length; i++) {
      if (at + 4 > length) throw cacheFailure(Status.internal);
      const n = readU32(out, at);
      at += 4;
      if (n === CACHE_MISS) {
        values.push(undefined);
      } else {
        values.push(out.slice(at, at + n));
        at += n;
      }
    }
    return values;
  }

  /**
   * Stores every entry in one native call; ok, or tooLarge when one of them is over maxBytes
   * (then none is stored). `ttls[i]` as `sark_cache_set` takes it.
   */
  cacheSetMany(cache: number, entries: readonly { key: string; value: Uint8Array | string }[], ttls: readonly number[]): number {
    let pos = 0;
    for (let i = 0; i < entries.length; i++) {
      const { key, value } = entries[i]!;
      this.#cachePackRoom(pos + 12 + key.length * 3 + (typeof value === "string" ? value.length * 3 : value.length));
      const pack = this.#cachePack;
      const keyLength = encoder.encodeInto(key, pack.subarray(pos + 4)).written;
      writeU32(pack, pos, keyLength);
      pos += 4 + keyLength;
      let valueLength: number;
      if (typeof value === "string") {
        valueLength = encoder.encodeInto(value, pack.subarray(pos + 4)).written;
      } else {
        pack.set(value, pos + 4);
        valueLength = value.length;
      }
      writeU32(pack, pos, valueLength);
      pos += 4 + valueLength;
      writeU32(pack, pos, ttls[i]!);
      pos += 4;
    }
    const status = this.symbols.sark_cache_set_many(cache, this.#cachePack, pos);
    if (status !== Status.ok && status !== Status.tooLarge) throw cacheFailure(status);
    return status;
  }

  readonly #cacheLen = new Uint32Array(1);
  #cacheKey = new Uint8Array(1024);
  #cacheValue = new Uint8Array(4096);
  #cacheOut = new Uint8Array(64 * 1024);
  #cachePack = new Uint8Array(4096);

  /** Copies the value of `key` into the out buffer (grown as needed); its length, or -1 on a miss. */
  #cacheRead(cache: number, key: string): number {
    const keyLength = this.#cacheKeyBytes(key);
    let status = this.symbols.sark_cache_get(cache, this.#cacheKey, keyLength, this.#cacheOut, this.#cacheOut.length, this.#cacheLen);
    // Too small: nothing was kept; grow and ask again (again if the value grew meanwhile).
    while (status === Status.bufferTooSmall) {
      this.#cacheOut = new Uint8Array(Math.max(this.#cacheLen[0]!, this.#cacheOut.length * 2));
      status = this.symbols.sark_cache_get(cache, this.#cacheKey, keyLength, this.#cacheOut, this.#cacheOut.length, this.#cacheLen);
    }
    if (status === Status.ok) return this.#cacheLen[0]!;
    if (status === Status.notFound) return -1;
    throw cacheFailure(status);
  }

  /** A call writing into the out buffer, retried with a larger one until it fits; the length written. */
  #cacheCall(call: (out: Uint8Array, cap: number, outLen: Uint32Array) => number): number {
    let status = call(this.#cacheOut, this.#cacheOut.length, this.#cacheLen);
    while (status === Status.bufferTooSmall) {
      this.#cacheOut = new Uint8Array(Math.max(this.#cacheLen[0]!, this.#cacheOut.length * 2));
      status = call(this.#cacheOut, this.#cacheOut.length, this.#cacheLen);
    }
    this.#cacheCheck(status);
    return this.#cacheLen[0]!;
  }

  #cacheFound(status: number): boolean {
    if (status === Status.ok) return true;
    if (status === Status.notFound) return false;
    throw cacheFailure(status);
  }

  #cacheCheck(status: number): void {
    if (status !== Status.ok) throw cacheFailure(status);
  }

  /** Encodes a key (or prefix) into the key buffer; its UTF-8 length. */
  #cacheKeyBytes(key: string): number {
    if (key.length * 3 > this.#cacheKey.length) this.#cacheKey = new Uint8Array(Math.max(key.length * 3, this.#cacheKey.length * 2));
    return encoder.encodeInto(key, this.#cacheKey).written;
  }

  #cacheValueBytes(value: string): number {
    if (value.length * 3 > this.#cacheValue.length) {
      this.#cacheValue = new Uint8Array(Math.max(value.length * 3, this.#cacheValue.length * 2));
    }
    return encoder.encodeInto(value, this.#cacheValue).written;
  }

  // V8 (Deno, Node) takes ~200-300 ns to allocate a fresh small Uint8Array but ~30-50 ns for a
  // view on an existing ArrayBuffer, so there small values are copied into views of a shared
  // 8 KiB pool (as Node's Buffer pool does): each is its own copy, but `.buffer` is the pool.
  // Bun allocates fresh arrays faster than views, so it does not pool.
  readonly #cachePooled = runtimeName() !== "bun";
  #cachePool = new ArrayBuffer(0);
  #cachePoolOffset = 0;

  #cachePoolCopy(length: number): Uint8Array {
    if (this.#cachePoolOffset + length > this.#cachePool.byteLength) {
      this.#cachePool = new ArrayBuffer(POOL_SIZE);
      this.#cachePoolOffset = 0;
    }
    const value = new Uint8Array(this.#cachePool, this.#cachePoolOffset, length);
    value.set(this.#cacheOut.subarray(0, length));
    this.#cachePoolOffset += (length + 7) & ~7;
    return value;
  }

  #cachePackRoom(size: number): void {
    if (size <= this.#cachePack.length) return;
    const grown = new Uint8Array(Math.max(size, this.#cachePack.length * 2));
    grown.set(this.#cachePack);
    this.#cachePack = grown;
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

const POOL_SIZE = 8 * 1024;
const POOL_MAX_VALUE = 512;

/** An unexpected status from a cache call (they carry no detail: the status is the error). */
function cacheFailure(status: number): SarkError {
  return new NativeCallError(statusName(status), `native cache call failed with status ${status} (${statusName(status)})`);
}

function writeU32(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value & 0xff;
  bytes[at + 1] = (value >>> 8) & 0xff;
  bytes[at + 2] = (value >>> 16) & 0xff;
  bytes[at + 3] = value >>> 24;
}

function readU32(bytes: Uint8Array, at: number): number {
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
}

function statusName(status: number): string {
  return STATUS_NAMES.get(status) ?? `status_${status}`;
}

function num(x: unknown): number {
  return typeof x === "number" ? x : 0;
}
