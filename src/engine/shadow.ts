/**
 * Shadow mode: the native engine answers every decision, and a sample of decisions is also
 * evaluated on an OPA server in the background and compared. A disagreement is counted and
 * reported; a shadow failure (OPA down, timeout, an option OPA lacks) is counted apart and
 * never touches the answer. Policy and data changes are mirrored to OPA in order.
 */
import { loadNative } from "../native/load.ts";
import { EngineUnavailableError, EngineUnsupportedError, OpaRequestError, SarkError } from "../errors.ts";
import type { NativeEngine, PreparedQuery } from "./native.ts";
import { type OpaEngine, OpaPreparedQuery } from "./opa.ts";
import type { EngineHealth, EvaluateOptions, PreparedQueryOf, QueryResult, SyncEngine } from "./types.ts";

export interface ShadowOptions {
  /** The OPA server that shadows the native engine. */
  opaUrl: string;
  /** Share of decisions also evaluated on OPA, 0..1. */
  sampleRate: number;
  /** Source of randomness for sampling (default Math.random); inject one for deterministic tests. */
  random?: () => number;
  /** Called for every decision on which the two engines disagree. */
  onDisagreement?: (disagreement: Disagreement) => void;
  /** Called when the shadow could not evaluate a sampled decision or mirror a change. */
  onShadowError?: (error: unknown, query: string | null) => void;
}

/** What one engine answered: its rows, or the code and message of its error. */
export type ShadowOutcome = { result: QueryResult } | { error: { code: string; message: string } };

export interface Disagreement {
  query: string;
  input: unknown;
  primary: ShadowOutcome;
  shadow: ShadowOutcome;
}

export interface ShadowStats {
  /** Decisions sent to the shadow. */
  sampled: number;
  agreed: number;
  disagreed: number;
  /** Sampled decisions the shadow could not evaluate (unreachable, timeout, unsupported option). */
  failed: number;
  /** Policy or data changes the shadow could not mirror (its later answers may disagree). */
  mirrorFailures: number;
  /** Sampled decisions still being evaluated by the shadow. */
  pending: number;
}

type Raw = { raw: string } | { error: unknown };

export class ShadowEngine implements SyncEngine {
  readonly backend = "native" as const;
  readonly mode = "sync" as const;
  readonly reason: string;
  readonly #primary: NativeEngine;
  readonly #shadow: OpaEngine;
  readonly #options: ShadowOptions;
  readonly #random: () => number;
  readonly #stats: ShadowStats = { sampled: 0, agreed: 0, disagreed: 0, failed: 0, mirrorFailures: 0, pending: 0 };
  /** Changes reach the shadow in order; sampled evaluations start after the changes before them. */
  #mirrored: Promise<void> = Promise.resolve();
  readonly #inFlight = new Set<Promise<void>>();

  constructor(primary: NativeEngine, shadow: OpaEngine, options: ShadowOptions, reason: string) {
    if (!(options.sampleRate >= 0 && options.sampleRate <= 1)) {
      throw new SarkError("invalid_engine_option", `shadow.sampleRate must be within 0..1, got ${options.sampleRate}`);
    }
    this.#primary = primary;
    this.#shadow = shadow;
    this.#options = options;
    this.#random = options.random ?? Math.random;
    this.reason = reason;
  }

  addPolicy(id: string, source: string): void {
    this.#primary.addPolicy(id, source);
    this.#mirror(() => this.#shadow.addPolicy(id, source));
  }

  removePolicy(id: string): boolean {
    const removed = this.#primary.removePolicy(id);
    this.#mirror(() => this.#shadow.removePolicy(id).then(() => undefined));
    return removed;
  }

  setData(path: string, value: unknown): void {
    this.#primary.setData(path, value);
    const snapshot = JSON.stringify(value);
    this.#mirror(() => this.#shadow.setData(path, JSON.parse(snapshot)));
  }

