/**
 * The C ABI of the native library, mirrored once for TypeScript.
 * `zig/ffi.zig` is the reference: every symbol, ownership rule and status code is described there.
 * No other file spells a symbol name.
 */

/** How a parameter crosses the FFI: 32-bit integers, or a TypedArray (pointer to its first element). */
export type ParamKind = "u32" | "i32" | "buffer";

/** Bumped together with `abi_version` in zig/ffi.zig; the loader refuses a library of another version. */
export const ABI_VERSION = 2;

export const symbols = {
  sark_abi_version: [],
  sark_version: ["buffer", "u32", "buffer"],
  sark_context_new: ["buffer"],
  sark_context_free: ["u32"],
  sark_error: ["u32", "buffer", "u32", "buffer"],
  sark_result_take: ["u32", "buffer", "u32", "buffer"],
  sark_json_normalize: ["u32", "buffer", "u32", "buffer", "u32", "buffer"],
  sark_json_compare: ["u32", "buffer", "u32", "buffer", "u32", "buffer"],
  sark_engine_new: ["buffer"],
  sark_engine_free: ["u32"],
  sark_engine_add_policy: ["u32", "u32", "buffer", "u32", "buffer", "u32"],
  sark_engine_add_policies: ["u32", "u32", "buffer", "u32"],
  sark_engine_remove_policy: ["u32", "u32", "buffer", "u32"],
  sark_engine_set_data: ["u32", "u32", "buffer", "u32", "buffer", "u32"],
  sark_query_prepare: ["u32", "u32", "buffer", "u32", "buffer"],
  sark_query_eval: ["u32", "u32", "buffer", "u32", "u32", "buffer", "u32", "buffer"],
  sark_query_free: ["u32"],
  sark_prints: ["u32", "buffer", "u32", "buffer"],
  sark_cache_open: ["buffer", "u32", "buffer", "u32", "buffer"],
  sark_cache_free: ["u32"],
  sark_cache_get: ["u32", "buffer", "u32", "buffer", "u32", "buffer"],
  sark_cache_set: ["u32", "buffer", "u32", "buffer", "u32", "u32"],
  sark_cache_has: ["u32", "buffer", "u32"],
  sark_cache_delete: ["u32", "buffer", "u32"],
  sark_cache_delete_prefix: ["u32", "buffer", "u32", "buffer"],
  sark_cache_clear: ["u32"],
  sark_cache_size: ["u32", "buffer"],
  sark_cache_stats: ["u32", "buffer", "u32", "buffer"],
  sark_cache_get_many: ["u32", "buffer", "u32", "buffer", "u32", "buffer"],
  sark_cache_set_many: ["u32", "buffer", "u32"],
} as const satisfies Record<string, readonly ParamKind[]>;

export type SymbolName = keyof typeof symbols;

type JsParam<K extends ParamKind> = K extends "buffer" ? Uint8Array | Uint32Array | Int32Array | null : number;
type JsParams<P extends readonly ParamKind[]> = { [I in keyof P]: JsParam<P[I]> };

/** The loaded library: every symbol returns an i32 status (see `Status`). */
export type NativeSymbols = {
  [N in SymbolName]: (...args: JsParams<(typeof symbols)[N]>) => number;
};

/** Status codes (zig/status.zig). */
export const Status = {
  ok: 0,
  bufferTooSmall: 1,
  invalidArgument: -1,
  invalidHandle: -2,
  outOfMemory: -3,
  invalidJson: -4,
  tooManyHandles: -5,
  noPendingResult: -6,
  notFound: -7,
  tooLarge: -8,
  configMismatch: -9,
  regoParseError: -10,
  regoCompileError: -11,
  evalError: -12,
  internal: -99,
} as const;

/** Flags of `sark_query_eval`. */
export const EvalFlags = {
  input: 1,
  strictBuiltinErrors: 2,
  inputTerm: 4,
  capturePrint: 8,
} as const;

/** `ttl_ms` of `sark_cache_set`: 0 = the cache's default TTL, this = no expiry. */
export const CACHE_TTL_NONE = 0xffff_ffff;

/** In the packed result of `sark_cache_get_many`: the length that marks a miss. */
export const CACHE_MISS = 0xffff_ffff;
