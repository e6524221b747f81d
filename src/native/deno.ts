/** Opens the native library with Deno.dlopen (needs --allow-ffi). */
import { type NativeSymbols, symbols } from "./abi.ts";

interface DenoFfi {
  dlopen(path: string, defs: Record<string, { parameters: string[]; result: string }>): { symbols: unknown };
}

export function openDeno(path: string): NativeSymbols {
  const deno = (globalThis as unknown as { Deno: DenoFfi }).Deno;
  const defs: Record<string, { parameters: string[]; result: string }> = {};
  for (const [name, params] of Object.entries(symbols)) {
    // "buffer" is Deno's fast path for TypedArrays (not "pointer").
    defs[name] = { parameters: [...params], result: "i32" };
  }
  return deno.dlopen(path, defs).symbols as NativeSymbols;
}
