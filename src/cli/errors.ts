/** The CLI's errors, and the error entries it prints the way `opa eval` does. */
import { SarkError } from "../errors.ts";

/** Bad command line: the message is printed with the usage, and the exit code is OPA's for usage errors (1). */
export class UsageError extends SarkError {
  /** The command whose usage to print ("eval"), or "" for the top level. */
  readonly command: string;

  constructor(message: string, command: string) {
    super("usage", message, { command });
    this.command = command;
  }
}

/** One entry of OPA's `{"errors": [...]}`; only `message` for loader errors (unreadable or conflicting files). */
export interface OutputError {
  message: string;
  code?: string;
  location?: { file: string; row: number; col: number };
  /** For parse errors: the source line of the error and the error's index in it. */
  details?: { line: string; idx: number };
}

/** Errors that stop `sark eval`, printed in the output format (exit code 2, as OPA). */
export class EvalFailure extends SarkError {
  readonly errors: readonly OutputError[];

  constructor(errors: OutputError[]) {
    super("eval_failed", formatErrors(errors), { errors });
    this.errors = errors;
  }
}

/**
 * OPA's text for a list of errors: "1 error occurred: file:row: code: message", or
 * "N errors occurred:" and one error a line. A location without a file (the query) is "row:col".
 */
export function formatErrors(errors: readonly OutputError[]): string {
  const lines = errors.map(formatError);
  return errors.length === 1 ? `1 error occurred: ${lines[0]}` : `${errors.length} errors occurred:\n${lines.join("\n")}`;
}

function formatError(error: OutputError): string {
  if (error.code === undefined) return error.message;
  const loc = error.location;
  const prefix = loc === undefined ? "" : loc.file !== "" ? `${loc.file}:${loc.row}: ` : `${loc.row}:${loc.col}: `;
  let text = `${prefix}${error.code}: ${error.message}`;
  if (error.details) {
    // As OPA: the line without its leading tabs, and a caret under the error.
    const line = error.details.line.replace(/^\t+/, "");
    const indent = Math.max(error.details.idx - (error.details.line.length - line.length), 0);
    text += `\n\t${line}\n\t${" ".repeat(indent)}^`;
  }
  return text;
}

/**
 * OPA's details of a parse error at `row`:`col` of `source` (1-based; the column counts
 * characters): the line holding the error and the error's byte index in it; for an error
 * past the end (col 0), the last line with something on it.
 */
export function parseErrorDetails(source: string, row: number, col: number): { line: string; idx: number } {
  const encoder = new TextEncoder();
  let lineStart = 0;
  for (let r = 1; r < row; r++) {
    const nl = source.indexOf("\n", lineStart);
    if (nl < 0) {
      lineStart = source.length;
      break;
    }
    lineStart = nl + 1;
  }
  const rest = source.slice(lineStart);
  const before = col > 1 ? Array.from(rest).slice(0, col - 1).join("") : "";
  const bytes = encoder.encode(source);
  let offset = encoder.encode(source.slice(0, lineStart)).length + encoder.encode(before).length + (col < 1 ? col - 1 : 0);
  const newline = (b: number | undefined): boolean => b === 0x0a || b === 0x0d;
  if (offset >= bytes.length) offset = bytes.length - 1;
  if (offset < 0) offset = 0;
  while (offset > 0 && [0x20, 0x09, 0x0a, 0x0b, 0x0c, 0x0d].includes(bytes[offset]!)) offset--;
  let begin = offset;
  while (begin > 0 && !newline(bytes[begin])) begin--;
  if (newline(bytes[begin])) begin++;
  let end = offset;
  while (end < bytes.length && !newline(bytes[end])) end++;
  if (begin > end) begin = end;
  return { line: new TextDecoder().decode(bytes.subarray(begin, end)), idx: offset - begin };
}
