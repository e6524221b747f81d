/**
 * DecisionCache: authorization decisions cached over any `Cache` backend (native, memory, Redis).
 *
 * - Keys: user id, action, resource (`tool:<name>`, else `server:<name>`) and a SHA-256 of the
 *   decision-relevant rest of the request (canonical JSON, key order irrelevant). By default that is
 *   the whole request minus `user.id` and `action` (already in the key) and minus volatile fields
 *   (`DEFAULT_VOLATILE_FIELDS`: timestamps, request and trace ids), so a decision is never served
 *   for a request the policy could tell apart (another IP, other roles, other parameters).
 *   `include` narrows it for hit rate and speed; whatever is left out must then be invalidated
 *   explicitly when it changes. See decision-key.ts for the layout.
 * - TTL by the resource's sensitivity level (`tool.sensitivity_level`, else
 *   `server.sensitivity_level`, case-insensitive), from `DEFAULT_TTL_SECONDS` merged with
 *   `ttlSeconds`; 0 = never cached. An unknown or missing level gets `unknownLevelTtlSeconds`,
 *   by default the shortest non-zero TTL of the table (critical's 60 s): caching stays on for
 *   unlabelled resources, with the least staleness the table allows.
 * - Invalidation by user, action, resource, any combination, or all, exact on every backend.
 * - Stale-while-revalidate for chosen levels: with less than `refreshWhenRemaining` of the TTL
 *   left, a hit is served and refreshed once in the background (one refresh per key at a time in
 *   this process). Expiry is checked against the expiry stored in the value, so nothing is served
 *   past its TTL even when a backend keeps the entry a little longer.
 *
 * Sync backends answer synchronously: `get`, `set` and `invalidate` return plain values there and
 * Promises on Redis (`Answer<M, T>`), and `getOrEvaluateSync` is a fully synchronous
 * get-or-evaluate for a synchronous engine. `getOrEvaluate` takes any backend and any evaluate.
 *
 * Races: an `invalidate` that runs while an evaluation is in flight in this process keeps that
 * evaluation's result out of the cache. Across processes (Redis) a decision evaluated before an
 * invalidation can still be stored just after it; it lives at most its TTL, as in any cache.
 */
import type { Answer, AsyncCache, CacheEntry, CacheMode, CacheOf, SyncCache } from "./cache/types.ts";
import {
  ContextHasher,
  DecisionCacheConfigError,
  type DecisionKeys,
  DecisionKeyLayout,
  DecisionRequestError,
  escapeSegment,
  fieldTree,
  type InvalidationScope,
} from "./decision-key.ts";
import { SarkError } from "./errors.ts";

export { DecisionCacheConfigError, type DecisionKeys, DecisionRequestError, type InvalidationScope } from "./decision-key.ts";

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** The gateway's authorization request; fields beyond these are hashed like the rest. */
export interface DecisionRequest {
  user: { id: string; [key: string]: unknown };
  action: string;
  tool?: { name: string; sensitivity_level?: string; [key: string]: unknown };
  server?: { name: string; sensitivity_level?: string; [key: string]: unknown };
  context?: { [key: string]: unknown };
  [key: string]: unknown;
}

/** A cached decision as `get` returns it. Times are ms since the epoch (the cache's clock). */
export interface CachedDecision<D> {
  decision: D;
  storedAt: number;
  expiresAt: number;
  /** In the stale-while-revalidate window: still served, due for a refresh. */
  stale: boolean;
}

export type Evaluate<D> = (request: DecisionRequest) => D | Promise<D>;

/** TTLs in seconds by sensitivity level. */
export const DEFAULT_TTL_SECONDS: Readonly<Record<string, number>> = Object.freeze({
  critical: 60,
  high: 300,
  medium: 900,
  low: 1800,
  public: 3600,
});

/** Request fields left out of the hash by default: they change on every request. */
export const DEFAULT_VOLATILE_FIELDS: readonly string[] = Object.freeze([
  "context.timestamp",
  "context.time",
  "context.request_id",
  "context.requestId",
  "context.trace_id",
  "context.span_id",
  "context.traceparent",
]);

