/**
 * The engine as an OPA server, spoken to over OPA's REST API with a keep-alive undici Pool.
 *
 * Results have the native engine's shape (see opa-query.ts for how expressions are recovered
 * from `/v1/query`), errors the native engine's types. Each request has a timeout; connection
 * failures (refused, reset, closed socket, connect timeout) are retried a bounded number of
 * times with jittered exponential backoff, never an answer OPA gave (a 4xx, or a 5xx with its
 * error body).
 *
 * The engine remembers the policies and data it pushed. When a connection drops, OPA may have
 * restarted empty: before the next request the engine checks that its state is still there and
 * pushes it again if not, so a restart never turns into undefined (wrong) decisions.
 */
// The path, not the bare "undici": Bun maps the bare name to its own partial shim, whose Pool has no working request().
import { Pool } from "undici/index.js";
import {
  EngineUnavailableError,
  EngineUnsupportedError,
  OpaRequestError,
  RegoCompileError,
  type RegoErrorEntry,
  RegoEvalError,
  type RegoLocation,
  RegoParseError,
} from "../errors.ts";
import { captureVariable, mapLocation, planQuery, type QueryPlan } from "./opa-query.ts";
import { rawArrayItems, rawObjectEntries } from "./raw-json.ts";
import {
  type AsyncEngine,
  type EngineHealth,
  type EvaluateOptions,
  normalizeDataPath,
  type PreparedQueryOf,
  type QueryResult,
} from "./types.ts";

export interface OpaEngineOptions {
  /** OPA's base URL, e.g. `http://127.0.0.1:8181`. */
  url: string;
  /** Bound on each HTTP attempt, connecting included (default 5000 ms). */
  timeoutMs?: number;
  /** Extra attempts after a connection failure (default 2). */
  retries?: number;
  /** Keep-alive connections in the pool (default 8). */
  connections?: number;
  /** Base of the exponential backoff between attempts (default 50 ms; capped at 2 s). */
  backoffMs?: number;
  /** Source of randomness for backoff jitter (default Math.random). */
  random?: () => number;
  /** Why this engine was chosen; createEngine sets it. */
  reason?: string;
}

/** A transport failure of one attempt; `retryable` when the request cannot have been answered. */
class TransportFailure extends Error {
  constructor(readonly reason: string, readonly retryable: boolean) {
    super(reason);
  }
}

const retryableCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ENOTCONN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_CLOSED",
]);

interface Response {
  status: number;
  text: string;
}

const maxBackoffMs = 2000;
const regoCompileCodes = new Set(["rego_compile_error", "rego_type_error", "rego_unsafe_var_error", "rego_recursion_error"]);

export class OpaEngine implements AsyncEngine {
  readonly backend = "opa" as const;
  readonly mode = "async" as const;
  readonly reason: string;
  readonly url: string;
  readonly #pool: Pool;
  readonly #timeoutMs: number;
  readonly #retries: number;
  readonly #backoffMs: number;
  readonly #random: () => number;
  /** What this engine pushed, in order, to push again after OPA lost it. */
  readonly #policies = new Map<string, string>();
  readonly #data = new Map<string, string>();
  #stale = false;
  /** Counts dropped connections: an answer that raced one may come from a restarted, empty OPA. */
  #disconnects = 0;
  #syncing: Promise<void> | null = null;
  #closed = false;

