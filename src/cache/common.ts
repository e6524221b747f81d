/**
 * Argument checks and encodings shared by the cache backends, so every backend rejects the same
 * bad input with the same typed error and stores the same bytes.
 */
import { InvalidCacheArgumentError } from "../errors.ts";
import type { CacheOptions, CacheValue } from "./types.ts";

export const DEFAULT_MAX_ENTRIES = 100_000;
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

/** CacheOptions with every default applied and every bound checked. */
export interface ResolvedCacheOptions {
  maxEntries: number;
  maxBytes: number;
  defaultTtlMs: number;
}

export function resolveCacheOptions(options: CacheOptions = {}): ResolvedCacheOptions {
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const defaultTtlMs = options.defaultTtlMs ?? 0;
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
    throw new InvalidCacheArgumentError(`maxEntries must be a positive integer, got ${maxEntries}`, { maxEntries });
  }
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) {
    throw new InvalidCacheArgumentError(`maxBytes must be a positive integer, got ${maxBytes}`, { maxBytes });
  }
  return { maxEntries, maxBytes, defaultTtlMs: checkTtl(defaultTtlMs, "defaultTtlMs") };
}

/** A TTL in ms: a finite number >= 0 (0 = no expiry). Fractions are kept (Redis rounds them up). */
export function checkTtl(ttlMs: number, name = "ttlMs"): number {
  if (typeof ttlMs !== "number" || !Number.isFinite(ttlMs) || ttlMs < 0) {
    throw new InvalidCacheArgumentError(`${name} must be a finite number of ms >= 0, got ${String(ttlMs)}`, {
      [name]: ttlMs,
    });
  }
  return ttlMs;
}

/**
 * The UTF-8 length of `key`. Keys are stored as UTF-8, where a lone surrogate would turn into U+FFFD and
 * two different strings into one key; such keys are rejected instead.
 */
export function keyByteLength(key: string): number {
  if (typeof key !== "string") {
    throw new InvalidCacheArgumentError(`a cache key must be a string, got ${typeof key}`);
  }
  let bytes = 0;
  const n = key.length;
  for (let i = 0; i < n; i++) {
    const c = key.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c < 0xd800 || c > 0xdfff) bytes += 3;
    else if (c <= 0xdbff && i + 1 < n && (key.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else {
      throw new InvalidCacheArgumentError(`cache key has a lone surrogate at index ${i}`, { index: i });
    }
  }
  return bytes;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A private copy of the value's bytes (strings as UTF-8), so the caller cannot mutate what is stored. */
export function copyValue(value: CacheValue): Uint8Array {
  if (typeof value === "string") return encoder.encode(value);
  // Not value.slice(): on a Node Buffer that is a view, not a copy.
  if (value instanceof Uint8Array) return new Uint8Array(value);
  throw new InvalidCacheArgumentError(`a cache value must be a Uint8Array or a string, got ${typeof value}`);
}

export function decodeText(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

export function checkPrefix(prefix: string): void {
  if (typeof prefix !== "string") {
    throw new InvalidCacheArgumentError(`a key prefix must be a string, got ${typeof prefix}`);
  }
  keyByteLength(prefix);
}
