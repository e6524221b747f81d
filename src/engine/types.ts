/**
 * The one engine interface, implemented by the native evaluator and by an OPA server over HTTP.
 *
 * The native engine answers synchronously and HTTP cannot: as for caches (src/cache/types.ts),
 * the interface is generic over that, so the native fast path never pays for a Promise
 * (`SyncEngine`), while code that takes any backend (`Engine`) awaits what it gets.
 */
import type { Answer } from "../cache/types.ts";

/** Which implementation evaluates. */
export type EngineBackend = "native" | "opa";

/** "sync" engines return values; "async" engines return Promises of the same values. */
export type EngineMode = "sync" | "async";

/** One expression of a result row, as OPA reports it. */
export interface ExpressionValue {
  value: unknown;
  text: string;
  location: { row: number; col: number };
}

/** One solution of a query: its expressions' values and its variables' bindings. */
export interface ResultRow {
  expressions: ExpressionValue[];
  bindings: Record<string, unknown>;
}

/** Every solution; empty when the query is undefined. */
export type QueryResult = ResultRow[];

export interface EvaluateOptions {
  /** Builtin errors abort the evaluation (OPA's strict-builtin-errors) instead of making the expression undefined. */
  strictBuiltinErrors?: boolean;
  /** The input as Rego term text (may hold sets), instead of `input`. Native engine only. */
  inputTerm?: string;
}

/** What `health()` reports; it never throws. */
export interface EngineHealth {
  ok: boolean;
  backend: EngineBackend;
  /** Why not ok (or what was checked). */
  detail?: string;
}

/** A query compiled once (natively) or checked once (on OPA), to evaluate many times. */
export interface PreparedQueryOf<M extends EngineMode> {
  readonly query: string;
  evaluate(input?: unknown, options?: EvaluateOptions): Answer<M, QueryResult>;
  /** The result rows as JSON text: exact for numbers beyond 2^53, which JSON.parse would round. */
  evaluateRaw(input?: unknown, options?: EvaluateOptions): Answer<M, string>;
  close(): void;
}

export interface EngineOf<M extends EngineMode> {
  readonly backend: EngineBackend;
  readonly mode: M;
  /** Why this backend evaluates (createEngine says which choice it made and why). */
  readonly reason: string;
  /** Adds or replaces the module `id`. Throws `RegoParseError` or `RegoCompileError` (then nothing changes). */
  addPolicy(id: string, source: string): Answer<M, void>;
  /** Removes the module `id`; false when there was none. */
  removePolicy(id: string): Answer<M, boolean>;
  /** Replaces the base document at `path` ("" for the root; "a/b" or "a.b" below it). */
  setData(path: string, value: unknown): Answer<M, void>;
  prepare(query: string): Answer<M, PreparedQueryOf<M>>;
  /** Prepares and evaluates a query once. */
  evaluate(query: string, input?: unknown, options?: EvaluateOptions): Answer<M, QueryResult>;
  health(): Answer<M, EngineHealth>;
  close(): Answer<M, void>;
}

export type SyncEngine = EngineOf<"sync">;
export type AsyncEngine = EngineOf<"async">;
/** Any backend: await its answers. */
export type Engine = SyncEngine | AsyncEngine;

/** Slash-separated as OPA's REST API ("a/b"); a path without slashes may use dots ("a.b"). */
export function normalizeDataPath(path: string): string {
  const slashed = path.includes("/") ? path : path.replace(/\./g, "/");
  return slashed.replace(/^\/+|\/+$/g, "");
}