  constructor(options: OpaEngineOptions) {
    const url = new URL(options.url);
    this.url = url.origin;
    this.reason = options.reason ?? "constructed directly";
    this.#timeoutMs = options.timeoutMs ?? 5000;
    this.#retries = Math.max(0, Math.floor(options.retries ?? 2));
    this.#backoffMs = options.backoffMs ?? 50;
    this.#random = options.random ?? Math.random;
    this.#pool = new Pool(this.url, {
      connections: options.connections ?? 8,
      connectTimeout: this.#timeoutMs,
      headersTimeout: this.#timeoutMs,
      bodyTimeout: this.#timeoutMs,
    });
    // A dropped connection may be a restarted (empty) OPA: check the state before the next request.
    this.#pool.on("disconnect", () => {
      this.#disconnects++;
      if (!this.#closed) this.#stale = true;
    });
  }

  async addPolicy(id: string, source: string): Promise<void> {
    await this.#call(async () => {
      const res = await this.#request("PUT", `/v1/policies/${encodePolicyId(id)}`, source, "text/plain");
      if (res.status !== 200) throw opaError(res, null);
    });
    this.#policies.set(id, source);
  }

  async removePolicy(id: string): Promise<boolean> {
    const removed = await this.#call(async () => {
      const res = await this.#request("DELETE", `/v1/policies/${encodePolicyId(id)}`);
      if (res.status === 404) return false;
      if (res.status !== 200) throw opaError(res, null);
      return true;
    });
    this.#policies.delete(id);
    return removed;
  }

  async setData(path: string, value: unknown): Promise<void> {
    const normalized = normalizeDataPath(path);
    const json = JSON.stringify(value);
    await this.#call(() => this.#putData(normalized, json));
    // A write replaces everything below its path.
    for (const key of [...this.#data.keys()]) {
      if (normalized === "" || key === normalized || key.startsWith(`${normalized}/`)) this.#data.delete(key);
    }
    this.#data.set(normalized, json);
  }

  /**
   * Checks the query once with OPA (parse and compile errors surface here, as natively; the
   * check evaluates it without input) and keeps its plan client-side.
   */
  async prepare(query: string): Promise<OpaPreparedQuery> {
    const prepared = new OpaPreparedQuery(this, query);
    try {
      await prepared.evaluateRaw();
    } catch (err) {
      if (!(err instanceof RegoEvalError) && !(err instanceof EngineUnsupportedError)) throw err;
    }
    return prepared;
  }

  async evaluate(query: string, input?: unknown, options: EvaluateOptions = {}): Promise<QueryResult> {
    return JSON.parse(await new OpaPreparedQuery(this, query).evaluateRaw(input, options)) as QueryResult;
  }

  /** OPA's `GET /health`; never throws. */
  async health(): Promise<EngineHealth> {
    if (this.#closed) return { ok: false, backend: "opa", detail: "closed" };
    try {
      const res = await this.#request("GET", "/health");
      return res.status === 200
        ? { ok: true, backend: "opa", detail: `${this.url} healthy` }
        : { ok: false, backend: "opa", detail: `${this.url}/health answered ${res.status}: ${res.text.trim()}` };
    } catch (err) {
      return { ok: false, backend: "opa", detail: err instanceof Error ? err.message : String(err) };
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pool.close();
  }

  /** Evaluates a plan: the raw result rows. Used by prepared queries. */
  async runPlan(plan: QueryPlan, input: unknown, options: EvaluateOptions): Promise<Response> {
    if (options.inputTerm !== undefined) throw new EngineUnsupportedError("opa", "inputTerm (input as Rego term text)");
    const inputJson = input === undefined ? undefined : JSON.stringify(input);
    if (plan.dataPath !== null) {
      const path = `/v1/data${plan.dataPath === "" ? "" : `/${plan.dataPath}`}${
        options.strictBuiltinErrors ? "?strict-builtin-errors=true" : ""
      }`;
      const body = inputJson === undefined ? "{}" : `{"input":${inputJson}}`;
      return await this.#call(() => this.#request("POST", path, body, "application/json"));
    }
    if (options.strictBuiltinErrors) {
      // OPA's /v1/query has no strict-builtin-errors parameter; only /v1/data does.
      throw new EngineUnsupportedError("opa", "strictBuiltinErrors for queries other than a plain data reference");
    }
    const body = `{"query":${JSON.stringify(plan.rewritten)}${inputJson === undefined ? "" : `,"input":${inputJson}`}}`;
    return await this.#call(() => this.#request("POST", "/v1/query", body, "application/json"));
  }

  /** Runs `op` once OPA holds this engine's state, retrying connection failures with backoff. */
  async #call<T>(op: () => Promise<T>): Promise<T> {
    let redone = 0;
    for (let attempt = 0;; attempt++) {
      try {
        await this.#ready();
        const disconnects = this.#disconnects;
        const result = await op();
        if (disconnects === this.#disconnects || (this.#policies.size === 0 && this.#data.size === 0)) return result;
        // A connection dropped while this request was out: OPA may have restarted empty and given
        // this answer. Check (and restore) the state, then ask again; requests are idempotent.
        if (++redone > 5) throw new TransportFailure("connections keep dropping", false);
        attempt--;
      } catch (err) {
        if (!(err instanceof TransportFailure)) throw err;
        if (!err.retryable || attempt >= this.#retries || this.#closed) {
          throw new EngineUnavailableError("opa", err.reason, { url: this.url, attempts: attempt + 1 });
        }
        this.#stale = true;
        const cap = Math.min(maxBackoffMs, this.#backoffMs * 2 ** attempt);
        await sleep(cap / 2 + this.#random() * (cap / 2));
      }
    }
  }

  async #ready(): Promise<void> {
    if (this.#closed) throw new TransportFailure("closed", false);
    // A connection that drops while checking marks the state stale again: check at most a few times.
    for (let round = 0; round < 3 && (this.#stale || this.#syncing !== null); round++) {
      this.#syncing ??= this.#resync().finally(() => {
        this.#syncing = null;
      });
      await this.#syncing;
    }
  }

  async #resync(): Promise<void> {
    this.#stale = false;
    try {
      if (await this.#stateIntact()) return;
      for (const [path, json] of this.#data) await this.#putData(path, json);
      // Modules go back in the order they came; one that needs a later one is retried after it.
      let pending = [...this.#policies];
      while (pending.length > 0) {
        const failed: [string, string][] = [];
        let firstError: Error | null = null;
        for (const [id, source] of pending) {
          const res = await this.#request("PUT", `/v1/policies/${encodePolicyId(id)}`, source, "text/plain");
          if (res.status !== 200) {
            failed.push([id, source]);
            firstError ??= opaError(res, null);
          }
        }
        if (failed.length === pending.length) throw firstError!;
        pending = failed;
      }
    } catch (err) {
      this.#stale = true;
      throw err;
    }
  }

  /** Whether OPA still holds what this engine pushed (false after a restart). */
  async #stateIntact(): Promise<boolean> {
    const firstPolicy = this.#policies.keys().next();
    if (!firstPolicy.done) {
      const res = await this.#request("GET", `/v1/policies/${encodePolicyId(firstPolicy.value)}`);
      if (res.status === 200) return true;
      if (res.status === 404) return false;
      throw opaError(res, null);
    }
    if (this.#data.size === 0) return true;
    // The smallest document pushed is the cheapest to read back.
    let probe: [string, string] | null = null;
    for (const entry of this.#data) if (probe === null || entry[1].length < probe[1].length) probe = entry;
    const [path, json] = probe!;
    const res = await this.#request("GET", `/v1/data${path === "" ? "" : `/${encodeDataPath(path)}`}`);
    if (res.status !== 200) throw opaError(res, null);
    const result = rawObjectEntries(res.text).find(([key]) => key === "result");
    if (result === undefined) return false;
    return path !== "" || json === "{}" || result[1].replace(/\s/g, "") !== "{}";
  }

  async #putData(path: string, json: string): Promise<void> {
    const res = await this.#request("PUT", `/v1/data${path === "" ? "" : `/${encodeDataPath(path)}`}`, json, "application/json");
    if (res.status !== 204 && res.status !== 200) throw opaError(res, null);
  }

  /** One HTTP attempt. Transport failures throw `TransportFailure`; any HTTP answer is returned. */
  async #request(method: string, path: string, body?: string, contentType?: string): Promise<Response> {
    if (this.#closed) throw new TransportFailure("closed", false);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.#timeoutMs);
    try {
      const res = await this.#pool.request({
        method: method as "GET",
        path,
        body,
        headers: contentType ? { "content-type": contentType } : {},
        signal: controller.signal,
      });
      return { status: res.statusCode, text: await res.body.text() };
    } catch (err) {
      if (controller.signal.aborted) throw new TransportFailure(`no answer within ${this.#timeoutMs} ms`, false);
      const code = (err as { code?: unknown }).code;
      const message = err instanceof Error ? err.message : String(err);
      if (typeof code === "string" && code === "UND_ERR_CONNECT_TIMEOUT") {
        throw new TransportFailure(`connect timeout after ${this.#timeoutMs} ms`, true);
      }
      if (typeof code === "string" && (code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT")) {
        throw new TransportFailure(`no answer within ${this.#timeoutMs} ms`, false);
      }
      if (typeof code === "string" && code === "UND_ERR_DESTROYED") throw new TransportFailure("closed", false);
      throw new TransportFailure(`${code ?? "error"}: ${message}`, typeof code === "string" && retryableCodes.has(code));
    } finally {
      clearTimeout(timer);
    }
  }
}

export class OpaPreparedQuery implements PreparedQueryOf<"async"> {
  readonly query: string;
  readonly #engine: OpaEngine;
  #plan: QueryPlan;
  #uncaptured = new Set<number>();
  #closed = false;

  constructor(engine: OpaEngine, query: string) {
    this.query = query;
    this.#engine = engine;
    this.#plan = planQuery(query);
  }

  async evaluate(input?: unknown, options: EvaluateOptions = {}): Promise<QueryResult> {
    return JSON.parse(await this.evaluateRaw(input, options)) as QueryResult;
  }

  /** The result rows as JSON text, numbers exactly as OPA wrote them. */
  async evaluateRaw(input?: unknown, options: EvaluateOptions = {}): Promise<string> {
    if (this.#closed) throw new Error("PreparedQuery is closed");
    // Each round may learn that one more call is an output-argument call OPA will not capture.
    for (;;) {
      const plan = this.#plan;
      const res = await this.#engine.runPlan(plan, input, options);
      if (res.status === 200) return rowsOf(plan, res.text);
      if (plan.dataPath === null && plan.rewritten !== plan.query && isParseError(res)) {
        // The rewriting must not change how a bad query is reported: ask OPA about the text as given.
        const original = await this.#engine.runPlan({ ...plan, dataPath: null, rewritten: plan.query, insertions: [] }, input, options);
        if (original.status !== 200) throw opaError(original, null);
        throw new EngineUnsupportedError("opa", "this query's text: it could not be rewritten to report expression values");
      }
      const uncapture = rejectedCapture(plan, res);
      if (uncapture === null || this.#uncaptured.has(uncapture)) throw opaError(res, plan);
      this.#uncaptured.add(uncapture);
      this.#plan = planQuery(this.query, this.#uncaptured);
    }
  }

  close(): void {
    this.#closed = true;
  }
}

/** The result rows, in the native engine's shape, from OPA's answer to the plan. */
function rowsOf(plan: QueryPlan, text: string): string {
  const result = rawObjectEntries(text).find(([key]) => key === "result")?.[1];
  if (plan.dataPath !== null) {
    if (result === undefined) return "[]";
    const e = plan.expressions[0]!;
    return `[{"expressions":[${expression(result, e.text, e.row, e.col)}],"bindings":{}}]`;
  }
  if (result === undefined) return "[]";
  const rows = rawArrayItems(result);
  if (rows.length > 0 && plan.expressions.length === 0) {
    throw new EngineUnsupportedError("opa", "this query's text: its expressions could not be located for the result");
  }
  return `[${
    rows.map((row) => {
      const bindings = rawObjectEntries(row);
      const values = new Map(bindings);
      const expressions = plan.expressions.map((e) =>
        expression(e.capture === null ? "true" : values.get(e.capture) ?? "true", e.text, e.row, e.col)
      );
      const visible = bindings.filter(([key]) => !captureVariable.test(key)).map(([key, raw]) =>
        `${JSON.stringify(key)}:${raw}`
      );
      return `{"expressions":[${expressions.join(",")}],"bindings":{${visible.join(",")}}}`;
    }).join(",")
  }]`;
}

function expression(value: string, text: string, row: number, col: number): string {
  return `{"value":${value},"text":${JSON.stringify(text)},"location":{"row":${row},"col":${col}}}`;
}

interface OpaErrorBody {
  code?: string;
  message?: string;
  errors?: { code?: string; message?: string; location?: { file?: string; row?: number; col?: number } }[];
}

function parseErrorBody(res: Response): OpaErrorBody | null {
  try {
    const body = JSON.parse(res.text) as unknown;
    return typeof body === "object" && body !== null ? body as OpaErrorBody : null;
  } catch {
    return null;
  }
}

function isParseError(res: Response): boolean {
  return res.status === 400 && parseErrorBody(res)?.errors?.[0]?.code === "rego_parse_error";
}

/**
 * The index of a captured prefix call OPA refused to capture (it takes an output argument, or
 * returns nothing like `print`), or null when the error is something else.
 */
function rejectedCapture(plan: QueryPlan, res: Response): number | null {
  if (res.status !== 400) return null;
  const first = parseErrorBody(res)?.errors?.[0];
  if (first?.code !== "rego_type_error" || !/arity mismatch|used as value/.test(first.message ?? "")) return null;
  const loc = first.location;
  if (loc?.row === undefined || loc.col === undefined || (loc.file ?? "") !== "") return null;
  const at = mapLocation(plan, loc.row, loc.col);
  let index = -1;
  for (const [i, e] of plan.expressions.entries()) {
    if (e.row < at.row || (e.row === at.row && e.col <= at.col)) index = i;
  }
  const expr = plan.expressions[index];
  return expr !== undefined && expr.capture !== null && expr.prefixCall ? index : null;
}

/** OPA's error answer as the native engine's typed errors; locations in the query mapped back through `plan`. */
function opaError(res: Response, plan: QueryPlan | null): Error {
  const body = parseErrorBody(res);
  if (body === null || typeof body.code !== "string") {
    if (res.status >= 502 && res.status <= 504) {
      return new EngineUnavailableError("opa", `HTTP ${res.status}: ${res.text.trim().slice(0, 200)}`);
    }
    return new OpaRequestError(res.status, undefined, res.text.trim().slice(0, 500) || "(empty body)");
  }
  const entries: RegoErrorEntry[] = (body.errors ?? []).map((e) => {
    const entry: RegoErrorEntry = { code: e.code ?? body.code!, message: e.message ?? "" };
    if (e.location && typeof e.location.row === "number") {
      const file = e.location.file ?? "";
      let { row, col = 0 } = e.location;
      if (file === "" && plan !== null) ({ row, col } = mapLocation(plan, row, col));
      entry.location = { file, row, col };
    }
    return entry;
  });
  const first = entries[0];
  if (first !== undefined && first.code === "rego_parse_error") return new RegoParseError(first.code, errorsMessage(entries), entries);
  if (first !== undefined && regoCompileCodes.has(first.code)) {
    return new RegoCompileError(first.code, errorsMessage(entries), entries);
  }
  const evalEntry = entries.find((e) => e.code.startsWith("eval_"));
  if (evalEntry !== undefined) {
    return new RegoEvalError(evalEntry.code, errorMessage(evalEntry), evalEntry.location as RegoLocation | undefined);
  }
  return new OpaRequestError(res.status, body.code, body.message ?? "");
}

/** As OPA prints an error list: "1 error occurred: file:row: code: message". */
function errorsMessage(entries: RegoErrorEntry[]): string {
  const lines = entries.map(errorMessage);
  return lines.length === 1 ? `1 error occurred: ${lines[0]}` : `${lines.length} errors occurred:\n${lines.join("\n")}`;
}

function errorMessage(e: RegoErrorEntry): string {
  const where = e.location === undefined
    ? ""
    : e.location.file !== ""
    ? `${e.location.file}:${e.location.row}: `
    : `${e.location.row}:${e.location.col}: `;
  return `${where}${e.code}: ${e.message}`;
}

function encodePolicyId(id: string): string {
  return id.split("/").map(encodeURIComponent).join("/");
}

function encodeDataPath(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
