/**
 * createCache: picks a cache backend and says which and why.
 *
 * "auto" takes the native cache when the native library actually loads (loadNative(): loaded, ABI
 * checked, a call answered; never the presence of a file), else Redis when a URL is given (`redisUrl`
 * or REDIS_URL) and Redis answers, else the in-process memory cache. The choice comes back with the
 * cache as `{ cache, backend, reason }`, so the caller can log it; nothing is chosen silently.
 */
import { InvalidCacheArgumentError, NativeUnavailableError, SarkError } from "../errors.ts";
import { loadNative } from "../native/load.ts";
import { envVar } from "../native/runtime.ts";
import { MemoryCache } from "./memory.ts";
import { NativeCache } from "./native.ts";
import { RedisCache, type RedisCacheOptions } from "./redis.ts";
import { resolveCacheOptions } from "./common.ts";
import type { Cache, CacheBackend, CacheOptions } from "./types.ts";

export interface CreateCacheOptions extends CacheOptions {
  /** Which backend: "auto" (default) or one by name; a named backend that cannot start throws. */
  backend?: "auto" | CacheBackend;
  /** Redis URL (default: the REDIS_URL environment variable). */
  redisUrl?: string;
  /** Redis key namespace (default "sark"). */
  namespace?: string;
  /** Native: the process-wide cache to open (shared by every worker thread that opens this name). */
  name?: string;
  /** Redis: timeout of each call in ms (default 1000). */
  timeoutMs?: number;
  /** Redis: how long to wait for the first connection in ms (default 5000). */
  connectTimeoutMs?: number;
  /** Redis: what a call does when Redis is unavailable (default "throw"). */
  onError?: "throw" | "miss";
}

export interface CreatedCache {
  cache: Cache;
  backend: CacheBackend;
  /** Why this backend, in a sentence fit for a log line. */
  reason: string;
}

/**
 * Opens a cache. Named backends throw when they cannot start (`NativeUnavailableError`,
 * `CacheUnavailableError`); "auto" falls through to the next and says so in `reason`.
 * Redis has no bounds of its own here (its maxmemory policy bounds it): `maxBytes` is its largest entry.
 */
export async function createCache(options: CreateCacheOptions = {}): Promise<CreatedCache> {
  const backend = options.backend ?? "auto";
  resolveCacheOptions(options); // the same bad options fail the same way whichever backend is picked
  switch (backend) {
    case "native":
      return { cache: openNative(options), backend, reason: "requested: native" };
    case "redis":
      return { cache: await RedisCache.connect(redisOptions(options)), backend, reason: "requested: redis" };
    case "memory":
      return { cache: openMemory(options), backend, reason: "requested: memory" };
    case "auto":
      return await chooseAuto(options);
    default:
      throw new InvalidCacheArgumentError(
        `backend must be "auto", "native", "redis" or "memory", got ${String(backend)}`,
        { backend },
      );
  }
}

async function chooseAuto(options: CreateCacheOptions): Promise<CreatedCache> {
  const { info, library } = loadNative();
  let why: string;
  if (library) {
    try {
      return { cache: openNative(options), backend: "native", reason: `native library loaded from ${info.path}` };
    } catch (err) {
      // Bad options are the caller's mistake, not a reason to fall back.
      if (!(err instanceof NativeUnavailableError)) throw err;
      why = `native cache unavailable (${err.message})`;
    }
  } else {
    why = `native library unavailable (${info.error ?? "unknown reason"})`;
  }

  const url = options.redisUrl || envVar("REDIS_URL");
  if (!url) {
    return {
      cache: openMemory(options),
      backend: "memory",
      reason: `${why}; no Redis URL (redisUrl or REDIS_URL): in-process memory cache`,
    };
  }
  const redis = redisOptions({ ...options, redisUrl: url });
  let redisCache: RedisCache | undefined;
  try {
    redisCache = await RedisCache.connect(redis);
  } catch (err) {
    if (!(err instanceof SarkError) || err.code !== "cache_unavailable") throw err;
    return {
      cache: openMemory(options),
      backend: "memory",
      reason: `${why}; Redis unreachable (${err.message}): in-process memory cache`,
    };
  }
  return { cache: redisCache, backend: "redis", reason: `${why}; Redis at ${redisCache.url}` };
}

function openNative(options: CreateCacheOptions): NativeCache {
  return new NativeCache({
    name: options.name,
    maxEntries: options.maxEntries,
    maxBytes: options.maxBytes,
    defaultTtlMs: options.defaultTtlMs,
  });
}

function openMemory(options: CreateCacheOptions): MemoryCache {
  return new MemoryCache({
    maxEntries: options.maxEntries,
    maxBytes: options.maxBytes,
    defaultTtlMs: options.defaultTtlMs,
  });
}

function redisOptions(options: CreateCacheOptions): RedisCacheOptions {
  const result: RedisCacheOptions = {};
  if (options.redisUrl) result.url = options.redisUrl;
  if (options.namespace !== undefined) result.namespace = options.namespace;
  if (options.timeoutMs !== undefined) result.timeoutMs = options.timeoutMs;
  if (options.connectTimeoutMs !== undefined) result.connectTimeoutMs = options.connectTimeoutMs;
  if (options.onError !== undefined) result.onError = options.onError;
  if (options.defaultTtlMs !== undefined) result.defaultTtlMs = options.defaultTtlMs;
  if (options.maxBytes !== undefined) result.maxEntryBytes = options.maxBytes;
  return result;
}
