/**
 * authorize(): a gateway or agent-to-agent decision, through the decision cache and an engine.
 *
 * One `Authorizer` owns two prepared queries, exactly `data.sark.gateway.decision` and
 * `data.sark.a2a.decision` (the policy pack in policies/, loaded into the engine by default), and
 * a `DecisionCache` per entry point over one cache backend.
 *
 * - Caching follows both the cache's TTL by sensitivity and the policy's own `cache_ttl` (the
 *   smaller wins; 0 = never stored). The policy's `cache_ttl` counts from the request's
 *   `context.timestamp` (a time window closes at a moment of the request's clock), so a stored
 *   gateway decision answers only requests whose timestamp falls within
 *   [its request's timestamp, + cache_ttl): a request stamped at another time is evaluated,
 *   whatever the wall clock says. Requests the cache cannot key (no user id, no tool or server,
 *   a timestamp that is not plain RFC 3339) are evaluated without it.
 * - A cache hit answers with the decision as evaluated for the earlier request, `audit_id`
 *   included (`cached: true`): the id names that evaluation.
 * - An engine failure is never a deny by itself: it is an `AuthorizationError` (with the engine's
 *   error as `cause`), or with `onError: "deny"` a deny whose reason says it was an error, counted
 *   in `stats().errorDenies`. A cache that fails (Redis away) is bypassed, not an error.
 * - With a synchronous engine and cache (native engine, native or memory cache) every method
 *   answers synchronously (`mode: "sync"`): no Promise on the decision path.
 */
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Answer, Cache, SyncCache } from "./cache/types.ts";
import { MemoryCache } from "./cache/memory.ts";
import { NativeCache } from "./cache/native.ts";
import { type DecisionCacheOptions, DecisionCache, type DecisionRequest, type InvalidationScope } from "./decision-cache.ts";
import { type DecisionCacheStats } from "./decision-cache.ts";
import { createEngine, type CreateEngineOptions } from "./engine/create.ts";
import type { Engine, EngineBackend, EngineMode, PreparedQueryOf, SyncEngine } from "./engine/types.ts";
import { CacheUnavailableError, NativeUnavailableError, RegoError, SarkError } from "./errors.ts";
import { packageRoot } from "./native/load.ts";

/** The two entry points the authorizer queries, and nothing else. */
export const GATEWAY_QUERY = "data.sark.gateway.decision";
export const A2A_QUERY = "data.sark.a2a.decision";

/** A request to an MCP tool or server, as the gateway policy reads it (extra fields are allowed). */
export interface GatewayRequest {
  user: { id: string; roles: string[]; teams?: string[]; [key: string]: unknown };
  action: string;
  tool?: { name: string; sensitivity_level: string; [key: string]: unknown };
  server?: { name: string; owner_team: string; [key: string]: unknown };
  parameters?: Record<string, unknown>;
  context: { timestamp: string; ip: string; [key: string]: unknown };
  [key: string]: unknown;
}

export interface AgentInfo {
  id: string;
  trust_level: string;
  capabilities: string[];
  owner_id?: string;
  [key: string]: unknown;
}

/** One agent-to-agent call, as the a2a policy reads it. */
export interface A2ARequest {
  source_agent: AgentInfo & { request_count_last_hour: number };
  target_agent: AgentInfo;
  action: string;
  context: { workflow_id: string; user_id?: string; delegation_depth: number; [key: string]: unknown };
  [key: string]: unknown;
}

/** What the policy decides (both entry points; `filtered_parameters` only from the gateway, when parameters is an object). */
export interface PolicyDecision {
  allow: boolean;
  /** "allowed", or the deny reasons joined with "; ". */
  reason: string;
  /** Every deny reason, "code: detail", sorted. */
  reasons: string[];
  filtered_parameters?: Record<string, unknown>;
  audit_id: string;
  /** Seconds the decision holds; 0: never cached. */
  cache_ttl: number;
}

