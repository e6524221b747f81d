/** Opens the Node-API addon (sark_native.node), which exports the same symbols as the C library. */
import { createRequire } from "node:module";
import { type NativeSymbols, symbols } from "./abi.ts";

export function openNode(path: string): NativeSymbols {
  const addon = createRequire(import.meta.url)(path) as Record<string, unknown>;
  for (const name of Object.keys(symbols)) {
    if (typeof addon[name] !== "function") throw new Error(`${path} does not export ${name}`);
  }
  return addon as unknown as NativeSymbols;
}
