/** Typed errors. Every error the library throws is a `SarkError` with a stable `code`. */

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