export interface Authorization extends PolicyDecision {
  /** Answered without an evaluation of its own: a cache hit, or an identical request's evaluation in flight. */
  cached: boolean;
  /** The engine that evaluated the decision (for a hit: the one that evaluated it when it was stored). */
  backend: EngineBackend;
  /** Time of this call, in µs. */
  latency_us: number;
  /** Only on a deny made by `onError: "deny"`: the failure it stands for. */
  error?: { code: string; message: string };
}

/** Policy modules by id and the base document they read. */
export interface PolicySet {
  modules: Record<string, string>;
  /** Each top-level key replaces that key of the engine's data (other keys are left alone). */
  data?: Record<string, unknown>;
}

export interface AuthorizerOptions {
  /** The engine (not closed by `close()`); default `createEngine(engineOptions)`: native when it loads, else OPA. */
  engine?: Engine;
  engineOptions?: CreateEngineOptions;
  /**
   * The cache backend (not closed by `close()`); default a private native cache when the
   * library loads, else a memory cache; `false`: no caching.
   */
  cache?: Cache | false;
  /** Options of both decision caches (a2a decisions use the same TTL table, by the target agent's trust level). */
  decisionCache?: Omit<DecisionCacheOptions, "decisionTtlMs" | "acceptHit">;
  /**
   * The policies loaded into the engine: a `PolicySet`, a directory (every `.rego` file except
   * `*_test.rego`, and `data.json`), or `false` when the engine holds them already. Default: the
   * pack shipped in this package's policies/ directory.
   */
  policies?: PolicySet | string | false;
  /** "throw" (default): an engine failure throws `AuthorizationError`; "deny": it is a deny saying so. */
  onError?: "throw" | "deny";
}

export interface AuthorizerStats {
  backend: EngineBackend;
  /** authorize and authorizeA2A calls answered (error denies included), and those answered from the cache. */
  decisions: number;
  cached: number;
  /** Policy evaluations run. */
  evaluations: number;
  /** Engine failures: thrown as `AuthorizationError`, or turned into denies (`errorDenies`). */
  errors: number;
  errorDenies: number;
  /** Requests evaluated without the cache because it could not key them. */
  uncacheable: number;
  /** Cache calls that failed (the request was evaluated without the cache). */
  cacheErrors: number;
  gateway: DecisionCacheStats | null;
  a2a: DecisionCacheStats | null;
}

/** The engine could not decide: it failed, or the policy gave no decision or a malformed one. `cause` is the engine's error. */
export class AuthorizationError extends SarkError {
  readonly backend: EngineBackend;
  readonly query: string;

  constructor(backend: EngineBackend, query: string, message: string, cause?: unknown) {
    const causeCode = cause instanceof SarkError ? cause.code : undefined;
    super("authorization_failed", `${query} on the ${backend} engine: ${message}`, { backend, query, causeCode });
    this.backend = backend;
    this.query = query;
    if (cause !== undefined) (this as { cause?: unknown }).cause = cause;
  }
}

/** A bad option, policies that do not define the entry points, or a call after `close()`. */
export class AuthorizerConfigError extends SarkError {
  constructor(message: string, detail: Record<string, unknown> = {}) {
    super("authorizer_config", message, detail);
  }
}

/** What a decision cache stores: the decision, who evaluated it, and the request's time in epoch seconds. */
interface Stored {
  decision: PolicyDecision;
  backend: EngineBackend;
  at: number | null;
}

type Entry = "gateway" | "a2a";

/**
 * The policy pack shipped with this package (resolved from this module's URL: src/ under Bun and
 * Deno, dist/ under Node).
 */
export function defaultPolicyDir(): string {
  return join(packageRoot(), "policies");
}

/** Every `.rego` module of `dir` except tests (ids `policies/<file>`), and `dir/data.json` when present. */
export function loadPolicyDir(dir: string = defaultPolicyDir()): PolicySet {
  const modules: Record<string, string> = {};
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (err) {
    throw new AuthorizerConfigError(`cannot read the policy directory ${dir}: ${(err as Error).message}`, { dir });
  }
  for (const name of names) {
    if (name.endsWith(".rego") && !name.endsWith("_test.rego")) modules[`policies/${name}`] = readFileSync(join(dir, name), "utf8");
  }
  if (Object.keys(modules).length === 0) throw new AuthorizerConfigError(`no .rego modules in ${dir}`, { dir });
  let data: Record<string, unknown> | undefined;
  if (names.includes("data.json")) {
    const parsed: unknown = JSON.parse(readFileSync(join(dir, "data.json"), "utf8"));
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      throw new AuthorizerConfigError(`${join(dir, "data.json")} must hold a JSON object`, { dir });
    }
    data = parsed as Record<string, unknown>;
  }
  return { modules, data };
}

