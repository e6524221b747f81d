/**
 * `JSON.rawJSON`, so that numbers of data files reach the engine's `setData` (which calls
 * `JSON.stringify`) exactly as written. Bun, Deno and Node 21+ have it. Node 20's V8 has it
 * behind a flag, which applies to contexts created after it is set: that is tried next, and
 * checked before use. Without either, numbers go through a double.
 */
import { createContext, runInContext } from "node:vm";
import { setFlagsFromString } from "node:v8";

export type RawNumber = (text: string) => unknown;

let cached: RawNumber | null | undefined;

/** A function that makes a number `JSON.stringify` prints verbatim; null when the runtime has none. */
export function rawNumberFactory(): RawNumber | null {
  if (cached === undefined) cached = find();
  return cached;
}

function find(): RawNumber | null {
  const own = (JSON as { rawJSON?: RawNumber }).rawJSON;
  if (typeof own === "function") return own;
  try {
    setFlagsFromString("--harmony-json-parse-with-source");
    const raw = (runInContext("JSON", createContext({})) as { rawJSON?: RawNumber }).rawJSON;
    const probe = "123456789012345678901234567890.50";
    if (typeof raw === "function" && JSON.stringify([raw(probe)]) === `[${probe}]`) return raw;
  } catch {
    // not V8, or the flag is gone
  }
  return null;
}
