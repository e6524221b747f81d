/**
 * NativeCache: the in-process cache of the native library (zig/cache/). Values live off the JS
 * heap, in the library's allocator; every worker thread of the process that opens the same
 * `name` shares one cache. Eviction is S3-FIFO (scan-resistant; see bench/results/cache-eviction.md),
 * expired entries are never returned and are reclaimed a few per set.
 */
import { CACHE_TTL_NONE, Status } from "../native/abi.ts";
import { loadNative } from "../native/load.ts";
import type { NativeLibrary } from "../native/library.ts";
import {
  CacheClosedError,
  CacheEntryTooLargeError,
  InvalidCacheArgumentError,
  InvalidJsonError,
  NativeUnavailableError,
} from "../errors.ts";
import { checkPrefix, checkTtl, keyByteLength, resolveCacheOptions } from "./common.ts";
import type { CacheEntry, CacheOptions, CacheStats, CacheValue, SyncCache } from "./types.ts";

export interface NativeCacheOptions extends CacheOptions {
  /**
   * The process-wide cache to open: every `NativeCache` with this name, in any worker thread,
   * is the same cache (created by the first with its options; later ones may leave the options
   * out, and any they give must match). Omitted or "" = a private cache.
   */
  name?: string;
  /** Eviction policy (default "s3fifo"; "lru" is kept for comparison). */
  policy?: "s3fifo" | "lru";
}

/** Stats of the native cache: the common ones, plus what the library allocated for it. */
export interface NativeCacheStats extends CacheStats {
  /** Bytes the cache holds in the native allocator (entries with their headers, indexes). */
  allocatedBytes: number;
}

const finalizer = new FinalizationRegistry<() => void>((release) => release());

/** The largest TTL the library takes, in ms (about 49.7 days); longer ones never expire. */
const MAX_TTL_MS = CACHE_TTL_NONE - 1;

export class NativeCache implements SyncCache {
  readonly backend = "native" as const;
  readonly mode = "sync" as const;
  /** "" for a private cache. */
  readonly name: string;
  /** The cache's bounds and default TTL (for a shared cache: those it was created with). */
  readonly maxEntries: number;
  readonly maxBytes: number;
  readonly defaultTtlMs: number;
  readonly policy: "s3fifo" | "lru";

  readonly #library: NativeLibrary;
  #handle: number;

  /** Throws `NativeUnavailableError` when the native library is not loaded. */
  constructor(options: NativeCacheOptions = {}) {
    const { info, library } = loadNative();
    if (!library) throw new NativeUnavailableError(info.error ?? "unknown reason");
    this.#library = library;
    const name = options.name ?? "";
    if (typeof name !== "string") throw new InvalidCacheArgumentError(`name must be a string, got ${typeof name}`);
    const policy = options.policy;
    if (policy !== undefined && policy !== "s3fifo" && policy !== "lru") {
      throw new InvalidCacheArgumentError(`policy must be "s3fifo" or "lru", got ${String(policy)}`, { policy });
    }
    const resolved = resolveCacheOptions(options);
    // A shared cache is checked only against the options actually given.
    const config: Record<string, number | string> = {};
    if (name === "" || options.maxEntries !== undefined) config.maxEntries = Math.min(resolved.maxEntries, 0xffff_ffff);
    if (name === "" || options.maxBytes !== undefined) config.maxBytes = resolved.maxBytes;
    if (name === "" || options.defaultTtlMs !== undefined) config.defaultTtlMs = defaultTtl(resolved.defaultTtlMs);
    if (policy !== undefined) config.policy = policy;

    const { status, handle } = library.cacheOpen(name, JSON.stringify(config));
    if (status === Status.configMismatch) {
      throw new InvalidCacheArgumentError(
        `the native cache "${name}" is already open with other options than ${JSON.stringify(config)}`,
        { name, options: config },
      );
    }
    if (status === Status.invalidJson) throw new InvalidJsonError("invalid cache config", 1, 1, 0);
    if (status === Status.invalidArgument) {
      throw new InvalidCacheArgumentError(`invalid native cache options ${JSON.stringify(config)}`, { options: config });
    }
    if (status !== Status.ok) {
      throw new NativeUnavailableError(`cannot open a native cache (status ${status})`);
    }
    this.#handle = handle;
    this.name = name;
    finalizer.register(this, () => library.cacheFree(handle), this);

    const stats = library.cacheStats(handle);
    this.maxEntries = Number(stats.maxEntries);
    this.maxBytes = Number(stats.maxBytes);
    this.defaultTtlMs = Number(stats.defaultTtlMs);
    this.policy = stats.policy === "lru" ? "lru" : "s3fifo";
  }