export function createAuthorizer(
  options: AuthorizerOptions & { engine: SyncEngine; cache?: SyncCache | false },
): Promise<Authorizer<"sync">>;
export function createAuthorizer(options?: AuthorizerOptions): Promise<Authorizer>;
/**
 * Loads the policies into the engine, prepares both entry points once and checks that they are
 * defined. Throws `AuthorizerConfigError`, the engine's `RegoParseError`/`RegoCompileError`, or
 * `EngineUnavailableError`/`NativeUnavailableError` when no engine can start.
 */
export async function createAuthorizer(options: AuthorizerOptions = {}): Promise<Authorizer> {
  const onError = options.onError ?? "throw";
  if (onError !== "throw" && onError !== "deny") {
    throw new AuthorizerConfigError(`onError must be "throw" or "deny", got ${JSON.stringify(onError)}`);
  }
  const ownsEngine = options.engine === undefined;
  const engine = options.engine ?? createEngine(options.engineOptions);
  let cache: Cache | null = null;
  let ownsCache = false;
  const prepared: PreparedQueryOf<EngineMode>[] = [];
  try {
    const policies = options.policies ?? defaultPolicyDir();
    if (policies !== false) await loadPolicies(engine, typeof policies === "string" ? loadPolicyDir(policies) : policies);
    for (const query of [GATEWAY_QUERY, A2A_QUERY]) {
      const q = await engine.prepare(query);
      prepared.push(q);
      // Both entry points are defined for any input: a query that is not means the policies are not the pack.
      if ((await q.evaluate({})).length !== 1) {
        throw new AuthorizerConfigError(`${query} is undefined: the loaded policies do not define it`, { query });
      }
    }
    if (options.cache === undefined) {
      cache = defaultCache();
      ownsCache = true;
    } else if (options.cache !== false) {
      cache = options.cache;
    }
    const mode: EngineMode = engine.mode === "sync" && (cache === null || cache.mode === "sync") ? "sync" : "async";
    return new Authorizer(mode, {
      engine,
      ownsEngine,
      cache,
      ownsCache,
      gateway: prepared[0]!,
      a2a: prepared[1]!,
      decisionCache: options.decisionCache ?? {},
      onError,
    }) as Authorizer;
  } catch (err) {
    for (const q of prepared) q.close();
    if (ownsCache) await cache?.close();
    if (ownsEngine) await engine.close();
    throw err;
  }
}

function defaultCache(): Cache {
  try {
    return new NativeCache();
  } catch (err) {
    if (err instanceof NativeUnavailableError) return new MemoryCache();
    throw err;
  }
}

async function loadPolicies(engine: Engine, set: PolicySet): Promise<void> {
  if (set === null || typeof set !== "object" || set.modules === null || typeof set.modules !== "object") {
    throw new AuthorizerConfigError("policies must be a directory, false, or { modules: { id: source }, data? }");
  }
  for (const [key, value] of Object.entries(set.data ?? {})) await engine.setData(key, value);
  const withAll = engine as { addPolicies?: (modules: Record<string, string>) => void };
  if (engine.backend === "native" && typeof withAll.addPolicies === "function") {
    withAll.addPolicies(set.modules);
    return;
  }
  // One module at a time (OPA compiles each as it arrives): one that needs a later one is retried after it.
  let pending = Object.entries(set.modules);
  while (pending.length > 0) {
    const failed: [string, string][] = [];
    let first: unknown = null;
    for (const [id, source] of pending) {
      try {
        await engine.addPolicy(id, source);
      } catch (err) {
        if (!(err instanceof RegoError) || err.code === "rego_parse_error") throw err;
        failed.push([id, source]);
        first ??= err;
      }
    }
    if (failed.length === pending.length) throw first;
    pending = failed;
  }
}

