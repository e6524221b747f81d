/** Test helpers to start a child process in the same runtime as the test. */
import { spawnSync } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { runtimeName } from "../../src/native/runtime.ts";

/** Runs `script` (a path relative to this helpers directory's parent) in this runtime; returns stdout. */
export function runInSameRuntime(
  scriptUrl: URL,
  env: Record<string, string | undefined>,
  cwd?: string,
): { status: number | null; stdout: string; stderr: string } {
  const script = fileURLToPath(scriptUrl);
  const runtime = runtimeName();
  const args = runtime === "deno" ? ["run", "--allow-all", script] : [script];
  const result = spawnSync(process.execPath, args, {
    env: { ...process.env, ...env },
    encoding: "utf8",
    cwd,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The extension this runtime's test files run with (.js for the compiled Node build). */
export const scriptExt = import.meta.url.endsWith(".js") ? ".js" : ".ts";
