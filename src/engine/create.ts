/**
 * Chooses the engine: the native evaluator when the library loads (found by loading it, never by
 * a file's presence), else an OPA server; optionally OPA as a shadow of the native engine.
 */
import { loadNative } from "../native/load.ts";
import { envVar } from "../native/runtime.ts";
import { EngineUnavailableError, EngineUnsupportedError, NativeUnavailableError, SarkError } from "../errors.ts";
import { NativeEngine } from "./native.ts";
import { OpaEngine } from "./opa.ts";
import { ShadowEngine, type ShadowOptions } from "./shadow.ts";
import type { AsyncEngine, Engine, SyncEngine } from "./types.ts";

export interface CreateEngineOptions {
  /** "auto" (default): native when the library loads, else OPA at `opaUrl`. */
  backend?: "auto" | "native" | "opa";
  /** OPA's base URL; default the `OPA_URL` environment variable. */
  opaUrl?: string;
  /** OPA: bound on each HTTP attempt (default 5000 ms). */
  timeoutMs?: number;
  /** OPA: extra attempts after a connection failure (default 2). */
  retries?: number;
  /** Native: receives Rego `print` lines. */
  print?: (line: string) => void;
  /** Native primary with OPA evaluating a sample of decisions in the background, for comparison. */
  shadow?: ShadowOptions & { timeoutMs?: number; retries?: number };
}

export function createEngine(options: CreateEngineOptions & { backend: "native" }): SyncEngine;
export function createEngine(options: CreateEngineOptions & { backend: "opa" }): AsyncEngine;
export function createEngine(options?: CreateEngineOptions): Engine;
export function createEngine(options: CreateEngineOptions = {}): Engine {
  const backend = options.backend ?? "auto";
  if (backend !== "auto" && backend !== "native" && backend !== "opa") {
    throw new SarkError("invalid_engine_option", `backend must be "auto", "native" or "opa", got ${JSON.stringify(backend)}`);
  }
  const opaUrl = options.opaUrl ?? envVar("OPA_URL");

  if (backend === "opa") {
    if (options.shadow) throw new EngineUnsupportedError("opa", "shadow mode (the shadowed primary must be the native engine)");
    if (!opaUrl) throw new EngineUnavailableError("opa", "no OPA URL given (the opaUrl option or OPA_URL)");
    return opa(opaUrl, options, `backend "opa" requested; OPA at ${new URL(opaUrl).origin}`);
  }

  const { info, library } = loadNative();
  if (library !== null) {
    const why = backend === "native" ? `backend "native" requested` : `auto: the native library loaded (${info.path})`;
    return native(options, why);
  }
  if (backend === "native") throw new NativeUnavailableError(info.error ?? "unknown reason");
  if (!opaUrl) {
    throw new EngineUnavailableError(
      "native or opa",
      `the native library did not load (${info.error ?? "unknown reason"}) and no OPA URL was given (the opaUrl option or OPA_URL)`,
    );
  }
  const shadowNote = options.shadow ? "; shadow mode off (it needs the native engine as primary)" : "";
  return opa(
    opaUrl,
    options,
    `auto: the native library did not load (${info.error ?? "unknown reason"}); OPA at ${new URL(opaUrl).origin}${shadowNote}`,
  );
}

function native(options: CreateEngineOptions, why: string): SyncEngine {
  const shadow = options.shadow;
  if (!shadow) return new NativeEngine({ print: options.print, reason: why });
  const reason = `${why}; shadowed by OPA at ${new URL(shadow.opaUrl).origin} (sample rate ${shadow.sampleRate})`;
  const primary = new NativeEngine({ print: options.print, reason });
  const opaShadow = new OpaEngine({
    url: shadow.opaUrl,
    timeoutMs: shadow.timeoutMs ?? options.timeoutMs,
    retries: shadow.retries ?? options.retries,
    reason: "shadow of the native engine",
  });
  return new ShadowEngine(primary, opaShadow, shadow, reason);
}

function opa(url: string, options: CreateEngineOptions, reason: string): AsyncEngine {
  return new OpaEngine({ url, timeoutMs: options.timeoutMs, retries: options.retries, reason });
}