interface Parts {
  engine: Engine;
  ownsEngine: boolean;
  cache: Cache | null;
  ownsCache: boolean;
  gateway: PreparedQueryOf<EngineMode>;
  a2a: PreparedQueryOf<EngineMode>;
  decisionCache: Omit<DecisionCacheOptions, "decisionTtlMs" | "acceptHit">;
  onError: "throw" | "deny";
}

type SyncEvaluate = (request: DecisionRequest) => Stored;

export class Authorizer<M extends EngineMode = EngineMode> {
  /** "sync" when engine and cache both answer synchronously: then every method returns plain values. */
  readonly mode: M;
  readonly backend: EngineBackend;
  /** Why this engine and this cache, fit for a log line. */
  readonly reason: string;
  readonly engine: Engine;

  readonly #parts: Parts;
  readonly #gatewayCache: DecisionCache<EngineMode, Stored> | null;
  readonly #a2aCache: DecisionCache<EngineMode, Stored> | null;
  #closed = false;
  #decisions = 0;
  #cached = 0;
  #evaluations = 0;
  #errors = 0;
  #errorDenies = 0;
  #uncacheable = 0;
  #cacheErrors = 0;

  /** Use `createAuthorizer`. */
  constructor(mode: M, parts: Parts) {
    this.mode = mode;
    this.#parts = parts;
    this.engine = parts.engine;
    this.backend = parts.engine.backend;
    const cacheNote = parts.cache === null ? "no decision cache" : `decision cache on ${parts.cache.backend}`;
    this.reason = `${parts.engine.reason}; ${cacheNote}`;
    if (parts.cache === null) {
      this.#gatewayCache = null;
      this.#a2aCache = null;
      return;
    }
    const namespace = parts.decisionCache.namespace ?? "sark-decision";
    const decisionTtlMs = (stored: Stored): number => stored.decision.cache_ttl * 1000;
    this.#gatewayCache = new DecisionCache<EngineMode, Stored>(parts.cache, {
      ...parts.decisionCache,
      namespace,
      decisionTtlMs,
      acceptHit: (stored, request) => {
        const at = requestSeconds(request);
        return at !== null && stored.at !== null && at >= stored.at && at - stored.at < stored.decision.cache_ttl;
      },
    });
    this.#a2aCache = new DecisionCache<EngineMode, Stored>(parts.cache, {
      ...parts.decisionCache,
      namespace: `${namespace}-a2a`,
      decisionTtlMs,
    });
  }

  /** The gateway decision for one request (`data.sark.gateway.decision`). */
  authorize(request: GatewayRequest): Answer<M, Authorization> {
    return this.#decide("gateway", request, gatewayCacheRequest(request)) as Answer<M, Authorization>;
  }

  /** The decision for one agent-to-agent call (`data.sark.a2a.decision`). */
  authorizeA2A(request: A2ARequest): Answer<M, Authorization> {
    return this.#decide("a2a", request, a2aCacheRequest(request)) as Answer<M, Authorization>;
  }

  /**
   * Removes cached decisions: gateway decisions matching `scope` (user id, action, resource
   * `tool:<name>` or `server:<name>`), or with no scope every decision, a2a included. Returns the
   * number removed.
   */
  invalidate(scope?: InvalidationScope): Answer<M, number> {
    this.#live();
    const gateway = this.#gatewayCache;
    if (gateway === null) return (this.mode === "sync" ? 0 : Promise.resolve(0)) as Answer<M, number>;
    const all = scope === undefined || Object.keys(scope).length === 0;
    const removed = gateway.invalidate(scope ?? {});
    const more = all ? this.#a2aCache!.invalidate({}) : 0;
    if (this.mode === "sync") return ((removed as number) + (more as number)) as Answer<M, number>;
    return Promise.all([removed, more]).then(([a, b]) => a + b) as Answer<M, number>;
  }

  /** Removes cached a2a decisions by source agent id, target agent id and action (any combination; none = all). */
  invalidateA2A(scope: { source?: string; target?: string; action?: string } = {}): Answer<M, number> {
    this.#live();
    const a2a = this.#a2aCache;
    if (a2a === null) return (this.mode === "sync" ? 0 : Promise.resolve(0)) as Answer<M, number>;
    const mapped: InvalidationScope = {};
    if (scope.source !== undefined) mapped.user = scope.source;
    if (scope.action !== undefined) mapped.action = scope.action;
    if (scope.target !== undefined) mapped.resource = `tool:${scope.target}`;
    return a2a.invalidate(mapped) as Answer<M, number>;
  }

  stats(): AuthorizerStats {
    return {
      backend: this.backend,
      decisions: this.#decisions,
      cached: this.#cached,
      evaluations: this.#evaluations,
      errors: this.#errors,
      errorDenies: this.#errorDenies,
      uncacheable: this.#uncacheable,
      cacheErrors: this.#cacheErrors,
      gateway: this.#gatewayCache?.stats() ?? null,
      a2a: this.#a2aCache?.stats() ?? null,
    };
  }

  /** Frees the prepared queries, and the engine and cache when the authorizer made them. */
  close(): Answer<M, void> {
    if (this.#closed) return (this.mode === "sync" ? undefined : Promise.resolve()) as Answer<M, void>;
    this.#closed = true;
    const parts = this.#parts;
    parts.gateway.close();
    parts.a2a.close();
    const cacheClosed = parts.ownsCache ? parts.cache?.close() : undefined;
    const engineClosed = parts.ownsEngine ? parts.engine.close() : undefined;
    if (this.mode === "sync") return undefined as Answer<M, void>;
    return Promise.all([cacheClosed, engineClosed]).then(() => undefined) as Answer<M, void>;
  }

  // -------------------------------------------------------------------------------------------

  #live(): void {
    if (this.#closed) throw new AuthorizerConfigError("the authorizer is closed");
  }

  /** `keyed` is the request as the decision cache keys it, or null when it cannot. */
  #decide(entry: Entry, request: unknown, keyed: DecisionRequest | null): Authorization | Promise<Authorization> {
    if (this.#closed && this.mode === "async") return Promise.reject(new AuthorizerConfigError("the authorizer is closed"));
    this.#live();
    const start = performance.now();
    const cache = entry === "gateway" ? this.#gatewayCache : this.#a2aCache;
    if (cache !== null && keyed === null) this.#uncacheable++;
    if (this.mode === "sync") {
      try {
        return this.#decideSync(entry, request, keyed, cache, start);
      } catch (err) {
        return this.#failed(entry, err, start);
      }
    }
    return this.#decideAsync(entry, request, keyed, cache, start).catch((err: unknown) => this.#failed(entry, err, start));
  }

  #decideSync(
    entry: Entry,
    request: unknown,
    keyed: DecisionRequest | null,
    cache: DecisionCache<EngineMode, Stored> | null,
    start: number,
  ): Authorization {
    if (cache === null || keyed === null) return this.#answer(this.#evaluateSync(entry, request), false, start);
    let evaluated = false;
    const evaluate: SyncEvaluate = () => {
      evaluated = true;
      return this.#evaluateSync(entry, request);
    };
    let stored: Stored;
    try {
      stored = cache.getOrEvaluateSync(keyed, evaluate);
    } catch (err) {
      if (!(err instanceof CacheUnavailableError)) throw err;
      this.#cacheErrors++;
      if (evaluated) throw err;
      return this.#answer(this.#evaluateSync(entry, request), false, start);
    }
    return this.#answer(stored, !evaluated, start);
  }

  async #decideAsync(
    entry: Entry,
    request: unknown,
    keyed: DecisionRequest | null,
    cache: DecisionCache<EngineMode, Stored> | null,
    start: number,
  ): Promise<Authorization> {
    if (cache === null || keyed === null) return this.#answer(await this.#evaluate(entry, request), false, start);
    let evaluated: Stored | null = null;
    let stored: Stored;
    try {
      stored = await cache.getOrEvaluate(keyed, async () => (evaluated = await this.#evaluate(entry, request)));
    } catch (err) {
      if (!(err instanceof CacheUnavailableError)) throw err;
      this.#cacheErrors++;
      // The evaluation's answer stands when only storing it failed.
      stored = evaluated ?? await this.#evaluate(entry, request);
      return this.#answer(stored, false, start);
    }
    return this.#answer(stored, evaluated === null, start);
  }

  #evaluateSync(entry: Entry, request: unknown): Stored {
    const query = entry === "gateway" ? this.#parts.gateway : this.#parts.a2a;
    let raw: string;
    this.#evaluations++;
    try {
      raw = (query as PreparedQueryOf<"sync">).evaluateRaw(request);
    } catch (err) {
      throw this.#error(query.query, err);
    }
    return this.#stored(entry, query.query, raw, request);
  }

  async #evaluate(entry: Entry, request: unknown): Promise<Stored> {
    const query = entry === "gateway" ? this.#parts.gateway : this.#parts.a2a;
    let raw: string;
    this.#evaluations++;
    try {
      raw = await query.evaluateRaw(request);
    } catch (err) {
      throw this.#error(query.query, err);
    }
    return this.#stored(entry, query.query, raw, request);
  }

  #stored(entry: Entry, query: string, raw: string, request: unknown): Stored {
    const decision = decisionOf(raw);
    if (typeof decision === "string") throw new AuthorizationError(this.backend, query, decision);
    return { decision, backend: this.backend, at: entry === "gateway" ? requestSeconds(request) : null };
  }

  #error(query: string, err: unknown): AuthorizationError {
    if (err instanceof AuthorizationError) return err;
    const message = err instanceof Error ? err.message : String(err);
    return new AuthorizationError(this.backend, query, message, err);
  }

  #answer(stored: Stored, cached: boolean, start: number): Authorization {
    this.#decisions++;
    if (cached) this.#cached++;
    const d = stored.decision;
    const out: Authorization = {
      allow: d.allow,
      reason: d.reason,
      reasons: d.reasons,
      audit_id: d.audit_id,
      cache_ttl: d.cache_ttl,
      cached,
      backend: stored.backend,
      latency_us: (performance.now() - start) * 1000,
    };
    if (d.filtered_parameters !== undefined) out.filtered_parameters = d.filtered_parameters;
    return out;
  }

  /** An engine failure: rethrown, or with onError "deny" a deny saying so. Other errors are rethrown. */
  #failed(entry: Entry, err: unknown, start: number): Authorization {
    if (!(err instanceof AuthorizationError)) throw err;
    this.#errors++;
    if (this.#parts.onError !== "deny") throw err;
    this.#errorDenies++;
    this.#decisions++;
    const code = (err.cause instanceof SarkError ? err.cause.code : undefined) ?? err.code;
    const reason = `error: ${code}: ${err.message}`;
    return {
      allow: false,
      reason,
      reasons: [reason],
      audit_id: `${entry === "gateway" ? "gw" : "a2a"}-error-${randomUUID()}`,
      cache_ttl: 0,
      cached: false,
      backend: this.backend,
      latency_us: (performance.now() - start) * 1000,
      error: { code, message: err.message },
    };
  }
}

