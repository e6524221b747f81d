/** Opens the native library with bun:ffi. */
import { createRequire } from "node:module";
import { type NativeSymbols, type ParamKind, symbols } from "./abi.ts";

interface BunFfi {
  dlopen(path: string, defs: Record<string, { args: number[]; returns: number }>): { symbols: unknown };
  FFIType: { i32: number; u32: number; ptr: number };
}

export function openBun(path: string): NativeSymbols {
  const ffi = createRequire(import.meta.url)("bun:ffi") as BunFfi;
  const kind: Record<ParamKind, number> = { u32: ffi.FFIType.u32, i32: ffi.FFIType.i32, buffer: ffi.FFIType.ptr };
  const defs: Record<string, { args: number[]; returns: number }> = {};
  for (const [name, params] of Object.entries(symbols)) {
    defs[name] = { args: params.map((p) => kind[p]), returns: ffi.FFIType.i32 };
  }
  return ffi.dlopen(path, defs).symbols as NativeSymbols;
}
