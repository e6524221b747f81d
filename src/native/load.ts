/**
 * Finds and loads the native library for this runtime and platform, once.
 * A missing or broken library is detected by actually loading it and calling it,
 * never by the presence of a file; the reason is kept, never thrown at import.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ABI_VERSION, type NativeSymbols } from "./abi.ts";
import { detectTarget, envVar, type RuntimeName, runtimeName } from "./runtime.ts";
import { NativeLibrary } from "./library.ts";
import { openBun } from "./bun.ts";
import { openDeno } from "./deno.ts";
import { openNode } from "./node.ts";

export interface NativeInfo {
  /** True when the native library loaded and answered. */
  available: boolean;
  runtime: RuntimeName;
  /** The dist-libs target of this process, e.g. `linux-x64-gnu`. */
  target: string;
  /** The file that was loaded (or last tried). */
  path: string | null;
  /** The library's version, when loaded. */
  version: string | null;
  /** Why the library is not available. */
  error?: string;
}

interface LoadState {
  info: NativeInfo;
  library: NativeLibrary | null;
}

let state: LoadState | undefined;

/** Loads on first use; later calls return the same outcome. */
export function loadNative(): LoadState {
  state ??= load();
  return state;
}

function load(): LoadState {
  const runtime = runtimeName();
  const target = detectTarget();
  const unavailable = (error: string, path: string | null = null): LoadState => ({
    info: { available: false, runtime, target, path, version: null, error },
    library: null,
  });
  if (envVar("SARK_NATIVE") === "0") return unavailable("disabled by SARK_NATIVE=0");

  const fileName = libraryFileName(runtime, target);
  const candidates = candidatePaths(fileName, target);
  const failures: string[] = [];
  for (const path of candidates) {
    if (!existsSync(path)) {
      failures.push(`${path}: not found`);
      continue;
    }
    try {
      const library = new NativeLibrary(open(runtime, path));
      const abi = library.symbols.sark_abi_version();
      if (abi !== ABI_VERSION) throw new Error(`ABI version ${abi}, expected ${ABI_VERSION}`);
      return { info: { available: true, runtime, target, path, version: library.version() }, library };
    } catch (err) {
      failures.push(`${path}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return unavailable(failures.join("; "), candidates.at(-1) ?? null);
}

const openers: Record<RuntimeName, (path: string) => NativeSymbols> = {
  bun: openBun,
  deno: openDeno,
  node: openNode,
};

function open(runtime: RuntimeName, path: string): NativeSymbols {
  return openers[runtime](path);
}

/** Bun and Deno load the plain C library; Node loads the Node-API addon. */
export function libraryFileName(runtime: RuntimeName, target: string): string {
  if (runtime === "node") return "sark_native.node";
  if (target.startsWith("win32")) return "sark_native.dll";
  if (target.startsWith("darwin")) return "libsark_native.dylib";
  return "libsark_native.so";
}

function candidatePaths(fileName: string, target: string): string[] {
  const explicit = envVar("SARK_NATIVE_LIB");
  if (explicit) {
    const isDir = existsSync(explicit) && statSync(explicit).isDirectory();
    return [isDir ? join(explicit, fileName) : explicit];
  }
  // In a checkout the host build (zig-out) is the freshest; a published package has only dist-libs.
  const root = packageRoot();
  return [join(root, "zig-out", "lib", fileName), join(root, "dist-libs", target, fileName)];
}

/** The directory of this package's package.json, from wherever this module was loaded (src/, dist/, a test build). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "sark-native") return dir;
      } catch {
        // not ours; keep walking
      }
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return join(dirname(fileURLToPath(import.meta.url)), "..", "..");
}