/** The policy's decision from the result rows, or why it is not one. */
function decisionOf(raw: string): PolicyDecision | string {
  let rows: unknown;
  try {
    rows = JSON.parse(raw);
  } catch {
    return "the engine's answer is not JSON";
  }
  if (!Array.isArray(rows) || rows.length === 0) return "the decision is undefined (the policies do not define it)";
  if (rows.length > 1) return `the query has ${rows.length} results, not one`;
  const value = (rows[0] as { expressions?: { value?: unknown }[] }).expressions?.[0]?.value;
  if (value === null || typeof value !== "object") return "the decision is not an object";
  const d = value as Record<string, unknown>;
  if (typeof d["allow"] !== "boolean") return "the decision has no boolean allow";
  if (typeof d["reason"] !== "string" || typeof d["audit_id"] !== "string") return "the decision has no string reason and audit_id";
  const ttl = d["cache_ttl"];
  if (typeof ttl !== "number" || !Number.isFinite(ttl) || ttl < 0) return "the decision has no cache_ttl >= 0";
  if (!Array.isArray(d["reasons"])) return "the decision has no reasons array";
  const filtered = d["filtered_parameters"];
  if (filtered !== undefined && (filtered === null || typeof filtered !== "object")) {
    return "the decision's filtered_parameters is not an object";
  }
  return value as PolicyDecision;
}

