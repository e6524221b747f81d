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
  return `${prefix}${error.code}: ${error.message}`;
}
