/** Typed errors. Every error the library throws is a `SarkError` with a stable `code`. */
import type { ResultRow } from "./engine/native.ts";

export class SarkError extends Error {
  readonly code: string;
  readonly detail: Readonly<Record<string, unknown>>;

  constructor(code: string, message: string, detail: Record<string, unknown> = {}) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.detail = detail;
  }
}

/** The native library is not loaded (see `nativeInfo().error` for why) and the call has no fallback. */
export class NativeUnavailableError extends SarkError {
  constructor(reason: string) {
    super("native_unavailable", `the sark-native library is not available: ${reason}`, { reason });
  }
}

/** JSON that does not parse; line and column are 1-based, offset is in UTF-8 bytes. */
export class InvalidJsonError extends SarkError {
  readonly line: number;
  readonly column: number;
  readonly offset: number;

  constructor(message: string, line: number, column: number, offset: number) {
    super("invalid_json", message, { line, column, offset });
    this.line = line;
    this.column = column;
    this.offset = offset;
  }
}

/** Any other failure reported by the native library (its status name is the code). */
export class NativeCallError extends SarkError {}

/** Where a Rego error happened: the module id (file), 1-based row and column. */
export interface RegoLocation {
  file: string;
  row: number;
  col: number;
}

/** One error of a failed parse or compile, as OPA reports it. */
export interface RegoErrorEntry {
  /** rego_parse_error, rego_compile_error, rego_type_error, rego_unsafe_var_error, rego_recursion_error */
  code: string;
  message: string;
  location?: RegoLocation;
}

/** Base of errors that come with OPA's error list and the first error's location. */
export class RegoError extends SarkError {
  readonly errors: readonly RegoErrorEntry[];
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(code: string, message: string, errors: RegoErrorEntry[]) {
    super(code, message, { errors });
    this.errors = errors;
    const first = errors[0]?.location;
    this.file = first?.file;
    this.line = first?.row;
    this.column = first?.col;
  }
}

/** A module or query that does not parse (`rego_parse_error`). */
export class RegoParseError extends RegoError {}

/** A module or query that parses but does not compile: unsafe variables, type errors, recursion, conflicts. */
export class RegoCompileError extends RegoError {}

/** An error during evaluation, with OPA's code: eval_conflict_error, eval_type_error, eval_builtin_error, ... */
export class RegoEvalError extends SarkError {
  readonly location: RegoLocation | undefined;
  /**
   * In strict mode a builtin error does not stop the evaluation (as in OPA): these are the rows
   * found before the query failed with it; undefined when there were none.
   */
  readonly results: readonly ResultRow[] | undefined;

  constructor(code: string, message: string, location?: RegoLocation, results?: readonly ResultRow[]) {
    super(code, message, location ? { location } : {});
    this.location = location;
    this.results = results;
  }
}

/** A cache call with a bad argument: a key that is not well-formed UTF-16, a negative TTL, a bad option. */
export class InvalidCacheArgumentError extends SarkError {
  constructor(message: string, detail: Record<string, unknown> = {}) {
    super("invalid_cache_argument", message, detail);
  }
}

/** An entry (key + value bytes) larger than the cache's maxBytes: rejected rather than emptying the cache for it. */
export class CacheEntryTooLargeError extends SarkError {
  readonly bytes: number;
  readonly maxBytes: number;

  constructor(key: string, bytes: number, maxBytes: number) {
    super("cache_entry_too_large", `cache entry "${key}" takes ${bytes} bytes, more than maxBytes (${maxBytes})`, {
      key,
      bytes,
      maxBytes,
    });
    this.bytes = bytes;
    this.maxBytes = maxBytes;
  }
}

/** A call on a cache after its `close()`. */
export class CacheClosedError extends SarkError {
  constructor(backend: string) {
    super("cache_closed", `the ${backend} cache is closed`, { backend });
  }
}

/** The cache's server cannot be reached or did not answer in time (Redis gone, timeout, reconnecting). */
export class CacheUnavailableError extends SarkError {
  readonly reason: string;

  constructor(backend: string, reason: string) {
    super("cache_unavailable", `the ${backend} cache is unavailable: ${reason}`, { backend, reason });
    this.reason = reason;
  }
}

/**
 * The engine's server (OPA) cannot be reached or did not answer in time: connection refused or
 * reset, socket closed, timeout, or the engine was closed. `reason` says which.
 */
export class EngineUnavailableError extends SarkError {
  readonly backend: string;
  readonly reason: string;

  constructor(backend: string, reason: string, detail: Record<string, unknown> = {}) {
    super("engine_unavailable", `the ${backend} engine is unavailable: ${reason}`, { backend, reason, ...detail });
    this.backend = backend;
    this.reason = reason;
  }
}

/** OPA answered a request with an error that is not a Rego error (bad request, conflict, internal error). */
export class OpaRequestError extends SarkError {
  /** The HTTP status. */
  readonly status: number;
  /** OPA's own code (`invalid_parameter`, `resource_conflict`, `internal_error`, ...), when it sent one. */
  readonly opaCode: string | undefined;

  constructor(status: number, opaCode: string | undefined, message: string) {
    super("opa_request_error", `OPA answered ${status}${opaCode ? ` ${opaCode}` : ""}: ${message}`, { status, opaCode });
    this.status = status;
    this.opaCode = opaCode;
  }
}

/** An option or call the chosen engine backend cannot honour (e.g. `inputTerm` on OPA). */
export class EngineUnsupportedError extends SarkError {
  constructor(backend: string, what: string) {
    super("engine_unsupported", `the ${backend} engine does not support ${what}`, { backend, what });
  }
}