// ---------------------------------------------------------------------------------------------
// Cache keys

function nonEmpty(value: unknown): value is string {
  return typeof value === "string" && value !== "";
}

function named(resource: unknown): boolean {
  return resource !== null && typeof resource === "object" && nonEmpty((resource as { name?: unknown }).name);
}

/** The request itself when the decision cache can key it (and its timestamp can be read), else null. */
function gatewayCacheRequest(request: unknown): DecisionRequest | null {
  if (request === null || typeof request !== "object") return null;
  const r = request as Record<string, unknown>;
  const user = r["user"];
  if (user === null || typeof user !== "object" || !nonEmpty((user as { id?: unknown }).id) || !nonEmpty(r["action"])) return null;
  const tool = r["tool"];
  if (tool !== undefined && tool !== null) {
    if (!named(tool)) return null;
  } else if (!named(r["server"])) {
    return null;
  }
  if (requestSeconds(r) === null) return null;
  return r as DecisionRequest;
}

/** An a2a call keyed as user = source agent id, resource = tool:<target agent id>, level = the target's trust level. */
function a2aCacheRequest(request: unknown): DecisionRequest | null {
  if (request === null || typeof request !== "object") return null;
  const r = request as Record<string, unknown>;
  const source = r["source_agent"] as { id?: unknown } | null | undefined;
  const target = r["target_agent"] as { id?: unknown; trust_level?: unknown } | null | undefined;
  if (source === null || typeof source !== "object" || !nonEmpty(source.id)) return null;
  if (target === null || typeof target !== "object" || !nonEmpty(target.id)) return null;
  if (!nonEmpty(r["action"])) return null;
  const level = typeof target.trust_level === "string" ? target.trust_level : undefined;
  // The a2a policy reads neither `user` nor `tool`: the decision cannot depend on what this shadows.
  return { ...r, user: { id: source.id }, action: r["action"], tool: { name: target.id, sensitivity_level: level } };
}

