/**
 * The one cache interface, implemented by three backends (native, Redis, memory).
 *
 * The native and memory backends answer synchronously and Redis cannot: the interface is generic
 * over that, so the fast backends never pay for a Promise (`SyncCache`), while code that takes any
 * backend (`Cache`) awaits what it gets (awaiting a plain value is allowed and cheap).
 */

/** Which implementation answers. */
export type CacheBackend = "native" | "redis" | "memory";

/** "sync" backends return values; "async" backends return Promises of the same values. */
export type CacheMode = "sync" | "async";

/** `T` for a sync backend, `Promise<T>` for an async one. */
export type Answer<M extends CacheMode, T> = M extends "sync" ? T : Promise<T>;

/** Keys are strings (stored as UTF-8 bytes); values are bytes, and strings are stored as UTF-8. */
export type CacheValue = Uint8Array | string;

export interface CacheStats {
  /** Live entries (expired entries not yet reclaimed may be counted by Redis until it reclaims them). */
  entries: number;
  /** Bytes held by keys and values (the backend's own estimate; Redis reports what it can). */
  bytes: number;
  hits: number;
  misses: number;
  /** Entries removed to respect maxEntries or maxBytes. */
  evictions: number;
  /** Entries found or reclaimed after their TTL. */
  expirations: number;
}

export interface CacheOptions {
  /** Bound on the number of entries (default 100 000). */
  maxEntries?: number;
  /** Bound on bytes of keys and values (default 64 MiB). */
  maxBytes?: number;
  /** TTL of an entry set without one, in ms; 0 means no expiry (default 0). */
  defaultTtlMs?: number;
}

/** One entry of `setMany`. */
export interface CacheEntry {
  key: string;
  value: CacheValue;
  /** In ms; omitted = the cache's default TTL. */
  ttlMs?: number;
}

export interface CacheOf<M extends CacheMode> {
  readonly backend: CacheBackend;
  readonly mode: M;
  /** The value, or undefined on a miss (absent or expired). */
  get(key: string): Answer<M, Uint8Array | undefined>;
  /** The value decoded as UTF-8, or undefined on a miss. */
  getText(key: string): Answer<M, string | undefined>;
  /** Stores `value` for `ttlMs` ms (omitted = the default TTL). */
  set(key: string, value: CacheValue, ttlMs?: number): Answer<M, void>;
  has(key: string): Answer<M, boolean>;
  /** True when an entry was removed. */
  delete(key: string): Answer<M, boolean>;
  /** Removes every entry whose key starts with `prefix`; returns how many. */
  deletePrefix(prefix: string): Answer<M, number>;
  clear(): Answer<M, void>;
  /** Live entries. */
  size(): Answer<M, number>;
  stats(): Answer<M, CacheStats>;
  /** Values in the order of `keys`, undefined for each miss; one native call or one Redis round trip. */
  getMany(keys: readonly string[]): Answer<M, (Uint8Array | undefined)[]>;
  setMany(entries: readonly CacheEntry[]): Answer<M, void>;
  /** Releases the backend's resources (the native handle, the Redis connection). */
  close(): Answer<M, void>;
}

export type SyncCache = CacheOf<"sync">;
export type AsyncCache = CacheOf<"async">;
/** Any backend: await its answers. */
export type Cache = SyncCache | AsyncCache;