export interface DecisionCacheOptions<D = JsonValue> {
  /** Key namespace of this decision cache (default "sark-decision"). Invalidating all clears only it. */
  namespace?: string;
  /** TTL in seconds per sensitivity level, merged over `DEFAULT_TTL_SECONDS`; 0 = never cached. */
  ttlSeconds?: Readonly<Record<string, number>>;
  /** TTL for a missing or unknown level (default: the shortest non-zero TTL in the table). */
  unknownLevelTtlSeconds?: number;
  /** Serve-and-refresh for these levels when less than `refreshWhenRemaining` (default 0.3) of the TTL is left. */
  staleWhileRevalidate?: { levels: readonly string[]; refreshWhenRemaining?: number };
  /** Dotted request paths that make up the hashed context (default: the whole request). */
  include?: readonly string[];
  /** Dotted request paths never hashed (default `DEFAULT_VOLATILE_FIELDS`). */
  exclude?: readonly string[];
  /** Called when a background refresh fails (the stale decision stays until its TTL). */
  onRevalidateError?: (error: unknown, request: DecisionRequest) => void;
  /**
   * The decision's own TTL in ms (e.g. a policy's `cache_ttl`): the smaller of it and the level's
   * TTL applies, and 0 means this decision is not stored. Default: the level's TTL alone.
   */
  decisionTtlMs?: (decision: D) => number;
  /**
   * Whether a stored decision may answer this request (e.g. one that holds only for a span of the
   * request's own timestamp). A rejected hit counts as a miss: evaluated again and replaced. It
   * also decides whether a concurrent miss may share another request's evaluation in flight.
   */
  acceptHit?: (decision: D, request: DecisionRequest) => boolean;
  /** Wall clock in ms (default `Date.now`); values carry their expiry, shared across processes. */
  now?: () => number;
}

export interface DecisionCacheStats {
  /** Lookups answered from the cache (stale ones included). */
  hits: number;
  /** Hits served in the stale-while-revalidate window. */
  staleHits: number;
  misses: number;
  /** Entries found past their stored expiry (never served; counted in misses). */
  expired: number;
  /** hits / (hits + misses); 0 before any lookup. */
  hitRate: number;
  /** Lookups and stores skipped because the level's TTL (or, for stores, the decision's own TTL) is 0. */
  bypassed: number;
  sets: number;
  /** Background refreshes started, and how many of them failed. */
  revalidations: number;
  revalidationErrors: number;
  invalidations: number;
  /** Mean time of a lookup as the caller sees it, in ns (sampled: one lookup in 16). */
  cacheLatencyNs: number;
  /** Evaluations run through `getOrEvaluate*`, and their mean time in ns. */
  engineCalls: number;
  engineLatencyNs: number;
  /** Engine time the hits saved: mean engine latency × hits, in ms (0 until an evaluation was timed). */
  savedEngineMs: number;
}

/** A decision that cannot be stored as JSON (undefined, a BigInt, a cycle). */
export class DecisionValueError extends SarkError {
  constructor(message: string) {
    super("invalid_decision_value", message);
  }
}

/** A method used against the backend's mode (e.g. `getOrEvaluateSync` over Redis) or a sync evaluate that returned a Promise. */
export class DecisionCacheUsageError extends SarkError {
  constructor(message: string) {
    super("decision_cache_usage", message);
  }
}

interface Plan {
  request: DecisionRequest;
  keys: DecisionKeys;
  ttlMs: number;
  swr: boolean;
}

const SAMPLE_MASK = 15;
const COMMA = 44;
const decoder = new TextDecoder();

export class DecisionCache<M extends CacheMode = CacheMode, D = JsonValue> {
  readonly cache: CacheOf<M>;
  readonly namespace: string;

  readonly #sync: SyncCache | undefined;
  readonly #async: AsyncCache | undefined;
  readonly #layout: DecisionKeyLayout;
  readonly #ttlMs = new Map<string, number>();
  readonly #unknownTtlMs: number;
  readonly #swrLevels: ReadonlySet<string>;
  readonly #swrFraction: number;
  readonly #hasher: ContextHasher;
  readonly #onRevalidateError: ((error: unknown, request: DecisionRequest) => void) | undefined;
  readonly #now: () => number;
  readonly #decisionTtlMs: ((decision: D) => number) | undefined;
  readonly #acceptHit: ((decision: D, request: DecisionRequest) => boolean) | undefined;
  readonly #tokenTag: string;
  #tokenCounter = 0;
  /** Bumped by every invalidate: an evaluation that began before it is not stored. */
  #epoch = 0;
  readonly #refreshing = new Map<string, Promise<void>>();
  readonly #pending = new Map<string, Promise<D>>();

