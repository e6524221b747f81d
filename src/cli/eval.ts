/**
 * `sark eval`: loads policies and data as `opa eval -d` does, evaluates one query on the
 * native engine, and prints the result as `opa eval --format ...` would.
 */
import { readFileSync } from "node:fs";
import { NativeEngine, type PreparedQuery } from "../engine/native.ts";
import { NativeUnavailableError, RegoError, RegoEvalError, RegoParseError } from "../errors.ts";
import type { EvalOptions } from "./args.ts";
import { EvalFailure, type OutputError, parseErrorDetails } from "./errors.ts";
import { compactJson, type JsonObject, JsonSyntaxError, parseJson, toPlain } from "./json.ts";
import { type Loaded, loadPaths, systemMessage } from "./loader.ts";
import { formatFailure, formatResult, parseRows } from "./output.ts";
import { rawNumberFactory } from "./rawjson.ts";

export interface CommandIO {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Exit codes as OPA's: 0 done, 1 --fail/--fail-defined tripped, 2 errors. */
export function evalCommand(options: EvalOptions, io: CommandIO): number {
  // As OPA: the input file is read first, and its problems are printed as plain text.
  let inputTerm: string | undefined;
  if (options.input !== undefined) {
    let text: string;
    try {
      text = readFileSync(options.input, "utf8");
    } catch (err) {
      io.stderr(`open ${options.input}: ${systemMessage(err)}\n`);
      return 2;
    }
    try {
      inputTerm = compactJson(parseJson(text, true));
    } catch (err) {
      if (!(err instanceof JsonSyntaxError)) throw err;
      io.stderr(`unable to parse input: ${err.message}\n`);
      return 2;
    }
  }

  let engine: NativeEngine;
  try {
    engine = new NativeEngine();
  } catch (err) {
    if (!(err instanceof NativeUnavailableError)) throw err;
    io.stderr(`sark: ${err.message}\n(sark evaluates with the native library only; set SARK_NATIVE_LIB to its path, or reinstall sark-native)\n`);
    return 2;
  }
  try {
    const rows = parseRows(evaluate(engine, options, inputTerm, io));
    io.stdout(formatResult(rows, options.format));
    const defined = rows.length > 0;
    if ((options.fail && !defined) || (options.failDefined && defined)) return 1;
    return 0;
  } catch (err) {
    if (!(err instanceof EvalFailure)) throw err;
    const { stdout, stderr } = formatFailure(err.errors, options.format);
    if (stdout) io.stdout(stdout);
    if (stderr) io.stderr(stderr);
    return 2;
  } finally {
    engine.close();
  }
}

/** The raw result rows; every OPA-reported problem is thrown as an `EvalFailure`. */
function evaluate(engine: NativeEngine, options: EvalOptions, inputTerm: string | undefined, io: CommandIO): string {
  const loaded = loadPaths(options.data);
  if (loaded.errors.length > 0) throw new EvalFailure(loadFailures(loaded));

  const sources: Sources = (file) => (file === "" ? options.query : loaded.modules[file]);
  if (loaded.data.size > 0) engine.setData("", plainData(loaded.data, io));
  try {
    if (Object.keys(loaded.modules).length > 0) engine.addPolicies(loaded.modules);
  } catch (err) {
    if (err instanceof RegoParseError) throw new EvalFailure(loadFailures(loaded));
    throw failure(err, sources);
  }

  let prepared: PreparedQuery;
  try {
    prepared = engine.prepare(options.query);
  } catch (err) {
    throw failure(err, sources);
  }
  try {
    return prepared.evaluateRaw(undefined, {
      strictBuiltinErrors: options.strictBuiltinErrors,
      ...(inputTerm !== undefined ? { inputTerm } : {}),
    });
  } catch (err) {
    throw failure(err, sources);
  } finally {
    prepared.close();
  }
}

/** Source text by module id ("" for the query), to show the line of a parse error. */
type Sources = (file: string) => string | undefined;

/** A Rego error as OPA's output entries; anything else is rethrown. */
function failure(err: unknown, sources: Sources): EvalFailure {
  if (err instanceof RegoError) {
    const errors: OutputError[] = err.errors.map((e) => {
      const source = e.location && e.code === "rego_parse_error" ? sources(e.location.file) : undefined;
      return {
        message: e.message,
        code: e.code,
        ...(e.location ? { location: e.location } : {}),
        ...(e.location && source !== undefined ? { details: parseErrorDetails(source, e.location.row, e.location.col) } : {}),
      };
    });
    return new EvalFailure(errors.length > 0 ? errors : [{ message: err.message, code: err.code }]);
  }
  if (err instanceof RegoEvalError) {
    return new EvalFailure([{ message: stripPrefix(err.message, err.code), code: err.code, ...(err.location ? { location: err.location } : {}) }]);
  }
  throw err;
}

/** The engine's eval messages read "file:row: code: message"; OPA's entry holds only the message. */
function stripPrefix(message: string, code: string): string {
  const marker = `${code}: `;
  const at = message.indexOf(marker);
  return at < 0 ? message : message.slice(at + marker.length);
}

/**
 * The errors of loading, as OPA lists them: in load order, with a parse error for every
 * module that does not parse (OPA parses while loading; a module loaded twice is reported
 * twice). The engine stops at the first parse error, so each module is parsed on its own
 * here (compile errors, which need the other modules, are ignored).
 */
function loadFailures(loaded: Loaded): OutputError[] {
  const all: Array<{ at: number; error: OutputError }> = [...loaded.errors];
  const parseErrors = new Map<string, OutputError[]>();
  for (const [id, source] of Object.entries(loaded.modules)) {
    const scratch = new NativeEngine();
    try {
      scratch.addPolicy(id, source);
    } catch (err) {
      if (err instanceof RegoParseError) parseErrors.set(id, [...failure(err, (file) => loaded.modules[file]).errors]);
    } finally {
      scratch.close();
    }
  }
  loaded.order.forEach((file, at) => {
    for (const error of parseErrors.get(file) ?? []) all.push({ at, error });
  });
  // A stable sort: the errors of one file keep their order.
  return all.sort((a, b) => a.at - b.at).map(({ error }) => error);
}

/** The merged data as a value `setData` serializes with every number as written, where the runtime allows. */
function plainData(data: JsonObject, io: CommandIO): unknown {
  const raw = rawNumberFactory();
  if (raw) return toPlain(data, raw);
  let rounded: string | undefined;
  const plain = toPlain(data, (text) => {
    const n = Number(text);
    if (rounded === undefined && !fitsDouble(text)) rounded = text;
    return n;
  });
  if (rounded !== undefined) {
    io.stderr(`sark: warning: this runtime cannot pass ${rounded} (and other numbers beyond double precision) to the engine exactly; they are rounded\n`);
  }
  return plain;
}

/** Whether a double keeps the value of `text`: 15 significant digits or fewer, within range. */
function fitsDouble(text: string): boolean {
  const digits = text.replace(/[eE].*$/, "").replace(/[-+.]/g, "").replace(/^0+/, "").replace(/0+$/, "");
  return digits.length <= 15 && Number.isFinite(Number(text));
}