  prepare(query: string): ShadowPreparedQuery {
    return new ShadowPreparedQuery(this, this.#primary.prepare(query), new OpaPreparedQuery(this.#shadow, query));
  }

  evaluate(query: string, input?: unknown, options: EvaluateOptions = {}): QueryResult {
    const prepared = this.prepare(query);
    try {
      return prepared.evaluate(input, options);
    } finally {
      prepared.close();
    }
  }

  health(): EngineHealth {
    const primary = this.#primary.health();
    const s = this.#stats;
    return {
      ...primary,
      detail: `${primary.detail ?? ""}; shadow ${this.#shadow.url}: ${s.sampled} sampled, ${s.disagreed} disagreed, ${s.failed} failed`,
    };
  }

  /** Counters of the shadow comparisons so far. */
  shadowStats(): ShadowStats {
    return { ...this.#stats };
  }

  /** Resolves when every sampled decision and mirrored change so far has been settled. */
  async shadowIdle(): Promise<void> {
    await this.#mirrored;
    while (this.#inFlight.size > 0) await Promise.all([...this.#inFlight]);
  }

  /** Closes the primary now and the shadow once its pending work is settled. */
  close(): void {
    this.#primary.close();
    void this.shadowIdle().then(() => this.#shadow.close()).catch(() => undefined);
  }

  /** Runs the primary, then (for a sample) the shadow in the background; the primary's answer or error always wins. */
  observe(query: string, shadowQuery: OpaPreparedQuery, input: unknown, options: EvaluateOptions, primary: () => string): string {
    const sampled = this.#options.sampleRate > 0 && this.#random() < this.#options.sampleRate;
    if (!sampled) return primary();
    let outcome: Raw;
    try {
      outcome = { raw: primary() };
    } catch (error) {
      outcome = { error };
    }
    this.#sample(query, shadowQuery, snapshot(input), options, outcome);
    if ("error" in outcome) throw outcome.error;
    return outcome.raw;
  }

  #sample(query: string, shadowQuery: OpaPreparedQuery, input: unknown, options: EvaluateOptions, primary: Raw): void {
    this.#stats.sampled++;
    this.#stats.pending++;
    const run = this.#mirrored.then(async () => {
      let shadow: Raw;
      try {
        shadow = { raw: await shadowQuery.evaluateRaw(input, options) };
      } catch (error) {
        shadow = { error };
      }
      if ("error" in shadow && isShadowFailure(shadow.error)) {
        this.#stats.failed++;
        this.#report(shadow.error, query);
        return;
      }
      if (agree(primary, shadow)) {
        this.#stats.agreed++;
        return;
      }
      this.#stats.disagreed++;
      try {
        this.#options.onDisagreement?.({ query, input, primary: outcomeOf(primary), shadow: outcomeOf(shadow) });
      } catch {
        // A failing callback must not break the shadow.
      }
    }).finally(() => {
      this.#stats.pending--;
      this.#inFlight.delete(run);
    });
    this.#inFlight.add(run);
  }

  #mirror(change: () => Promise<void>): void {
    this.#mirrored = this.#mirrored.then(change).catch((error: unknown) => {
      this.#stats.mirrorFailures++;
      this.#report(error, null);
    });
  }

  #report(error: unknown, query: string | null): void {
    try {
      this.#options.onShadowError?.(error, query);
    } catch {
      // as above
    }
  }
}

export class ShadowPreparedQuery implements PreparedQueryOf<"sync"> {
  readonly query: string;
  readonly #engine: ShadowEngine;
  readonly #primary: PreparedQuery;
  readonly #shadow: OpaPreparedQuery;

  constructor(engine: ShadowEngine, primary: PreparedQuery, shadow: OpaPreparedQuery) {
    this.query = primary.query;
    this.#engine = engine;
    this.#primary = primary;
    this.#shadow = shadow;
  }

  evaluate(input?: unknown, options: EvaluateOptions = {}): QueryResult {
    return JSON.parse(this.evaluateRaw(input, options)) as QueryResult;
  }

  evaluateRaw(input?: unknown, options: EvaluateOptions = {}): string {
    return this.#engine.observe(this.query, this.#shadow, input, options, () => this.#primary.evaluateRaw(input, options));
  }

  close(): void {
    this.#primary.close();
  }
}

/** Failures of the shadow itself, as opposed to an answer that differs. */
function isShadowFailure(error: unknown): boolean {
  return error instanceof EngineUnavailableError || error instanceof EngineUnsupportedError ||
    error instanceof OpaRequestError || !(error instanceof SarkError);
}

/** Same rows (numbers compared exactly, 1 equal to 1.0, as OPA) or the same error code. */
function agree(primary: Raw, shadow: Raw): boolean {
  if ("raw" in primary && "raw" in shadow) {
    const library = loadNative().library;
    return library !== null ? library.compareJson(primary.raw, shadow.raw) === 0 : primary.raw === shadow.raw;
  }
  if ("error" in primary && "error" in shadow) return errorCode(primary.error) === errorCode(shadow.error);
  return false;
}

function outcomeOf(raw: Raw): ShadowOutcome {
  if ("raw" in raw) return { result: JSON.parse(raw.raw) as QueryResult };
  return { error: { code: errorCode(raw.error), message: raw.error instanceof Error ? raw.error.message : String(raw.error) } };
}

function errorCode(error: unknown): string {
  return error instanceof SarkError ? error.code : "unknown";
}

/** The input as it was when decided, in case the caller reuses the object. */
function snapshot(input: unknown): unknown {
  try {
    return structuredClone(input);
  } catch {
    return input;
  }
}
