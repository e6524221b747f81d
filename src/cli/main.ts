/**
 * Runs the `sark` command line with this process's arguments:
 *   bun src/cli/main.ts eval ...              (Bun, from source)
 *   deno run --allow-all src/cli/main.ts ...  (Deno, from source)
 *   node dist/cli/main.js eval ...            (Node, compiled; bin/sark.js)
 */
import process from "node:process";
import { run } from "./cli.ts";

const code = run(process.argv.slice(2), {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
});
// Set rather than exit, so that piped output is flushed first.
process.exitCode = code;
