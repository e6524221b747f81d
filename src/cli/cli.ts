/**
 * The `sark` command: `sark eval`, `sark help`, `sark --version`. Returns the exit code;
 * all output goes through `io`, so the same code runs in Bun, Deno and Node.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadNative, packageRoot } from "../native/load.ts";
import { runtimeName, runtimeVersion } from "../native/runtime.ts";
import { parseEvalArgs } from "./args.ts";
import { UsageError } from "./errors.ts";
import { type CommandIO, evalCommand } from "./eval.ts";

export type { CommandIO } from "./eval.ts";

/** The OPA release whose `opa eval` output and Rego semantics sark follows. */
export const OPA_VERSION = "v1.19.0";

const MAIN_USAGE = `sark evaluates Rego policies with the embedded sark-native engine,
with the command line and output of OPA ${OPA_VERSION}'s \`opa eval\`.

Usage:
  sark eval [flags] <query>    evaluate a query (sark help eval)
  sark help [command]          show help
  sark --version               show versions
`;

const EVAL_USAGE = `Usage:
  sark eval <query> [flags]

Examples:
  sark eval -d policies/ -i input.json 'data.gateway.authz.allow'
  sark eval -d policy.rego -d data.json --format pretty 'x := data.roles[_]'

Flags:
  -d, --data path               policy (.rego) or data (.json) file or directory; repeatable.
                                As opa: .json files found in a directory are mounted at their
                                folder's path (a/b/data.json at data.a.b)
  -i, --input path              input document (JSON)
  -f, --format format           json (default), pretty, values, bindings or raw
      --strict-builtin-errors   treat the first built-in function error as fatal
      --fail                    exit 1 when the result is undefined
      --fail-defined            exit 1 when the result is defined
  -h, --help                    this help

Exit codes (as opa): 0 evaluated, 1 usage error or --fail/--fail-defined, 2 errors
(files, parse, compile or evaluation).
`;

export function run(args: readonly string[], io: CommandIO): number {
  const [command, ...rest] = args;
  try {
    switch (command) {
      case "eval": {
        const options = parseEvalArgs(rest);
        if (options.help) {
          io.stdout(EVAL_USAGE);
          return 0;
        }
        return evalCommand(options, io);
      }
      case "help":
      case "--help":
      case "-h":
        return help(rest[0], io);
      case "version":
      case "--version":
      case "-v":
        io.stdout(versionText());
        return 0;
      case undefined:
        io.stdout(MAIN_USAGE);
        return 0;
      default:
        io.stderr(`Error: unknown command "${command}" for "sark"\nRun 'sark --help' for usage.\n`);
        return 1;
    }
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr(`Error: ${err.message}\n${err.command === "eval" ? EVAL_USAGE : MAIN_USAGE}`);
    return 1;
  }
}

function help(topic: string | undefined, io: CommandIO): number {
  if (topic === undefined) io.stdout(MAIN_USAGE);
  else if (topic === "eval") io.stdout(EVAL_USAGE);
  else {
    io.stderr(`Error: unknown help topic "${topic}"\n${MAIN_USAGE}`);
    return 1;
  }
  return 0;
}

function versionText(): string {
  const { info } = loadNative();
  const native = info.available ? `${info.version} (${info.path})` : `unavailable: ${info.error}`;
  return [
    `sark ${packageVersion()}`,
    `Rego: OPA ${OPA_VERSION} semantics (Rego v1)`,
    `Native library: ${native}`,
    `Runtime: ${runtimeName()} ${runtimeVersion()} (${info.target})`,
    "",
  ].join("\n");
}

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { version?: string }).version ?? "unknown";
  } catch {
    return "unknown";
  }
}