/**
 * `context.timestamp` in whole epoch seconds (as the policy's clock reads it), or null unless it is
 * plain RFC 3339 (`YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, in range): a subset of what OPA's
 * time.parse_rfc3339_ns accepts, with the same instant.
 */
export function requestSeconds(request: unknown): number | null {
  const context = (request as { context?: unknown } | null)?.context;
  if (context === null || typeof context !== "object") return null;
  const s = (context as { timestamp?: unknown }).timestamp;
  if (typeof s !== "string" || s.length < 20) return null;
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) {
    return null;
  }
  const year = digitsAt(s, 0, 4);
  const month = digitsAt(s, 5, 2);
  const day = digitsAt(s, 8, 2);
  const hour = digitsAt(s, 11, 2);
  const minute = digitsAt(s, 14, 2);
  const second = digitsAt(s, 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return null;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return null;
  let i = 19;
  if (s.charCodeAt(i) === 46) {
    i++;
    const from = i;
    while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
    if (i === from) return null;
  }
  let offset = 0;
  if (i === s.length - 1 && s.charCodeAt(i) === 90) {
    offset = 0;
  } else if (i === s.length - 6 && (s.charCodeAt(i) === 43 || s.charCodeAt(i) === 45) && s.charCodeAt(i + 3) === 58) {
    const oh = digitsAt(s, i + 1, 2);
    const om = digitsAt(s, i + 4, 2);
    if (oh < 0 || oh > 23 || om < 0 || om > 59) return null;
    offset = (oh * 60 + om) * 60 * (s.charCodeAt(i) === 45 ? -1 : 1);
  } else {
    return null;
  }
  return daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset;
}

function digitsAt(s: string, from: number, n: number): number {
  let v = 0;
  for (let i = from; i < from + n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (any year, no Date quirks for years < 100). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}
