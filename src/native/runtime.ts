/** Which JavaScript runtime is running this code, and what it runs on. */
import process from "node:process";
import { existsSync, readFileSync } from "node:fs";

export type RuntimeName = "bun" | "deno" | "node";

interface DenoGlobal {
  build: { target: string; os: string; arch: string };
  env: { get(name: string): string | undefined };
}

export function denoGlobal(): DenoGlobal | undefined {
  return (globalThis as { Deno?: DenoGlobal }).Deno;
}

export function runtimeName(): RuntimeName {
  if (typeof (globalThis as { Bun?: unknown }).Bun !== "undefined") return "bun";
  if (denoGlobal() !== undefined) return "deno";
  return "node";
}

/** Reads an environment variable; undefined when absent or when the runtime denies access (Deno without --allow-env). */
export function envVar(name: string): string | undefined {
  try {
    const deno = denoGlobal();
    return deno ? deno.env.get(name) : process.env[name];
  } catch {
    return undefined;
  }
}

/**
 * The dist-libs target for this process, e.g. `linux-x64-gnu`, `darwin-arm64`, `win32-x64`.
 * On Linux the C library is detected from the running process, not guessed from files on disk.
 */
export function detectTarget(): string {
  const os = process.platform;
  const arch = process.arch;
  if (os !== "linux") return `${os}-${arch}`;
  return `linux-${arch}-${isMusl() ? "musl" : "gnu"}`;
}

function isMusl(): boolean {
  const deno = denoGlobal();
  if (deno) return deno.build.target.endsWith("-musl");
  try {
    const report = (process as unknown as { report?: { getReport(): { header?: { glibcVersionRuntime?: string } } } }).report;
    if (report?.getReport().header?.glibcVersionRuntime) return false;
  } catch {
    // fall through to the process map
  }
  try {
    return /\bld-musl-|\/libc\.musl-/.test(readFileSync("/proc/self/maps", "utf8"));
  } catch {
    return existsSync("/etc/alpine-release");
  }
}

/** The running runtime's own version, e.g. "1.4.5" for Bun, "2.9.6" for Deno, "v20.20.2" for Node. */
export function runtimeVersion(): string {
  const bun = (globalThis as { Bun?: { version: string } }).Bun;
  if (bun) return bun.version;
  const deno = (globalThis as { Deno?: { version: { deno: string } } }).Deno;
  if (deno) return deno.version.deno;
  return process.version;
}
