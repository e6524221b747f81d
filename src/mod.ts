/**
 * sark-native: an embedded Rego evaluator and decision cache, native in Bun, Deno and Node.
 * This is the one entry point for all three runtimes.
 */
import { loadNative, type NativeInfo } from "./native/load.ts";
import { NativeUnavailableError } from "./errors.ts";
import type { NativeLibrary } from "./native/library.ts";

export type { NativeInfo } from "./native/load.ts";
export type { RuntimeName } from "./native/runtime.ts";
export {
  CacheClosedError,
  CacheEntryTooLargeError,
  CacheUnavailableError,
  EngineUnavailableError,
  EngineUnsupportedError,
  InvalidCacheArgumentError,
  InvalidJsonError,
  NativeCallError,
  NativeUnavailableError,
  OpaRequestError,
  RegoCompileError,
  type RegoErrorEntry,
  RegoError,
  RegoEvalError,
  type RegoLocation,
  RegoParseError,
  SarkError,
} from "./errors.ts";
export {
  type EngineOptions,
  type EvaluateOptions,
  type ExpressionValue,
  NativeEngine,
  PreparedQuery,
  type QueryResult,
  type ResultRow,
} from "./engine/native.ts";
export type {
  AsyncEngine,
  Engine,
  EngineBackend,
  EngineHealth,
  EngineMode,
  EngineOf,
  PreparedQueryOf,
  SyncEngine,
} from "./engine/types.ts";
export { OpaEngine, type OpaEngineOptions, OpaPreparedQuery } from "./engine/opa.ts";
export { createEngine, type CreateEngineOptions } from "./engine/create.ts";
export {
  type Disagreement,
  ShadowEngine,
  type ShadowOptions,
  type ShadowOutcome,
  ShadowPreparedQuery,
  type ShadowStats,
} from "./engine/shadow.ts";
export type {
  Answer,
  AsyncCache,
  Cache,
  CacheBackend,
  CacheEntry,
  CacheMode,
  CacheOf,
  CacheOptions,
  CacheStats,
  CacheValue,
  SyncCache,
} from "./cache/types.ts";
export { MemoryCache, type MemoryCacheOptions } from "./cache/memory.ts";
export { NativeCache, type NativeCacheOptions, type NativeCacheStats } from "./cache/native.ts";
export { RedisCache, type RedisCacheOptions, type RedisCacheStats } from "./cache/redis.ts";
export { createCache, type CreateCacheOptions, type CreatedCache } from "./cache/create.ts";
export {
  type CachedDecision,
  DecisionCache,
  DecisionCacheConfigError,
  type DecisionCacheOptions,
  type DecisionCacheStats,
  DecisionCacheUsageError,
  type DecisionKeys,
  type DecisionRequest,
  DecisionRequestError,
  DecisionValueError,
  DEFAULT_TTL_SECONDS,
  DEFAULT_VOLATILE_FIELDS,
  type Evaluate,
  type InvalidationScope,
  type JsonValue,
} from "./decision-cache.ts";
export {
  A2A_QUERY,
  type A2ARequest,
  type AgentInfo,
  type Authorization,
  AuthorizationError,
  Authorizer,
  AuthorizerConfigError,
  type AuthorizerOptions,
  type AuthorizerStats,
  createAuthorizer,
  defaultPolicyDir,
  GATEWAY_QUERY,
  type GatewayRequest,
  loadPolicyDir,
  type PolicyDecision,
  type PolicySet,
} from "./authorize.ts";

/** What was loaded, from where, in which runtime; or why nothing was. Never throws. */
export function nativeInfo(): NativeInfo {
  return { ...loadNative().info };
}

/**
 * Parses `json` with the native JSON codec and returns it as compact canonical JSON:
 * object keys in OPA's order, numbers exactly as written (big integers and decimals
 * keep every digit). Throws `InvalidJsonError` with line and column on bad input.
 */
export function normalizeJson(json: string): string {
  return native().normalizeJson(json);
}

/** Compares two JSON documents in OPA's total order (so `1` equals `1.0`): -1, 0 or 1. */
export function compareJson(a: string, b: string): -1 | 0 | 1 {
  return native().compareJson(a, b);
}

function native(): NativeLibrary {
  const { info, library } = loadNative();
  if (!library) throw new NativeUnavailableError(info.error ?? "unknown reason");
  return library;
}