  get(key: string): Uint8Array | undefined {
    return this.#library.cacheGet(this.#live(), checkKey(key));
  }

  getText(key: string): string | undefined {
    return this.#library.cacheGetText(this.#live(), checkKey(key));
  }

  set(key: string, value: CacheValue, ttlMs?: number): void {
    const handle = this.#live();
    checkKey(key);
    checkValue(value);
    const status = this.#library.cacheSet(handle, key, value, ttlArgument(ttlMs));
    if (status === Status.tooLarge) throw this.#tooLarge(key, value);
  }

  has(key: string): boolean {
    return this.#library.cacheHas(this.#live(), checkKey(key));
  }

  delete(key: string): boolean {
    return this.#library.cacheDelete(this.#live(), checkKey(key));
  }

  deletePrefix(prefix: string): number {
    const handle = this.#live();
    checkPrefix(prefix);
    return this.#library.cacheDeletePrefix(handle, prefix);
  }

  clear(): void {
    this.#library.cacheClear(this.#live());
  }

  size(): number {
    return this.#library.cacheSize(this.#live());
  }

  stats(): NativeCacheStats {
    const s = this.#library.cacheStats(this.#live());
    return {
      entries: Number(s.entries),
      bytes: Number(s.bytes),
      hits: Number(s.hits),
      misses: Number(s.misses),
      evictions: Number(s.evictions),
      expirations: Number(s.expirations),
      allocatedBytes: Number(s.allocatedBytes),
    };
  }

  getMany(keys: readonly string[]): (Uint8Array | undefined)[] {
    const handle = this.#live();
    if (!Array.isArray(keys)) throw new InvalidCacheArgumentError("getMany takes an array of keys");
    for (const key of keys) checkKey(key);
    return this.#library.cacheGetMany(handle, keys);
  }

  /** Checks every entry first: a bad or oversized one leaves the cache untouched. */
  setMany(entries: readonly CacheEntry[]): void {
    const handle = this.#live();
    if (!Array.isArray(entries)) throw new InvalidCacheArgumentError("setMany takes an array of entries");
    const ttls = entries.map((entry) => {
      checkKey(entry.key);
      checkValue(entry.value);
      return ttlArgument(entry.ttlMs);
    });
    const status = this.#library.cacheSetMany(handle, entries, ttls);
    if (status === Status.tooLarge) {
      const offender = entries.find((e) => keyByteLength(e.key) + valueByteLength(e.value) > this.maxBytes);
      throw offender ? this.#tooLarge(offender.key, offender.value) : new CacheEntryTooLargeError("?", 0, this.maxBytes);
    }
  }

  /** Frees this handle; a shared cache lives on while other handles to it are open. */
  close(): void {
    if (this.#handle === 0) return;
    finalizer.unregister(this);
    this.#library.cacheFree(this.#handle);
    this.#handle = 0;
  }

  #live(): number {
    if (this.#handle === 0) throw new CacheClosedError(this.backend);
    return this.#handle;
  }

  #tooLarge(key: string, value: CacheValue): CacheEntryTooLargeError {
    return new CacheEntryTooLargeError(key, keyByteLength(key) + valueByteLength(value), this.maxBytes);
  }
}

const isWellFormed = (String.prototype as unknown as { isWellFormed?: () => boolean }).isWellFormed;

/** A string key with no lone surrogate (which UTF-8 would turn into U+FFFD, merging keys). */
function checkKey(key: string): string {
  if (typeof key === "string" && isWellFormed !== undefined && isWellFormed.call(key)) return key;
  keyByteLength(key); // throws the typed error for a non-string or a lone surrogate
  return key;
}

function checkValue(value: CacheValue): void {
  if (typeof value !== "string" && !(value instanceof Uint8Array)) {
    throw new InvalidCacheArgumentError(`a cache value must be a Uint8Array or a string, got ${typeof value}`);
  }
}

function valueByteLength(value: CacheValue): number {
  return typeof value === "string" ? new TextEncoder().encode(value).length : value.length;
}

/** The `ttl_ms` argument: 0 = the default TTL, CACHE_TTL_NONE = never (also for TTLs beyond ~49.7 days). */
function ttlArgument(ttlMs: number | undefined): number {
  if (ttlMs === undefined) return 0;
  const ttl = Math.ceil(checkTtl(ttlMs));
  return ttl === 0 || ttl > MAX_TTL_MS ? CACHE_TTL_NONE : ttl;
}

function defaultTtl(ttlMs: number): number {
  const ttl = Math.ceil(ttlMs);
  return ttl > MAX_TTL_MS ? 0 : ttl;
}
