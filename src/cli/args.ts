/**
 * The command line of `sark eval`, parsed as OPA's (cobra/pflag): flags before or after the
 * query, `--flag value`, `--flag=value`, `-d value`, `-dvalue`, `-d=value`, `--` ending flags.
 */
import { UsageError } from "./errors.ts";
import { type Format, FORMATS } from "./output.ts";

export interface EvalOptions {
  query: string;
  data: string[];
  input: string | undefined;
  format: Format;
  strictBuiltinErrors: boolean;
  /** Exit 1 when the result is undefined or empty. */
  fail: boolean;
  /** Exit 1 when the result is defined. */
  failDefined: boolean;
  help: boolean;
}

interface FlagSpec {
  name: string;
  short?: string;
  takesValue: boolean;
}

const FLAGS: readonly FlagSpec[] = [
  { name: "data", short: "d", takesValue: true },
  { name: "input", short: "i", takesValue: true },
  { name: "format", short: "f", takesValue: true },
  { name: "strict-builtin-errors", takesValue: false },
  { name: "fail", takesValue: false },
  { name: "fail-defined", takesValue: false },
  { name: "help", short: "h", takesValue: false },
];

export function parseEvalArgs(args: readonly string[]): EvalOptions {
  const options: EvalOptions = {
    query: "",
    data: [],
    input: undefined,
    format: "json",
    strictBuiltinErrors: false,
    fail: false,
    failDefined: false,
    help: false,
  };
  const positional: string[] = [];
  const usage = (message: string): UsageError => new UsageError(message, "eval");

  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      positional.push(...args.slice(i + 1));
      break;
    }
    let spec: FlagSpec | undefined;
    let inline: string | undefined;
    let shown: string;
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      if (eq >= 0) inline = arg.slice(eq + 1);
      spec = FLAGS.find((f) => f.name === name);
      if (!spec) throw usage(`unknown flag: --${name}`);
      shown = `--${name}`;
    } else if (arg.startsWith("-") && arg.length > 1) {
      const short = arg[1]!;
      spec = FLAGS.find((f) => f.short === short);
      if (!spec) throw usage(`unknown shorthand flag: '${short}' in ${arg}`);
      if (arg.length > 2) inline = arg[2] === "=" ? arg.slice(3) : arg.slice(2);
      shown = `'${short}' in -${short}`;
    } else {
      positional.push(arg);
      continue;
    }

    let value: string;
    if (spec.takesValue) {
      if (inline !== undefined) value = inline;
      else if (i + 1 < args.length) value = args[++i]!;
      else throw usage(`flag needs an argument: ${shown}`);
    } else {
      value = inline ?? "true";
      if (!/^(1|0|t|f|T|F|true|false|TRUE|FALSE|True|False)$/.test(value)) {
        throw usage(`invalid argument "${value}" for "--${spec.name}" flag: strconv.ParseBool: parsing "${value}": invalid syntax`);
      }
    }
    const on = /^(1|t|T|true|TRUE|True)$/.test(value);
    switch (spec.name) {
      case "data":
        options.data.push(value);
        break;
      case "input":
        options.input = value;
        break;
      case "format":
        if (!(FORMATS as readonly string[]).includes(value)) {
          throw usage(`invalid argument "${value}" for "-f, --format" flag: must be one of {${FORMATS.join(",")}}`);
        }
        options.format = value as Format;
        break;
      case "strict-builtin-errors":
        options.strictBuiltinErrors = on;
        break;
      case "fail":
        options.fail = on;
        break;
      case "fail-defined":
        options.failDefined = on;
        break;
      case "help":
        options.help = on;
        break;
    }
  }

  if (options.help) return options;
  if (options.fail && options.failDefined) throw usage("specify --fail or --fail-defined but not both");
  if (positional.length === 0) throw usage("specify query argument");
  if (positional.length > 1) throw usage("specify at most one query argument");
  options.query = positional[0]!;
  return options;
}