  #hits = 0;
  #staleHits = 0;
  #misses = 0;
  #expired = 0;
  #bypassed = 0;
  #sets = 0;
  #revalidations = 0;
  #revalidationErrors = 0;
  #invalidations = 0;
  #lookups = 0;
  #latencySamples = 0;
  #latencyTotalMs = 0;
  #engineCalls = 0;
  #engineTotalMs = 0;

  constructor(cache: CacheOf<M>, options: DecisionCacheOptions<D> = {}) {
    if (cache === null || typeof cache !== "object" || (cache.mode !== "sync" && cache.mode !== "async")) {
      throw new DecisionCacheConfigError("DecisionCache needs a Cache backend (mode 'sync' or 'async')");
    }
    this.cache = cache;
    this.#sync = cache.mode === "sync" ? (cache as SyncCache) : undefined;
    this.#async = cache.mode === "async" ? (cache as AsyncCache) : undefined;
    this.namespace = options.namespace ?? "sark-decision";
    this.#layout = new DecisionKeyLayout(this.namespace);

    const table = { ...DEFAULT_TTL_SECONDS, ...(options.ttlSeconds ?? {}) };
    let shortest = 0;
    for (const [level, seconds] of Object.entries(table)) {
      const ms = ttlMs(seconds, `ttlSeconds.${level}`);
      this.#ttlMs.set(level.toLowerCase(), ms);
      if (ms > 0 && (shortest === 0 || ms < shortest)) shortest = ms;
    }
    this.#unknownTtlMs = options.unknownLevelTtlSeconds === undefined
      ? shortest
      : ttlMs(options.unknownLevelTtlSeconds, "unknownLevelTtlSeconds");

    const swr = options.staleWhileRevalidate;
    const levels = swr?.levels ?? [];
    if (!Array.isArray(levels) || levels.some((l) => typeof l !== "string")) {
      throw new DecisionCacheConfigError("staleWhileRevalidate.levels must be an array of level names");
    }
    this.#swrLevels = new Set(levels.map((l) => l.toLowerCase()));
    this.#swrFraction = swr?.refreshWhenRemaining ?? 0.3;
    if (typeof this.#swrFraction !== "number" || !(this.#swrFraction > 0 && this.#swrFraction < 1)) {
      throw new DecisionCacheConfigError(
        `staleWhileRevalidate.refreshWhenRemaining must be a fraction in (0, 1), got ${String(this.#swrFraction)}`,
      );
    }

    this.#hasher = new ContextHasher(
      options.include === undefined ? undefined : fieldTree(options.include, "include"),
      fieldTree(["user.id", "action", ...(options.exclude ?? DEFAULT_VOLATILE_FIELDS)], "exclude"),
    );
    this.#onRevalidateError = options.onRevalidateError;
    this.#now = options.now ?? Date.now;
    this.#decisionTtlMs = options.decisionTtlMs;
    this.#acceptHit = options.acceptHit;
    this.#tokenTag = Math.floor(Math.random() * 36 ** 8).toString(36).padStart(8, "0");
  }

  /** The TTL a request would be cached for, in ms (0 = not cached). */
  ttlMsFor(level: string | undefined): number {
    if (typeof level !== "string") return this.#unknownTtlMs;
    return this.#ttlMs.get(level.toLowerCase()) ?? this.#unknownTtlMs;
  }

  /** The three backend keys of a request's decision (primary first); undefined when its level is never cached. */
  keysFor(request: DecisionRequest): DecisionKeys | undefined {
    const plan = this.#plan(request);
    return plan.ttlMs === 0 ? undefined : plan.keys;
  }

  /** The cached decision, or undefined on a miss (or when the level is never cached). */
  get(request: DecisionRequest): Answer<M, CachedDecision<D> | undefined> {
    const sync = this.#sync;
    if (sync === undefined) return this.#getAsync(request) as Answer<M, CachedDecision<D> | undefined>;
    if ((++this.#lookups & SAMPLE_MASK) !== 0) {
      return this.#lookupSync(sync, this.#plan(request)) as Answer<M, CachedDecision<D> | undefined>;
    }
    const start = performance.now();
    const found = this.#lookupSync(sync, this.#plan(request));
    this.#sample(start);
    return found as Answer<M, CachedDecision<D> | undefined>;
  }

  /** Stores `decision` for the request's TTL; false when its level is never cached. */
  set(request: DecisionRequest, decision: D): Answer<M, boolean> {
    const sync = this.#sync;
    if (sync === undefined) return this.#setAsync(request, decision) as Answer<M, boolean>;
    const plan = this.#plan(request);
    const entries = plan.ttlMs === 0 ? null : this.#entries(plan, decision);
    if (entries === null) {
      this.#bypassed++;
      return false as Answer<M, boolean>;
    }
    sync.setMany(entries);
    this.#sets++;
    return true as Answer<M, boolean>;
  }

  /**
   * The cached decision, or `evaluate(request)` stored and returned. Concurrent misses of one key
   * in this process share one evaluation. Works on every backend, with a sync or async evaluate.
   */
  async getOrEvaluate(request: DecisionRequest, evaluate: Evaluate<D>): Promise<D> {
    const plan = this.#plan(request);
    if (plan.ttlMs === 0) {
      this.#bypassed++;
      return await this.#evaluate(request, evaluate);
    }
    const sampled = (++this.#lookups & SAMPLE_MASK) === 0;
    const start = sampled ? performance.now() : 0;
    const hit = this.#sync !== undefined ? this.#lookupSync(this.#sync, plan) : await this.#lookupAsync(plan);
    if (sampled) this.#sample(start);
    if (hit !== undefined) {
      if (hit.stale) this.#revalidate(plan, request, evaluate);
      return hit.decision;
    }
    const key = plan.keys[0];
    const pending = this.#pending.get(key);
    if (pending !== undefined) {
      const shared = await pending;
      // A shared evaluation is a hit too: it answers only requests acceptHit lets it answer.
      if (this.#acceptHit === undefined || this.#acceptHit(shared, request)) return shared;
      return await this.#evaluateAndStore(plan, request, evaluate);
    }
    const evaluation = this.#evaluateAndStore(plan, request, evaluate);
    this.#pending.set(key, evaluation);
    try {
      return await evaluation;
    } finally {
      if (this.#pending.get(key) === evaluation) this.#pending.delete(key);
    }
  }

  /**
   * `getOrEvaluate` with no Promise anywhere, for a sync backend and a synchronous `evaluate`
   * (the native engine): a hit is a plain function call. A stale hit's refresh runs after the
   * current synchronous code (a microtask).
   */
  getOrEvaluateSync(request: DecisionRequest, evaluate: (request: DecisionRequest) => D): D {
    const sync = this.#sync;
    if (sync === undefined) {
      throw new DecisionCacheUsageError(`getOrEvaluateSync needs a sync backend; ${this.cache.backend} is async`);
    }
    const plan = this.#plan(request);
    if (plan.ttlMs === 0) {
      this.#bypassed++;
      return this.#evaluateSync(request, evaluate);
    }
    let hit: CachedDecision<D> | undefined;
    if ((++this.#lookups & SAMPLE_MASK) !== 0) {
      hit = this.#lookupSync(sync, plan);
    } else {
      const start = performance.now();
      hit = this.#lookupSync(sync, plan);
      this.#sample(start);
    }
    if (hit !== undefined) {
      if (hit.stale) this.#revalidate(plan, request, evaluate);
      return hit.decision;
    }
    const epoch = this.#epoch;
    const decision = this.#evaluateSync(request, evaluate);
    if (epoch === this.#epoch) {
      const entries = this.#entries(plan, decision);
      if (entries === null) {
        this.#bypassed++;
      } else {
        sync.setMany(entries);
        this.#sets++;
      }
    }
    return decision;
  }

  /**
   * Removes exactly the decisions matching `scope` (every given field must match; `{}` = all of
   * this namespace). Returns how many keys were removed through the rotation the scope uses: each
   * invalidated decision once, plus copies left unreachable by earlier invalidations through other
   * rotations (they wait for their TTL or eviction), so an upper bound on the decisions removed.
   */
  invalidate(scope: InvalidationScope = {}): Answer<M, number> {
    const sync = this.#sync;
    if (sync === undefined) return this.#invalidateAsync(scope) as Answer<M, number>;
    const prefixes = this.#startInvalidation(scope);
    let removed = 0;
    for (let i = 0; i < prefixes.length; i++) {
      const n = sync.deletePrefix(prefixes[i]!);
      if (i === 0) removed = n;
    }
    return removed as Answer<M, number>;
  }

  stats(): DecisionCacheStats {
    const lookups = this.#hits + this.#misses;
    const engineLatencyNs = this.#engineCalls === 0 ? 0 : (this.#engineTotalMs / this.#engineCalls) * 1e6;
    return {
      hits: this.#hits,
      staleHits: this.#staleHits,
      misses: this.#misses,
      expired: this.#expired,
      hitRate: lookups === 0 ? 0 : this.#hits / lookups,
      bypassed: this.#bypassed,
      sets: this.#sets,
      revalidations: this.#revalidations,
      revalidationErrors: this.#revalidationErrors,
      invalidations: this.#invalidations,
      cacheLatencyNs: this.#latencySamples === 0 ? 0 : (this.#latencyTotalMs / this.#latencySamples) * 1e6,
      engineCalls: this.#engineCalls,
      engineLatencyNs,
      savedEngineMs: (engineLatencyNs * this.#hits) / 1e6,
    };
  }

  /** Resolves once every background refresh and shared evaluation in flight has finished. */
  async settled(): Promise<void> {
    while (this.#refreshing.size > 0 || this.#pending.size > 0) {
      await Promise.allSettled([...this.#refreshing.values(), ...this.#pending.values()]);
    }
  }

  // -------------------------------------------------------------------------------------------

  /** Keys, TTL and refresh policy of a request; throws DecisionRequestError on a malformed one. */
  #plan(request: DecisionRequest): Plan {
    if (request === null || typeof request !== "object") {
      throw new DecisionRequestError("a decision request must be an object");
    }
    const userId = (request.user as { id?: unknown } | undefined)?.id;
    if (typeof userId !== "string" || userId === "") {
      throw new DecisionRequestError("request.user.id must be a non-empty string");
    }
    const action = request.action;
    if (typeof action !== "string" || action === "") {
      throw new DecisionRequestError("request.action must be a non-empty string");
    }
    let resource: string;
    let level: unknown;
    if (request.tool !== undefined && request.tool !== null) {
      resource = "tool:" + resourceName(request.tool, "tool");
      level = request.tool.sensitivity_level;
    } else if (request.server !== undefined && request.server !== null) {
      resource = "server:" + resourceName(request.server, "server");
      level = request.server.sensitivity_level;
    } else {
      throw new DecisionRequestError("a decision request needs a tool or a server (the resource)");
    }
    const normalized = typeof level === "string" ? level.toLowerCase() : undefined;
    const ttl = normalized === undefined ? this.#unknownTtlMs : (this.#ttlMs.get(normalized) ?? this.#unknownTtlMs);
    const swr = normalized !== undefined && this.#swrLevels.has(normalized);
    if (ttl === 0) return { request, keys: ["", "", ""], ttlMs: 0, swr };
    const hash = this.#hasher.hash(request);
    const keys = this.#layout.keys(escapeSegment(userId), escapeSegment(action), escapeSegment(resource), hash);
    return { request, keys, ttlMs: ttl, swr };
  }

  #lookupSync(sync: SyncCache, plan: Plan): CachedDecision<D> | undefined {
    if (plan.ttlMs === 0) {
      this.#bypassed++;
      return undefined;
    }
    return this.#read(plan, sync.getMany(plan.keys));
  }

  async #lookupAsync(plan: Plan): Promise<CachedDecision<D> | undefined> {
    if (plan.ttlMs === 0) {
      this.#bypassed++;
      return undefined;
    }
    return this.#read(plan, await this.#async!.getMany(plan.keys));
  }

  async #getAsync(request: DecisionRequest): Promise<CachedDecision<D> | undefined> {
    const plan = this.#plan(request);
    if ((++this.#lookups & SAMPLE_MASK) !== 0) return await this.#lookupAsync(plan);
    const start = performance.now();
    const found = await this.#lookupAsync(plan);
    this.#sample(start);
    return found;
  }

  async #setAsync(request: DecisionRequest, decision: D): Promise<boolean> {
    const plan = this.#plan(request);
    const entries = plan.ttlMs === 0 ? null : this.#entries(plan, decision);
    if (entries === null) {
      this.#bypassed++;
      return false;
    }
    await this.#async!.setMany(entries);
    this.#sets++;
    return true;
  }

  /** Checks the scope and stops in-flight evaluations from being stored; the prefixes to delete. */
  #startInvalidation(scope: InvalidationScope): string[] {
    const prefixes = this.#layout.prefixes(checkScope(scope));
    this.#epoch++;
    this.#pending.clear();
    this.#invalidations++;
    return prefixes;
  }

  async #invalidateAsync(scope: InvalidationScope): Promise<number> {
    const prefixes = this.#startInvalidation(scope);
    let removed = 0;
    for (let i = 0; i < prefixes.length; i++) {
      const n = await this.#async!.deletePrefix(prefixes[i]!);
      if (i === 0) removed = n;
    }
    return removed;
  }

  /** A hit when all three copies are present with one token and the stored expiry has not passed. */
  #read(plan: Plan, values: readonly (Uint8Array | undefined)[]): CachedDecision<D> | undefined {
    const primary = values[0];
    const byAction = values[1];
    const byResource = values[2];
    if (primary === undefined || byAction === undefined || byResource === undefined) return this.#miss();
    const t = primary.indexOf(COMMA);
    if (t <= 0 || byAction.length !== t || byResource.length !== t) return this.#miss();
    for (let i = 0; i < t; i++) {
      if (primary[i] !== byAction[i] || primary[i] !== byResource[i]) return this.#miss();
    }
    const s1 = primary.indexOf(COMMA, t + 1);
    const s2 = s1 < 0 ? -1 : primary.indexOf(COMMA, s1 + 1);
    if (s2 < 0) return this.#miss();
    const storedAt = digits(primary, t + 1, s1);
    const expiresAt = digits(primary, s1 + 1, s2);
    if (storedAt < 0 || expiresAt <= storedAt) return this.#miss();
    const now = this.#now();
    if (now >= expiresAt) {
      this.#expired++;
      return this.#miss();
    }
    let decision: D;
    try {
      decision = JSON.parse(decoder.decode(primary.subarray(s2 + 1))) as D;
    } catch {
      return this.#miss();
    }
    if (this.#acceptHit !== undefined && !this.#acceptHit(decision, plan.request)) return this.#miss();
    const stale = plan.swr && expiresAt - now < this.#swrFraction * (expiresAt - storedAt);
    this.#hits++;
    if (stale) this.#staleHits++;
    return { decision, storedAt, expiresAt, stale };
  }

  #miss(): undefined {
    this.#misses++;
    return undefined;
  }

  /** The three entries to store, or null when the decision's own TTL is 0. */
  #entries(plan: Plan, decision: D): CacheEntry[] | null {
    let ttl = plan.ttlMs;
    if (this.#decisionTtlMs !== undefined) {
      const own = this.#decisionTtlMs(decision);
      if (typeof own !== "number" || !(own >= 0)) {
        throw new DecisionValueError(`decisionTtlMs must return a number of ms >= 0, got ${String(own)}`);
      }
      if (own < ttl) ttl = own;
      if (ttl === 0) return null;
    }
    let json: string | undefined;
    try {
      json = JSON.stringify(decision);
    } catch (err) {
      throw new DecisionValueError(`the decision cannot be stored as JSON: ${(err as Error).message}`);
    }
    if (json === undefined) throw new DecisionValueError("the decision cannot be stored as JSON: it is undefined");
    const storedAt = Math.floor(this.#now());
    const expiresAt = storedAt + Math.ceil(ttl);
    const token = this.#tokenTag + (this.#tokenCounter++).toString(36);
    const [primary, byAction, byResource] = plan.keys;
    return [
      { key: primary, value: `${token},${storedAt},${expiresAt},${json}`, ttlMs: ttl },
      { key: byAction, value: token, ttlMs: ttl },
      { key: byResource, value: token, ttlMs: ttl },
    ];
  }

  async #evaluateAndStore(plan: Plan, request: DecisionRequest, evaluate: Evaluate<D>): Promise<D> {
    const epoch = this.#epoch;
    const decision = await this.#evaluate(request, evaluate);
    if (epoch === this.#epoch) await this.#store(plan, decision);
    return decision;
  }

  async #store(plan: Plan, decision: D): Promise<void> {
    const entries = this.#entries(plan, decision);
    if (entries === null) {
      this.#bypassed++;
      return;
    }
    if (this.#sync !== undefined) this.#sync.setMany(entries);
    else await this.#async!.setMany(entries);
    this.#sets++;
  }

  async #evaluate(request: DecisionRequest, evaluate: Evaluate<D>): Promise<D> {
    const start = performance.now();
    const decision = await evaluate(request);
    this.#engineTotalMs += performance.now() - start;
    this.#engineCalls++;
    return decision;
  }

  #evaluateSync(request: DecisionRequest, evaluate: (request: DecisionRequest) => D): D {
    const start = performance.now();
    const decision = evaluate(request);
    if (isThenable(decision)) {
      throw new DecisionCacheUsageError("getOrEvaluateSync got a Promise from evaluate; use getOrEvaluate");
    }
    this.#engineTotalMs += performance.now() - start;
    this.#engineCalls++;
    return decision;
  }

  /** Refreshes a stale entry in the background, once per key at a time. */
  #revalidate(plan: Plan, request: DecisionRequest, evaluate: Evaluate<D>): void {
    const key = plan.keys[0];
    if (this.#refreshing.has(key)) return;
    this.#revalidations++;
    const epoch = this.#epoch;
    const refresh = Promise.resolve()
      .then(() => this.#evaluate(request, evaluate))
      .then((decision) => (epoch === this.#epoch ? this.#store(plan, decision) : undefined))
      .catch((err: unknown) => {
        this.#revalidationErrors++;
        this.#onRevalidateError?.(err, request);
      })
      .finally(() => this.#refreshing.delete(key));
    this.#refreshing.set(key, refresh);
  }

  #sample(start: number): void {
    this.#latencyTotalMs += performance.now() - start;
    this.#latencySamples++;
  }
}

function ttlMs(seconds: unknown, name: string): number {
  if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds < 0) {
    throw new DecisionCacheConfigError(`${name} must be a finite number of seconds >= 0, got ${String(seconds)}`);
  }
  return seconds * 1000;
}

function resourceName(resource: unknown, kind: string): string {
  const name = (resource as { name?: unknown }).name;
  if (typeof resource !== "object" || typeof name !== "string" || name === "") {
    throw new DecisionRequestError(`request.${kind}.name must be a non-empty string`);
  }
  return name;
}

function checkScope(scope: InvalidationScope): InvalidationScope {
  if (scope === null || typeof scope !== "object") {
    throw new DecisionRequestError("an invalidation scope must be an object");
  }
  for (const field of ["user", "action", "resource"] as const) {
    const value = scope[field];
    if (value !== undefined && (typeof value !== "string" || value === "")) {
      throw new DecisionRequestError(`invalidate: ${field} must be a non-empty string`);
    }
  }
  const resource = scope.resource;
  if (resource !== undefined && !/^(tool|server):./s.test(resource)) {
    throw new DecisionRequestError(`invalidate: resource must be "tool:<name>" or "server:<name>", got "${resource}"`);
  }
  return scope;
}

/** A non-negative decimal integer of ASCII digits in bytes[from, to), or -1. */
function digits(bytes: Uint8Array, from: number, to: number): number {
  if (to <= from || to - from > 15) return -1;
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = bytes[i]! - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

function isThenable(value: unknown): boolean {
  return value !== null && (typeof value === "object" || typeof value === "function") &&
    typeof (value as { then?: unknown }).then === "function";
}
