/**
 * Runs cases on the real OPA, to validate the runner itself: one `opa run --server` on a free
 * loopback port for the whole run, spoken to with `fetch`. Per case: PUT /v1/data with the
 * data, PUT /v1/policies/test-<i>.rego for each module, then the query, then DELETE the
 * policies.
 *
 * The REST API differs from OPA's Go runner in a few ways, handled here:
 * - POST /v1/query takes no `strict-builtin-errors`; only the Data API does. Strict cases
 *   whose query is `data.a.b = x` go to POST /v1/data/a/b?strict-builtin-errors (the result
 *   becomes the binding of `x`); other strict cases go to `opa eval --strict-builtin-errors`.
 * - The REST API takes input as JSON only. An `input_term` that is not JSON (it has sets or
 *   trailing commas) is given with `<query> with input as <term>` instead.
 * - The server cannot enable experimental keywords (`and`/`or`): those cases go to
 *   `opa eval --capabilities` with a capabilities file that lists them, as OPA's runner does.
 * - The Policy API compiles each module on its own (with those already there), so modules
 *   that refer to each other may not upload one at a time: then the case goes to `opa eval`,
 *   which compiles them together.
 * - Results of the REST API (and of `opa eval`) have generated (`__local*__`) and wildcard
 *   variables removed; OPA's runner keeps them unless `ignore_generated_vars`.
 * - Both the server and `opa eval` check data against rule paths (a conflict is an error);
 *   OPA's runner does not.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import type { ConformanceCase } from "./cases.ts";
import { compileErrorsText, errorText, judge, type CaseError, type Outcome } from "./compare.ts";
import type { CaseResult } from "./record.ts";
import { isMap, Num, parseJson, toJson, ValueError, type Value, type ValueMap } from "./value.ts";

/** `$OPA_BIN` if set, else the path scripts/versions.sh gives OPA_BIN. */
export function opaBinary(root: string): string {
  const fromEnv = process.env["OPA_BIN"];
  if (fromEnv) return fromEnv;
  let version = "v1.19.0";
  try {
    const m = /^OPA_VERSION=(\S+)/m.exec(readFileSync(join(root, "scripts", "versions.sh"), "utf8"));
    if (m?.[1]) version = m[1];
  } catch {
    // keep the default
  }
  const home = process.env["HOME"] ?? "";
  const tools = process.env["SARK_TOOLS_DIR"] || join(process.env["XDG_CACHE_HOME"] || join(home, ".cache"), "sark-native");
  return join(tools, `opa-${version}`, "opa");
}

/** Thrown when OPA cannot be started. */
export class OpaStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OpaStartError";
  }
}

const REF_QUERY = /^data((?:\.[A-Za-z_][A-Za-z0-9_]*)*) = ([A-Za-z_][A-Za-z0-9_]*)$/;

type Route = "query" | "data" | "eval";

interface Plan {
  readonly route: Route;
  readonly query: string;
  /** Input as JSON text, or undefined for none. */
  readonly input: string | undefined;
}

export class OpaRunner {
  private server: ChildProcess | undefined;
  private base = "";
  private serverLog = "";
  private capabilitiesFile: string | undefined;
  private readonly work: string;

  private constructor(private readonly bin: string) {
    this.work = mkdtempSync(join(tmpdir(), "sark-conformance-"));
  }

  /** Starts the server (retrying on another port if the one picked was taken). */
  static async start(bin: string): Promise<OpaRunner> {
    const r = new OpaRunner(bin);
    let last = "";
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await r.startServer();
        return r;
      } catch (e) {
        last = e instanceof Error ? e.message : String(e);
        await r.stopServer();
      }
    }
    r.cleanup();
    throw new OpaStartError(`could not start ${bin}: ${last}`);
  }

  private async startServer(): Promise<void> {
    const port = await freePort();
    this.base = `http://127.0.0.1:${port}`;
    this.serverLog = "";
    const child = spawn(
      this.bin,
      ["run", "--server", "--addr", `127.0.0.1:${port}`, "--log-level", "error", "--skip-version-check"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    this.server = child;
    const keep = (chunk: Buffer) => {
      this.serverLog = (this.serverLog + chunk.toString("utf8")).slice(-4000);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    let exited: string | undefined;
    child.on("error", (e) => (exited = e.message));
    child.on("exit", (code, signal) => (exited ??= signal ? `signal ${signal}` : `exit code ${code}`));
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      if (exited) throw new OpaStartError(`opa exited (${exited}): ${this.serverLog.trim()}`);
      try {
        const res = await fetch(`${this.base}/health`, { signal: AbortSignal.timeout(1000) });
        await res.arrayBuffer();
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await sleep(50);
    }
    throw new OpaStartError(`opa did not answer /health within 20s: ${this.serverLog.trim()}`);
  }

  private async stopServer(): Promise<void> {
    const child = this.server;
    this.server = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        child.kill("SIGKILL");
      }, 3000);
      child.once("exit", () => {
        clearTimeout(t);
        resolve();
      });
      child.kill("SIGTERM");
    });
  }

  async stop(): Promise<void> {
    await this.stopServer();
    this.cleanup();
  }

  private cleanup(): void {
    rmSync(this.work, { recursive: true, force: true });
  }

  /** Runs one case; never throws. */
  async runCase(c: ConformanceCase, timeoutMs: number): Promise<CaseResult> {
    const plan = planCase(c);
    if ("skip" in plan) return { outcome: "skip", reason: plan.skip };
    const deadline = Date.now() + timeoutMs;
    try {
      if (plan.route === "eval") return { ...judge(c, await this.viaEval(c, plan, deadline)), via: "opa eval" };
      const got = await this.viaServer(c, plan, deadline);
      if (got === "eval") return { ...judge(c, await this.viaEval(c, plan, deadline)), via: "opa eval (modules depend on each other)" };
      return { ...judge(c, got), via: plan.route === "data" ? "POST /v1/data?strict-builtin-errors" : "POST /v1/query" };
    } catch (e) {
      if (e instanceof TimeoutError) return { outcome: "fail", reason: `timeout (over ${timeoutMs} ms)`, via: plan.route };
      if (this.server === undefined || this.server.exitCode !== null || this.server.signalCode !== null) {
        const log = this.serverLog.trim();
        await this.stopServer();
        await this.startServer();
        return { outcome: "fail", reason: `opa server died: ${log}`, via: plan.route };
      }
      return { outcome: "fail", reason: `runner error: ${e instanceof Error ? e.message : String(e)}`, via: plan.route };
    }
  }

  // --- the server ---------------------------------------------------------------------

  /** Runs a case on the server; returns "eval" when its modules must be compiled together. */
  private async viaServer(c: ConformanceCase, plan: Plan, deadline: number): Promise<Outcome | "eval"> {
    const put = await this.request("PUT", "/v1/data", toJson(c.data ?? new Map()), deadline);
    if (put.status >= 300) return { kind: "error", error: restError(put.body) };
    const uploaded: string[] = [];
    try {
      const pending = c.modules.map((source, i) => ({ id: `test-${i}.rego`, source }));
      let lastError = "";
      while (pending.length > 0) {
        let progress = false;
        for (let k = 0; k < pending.length; k++) {
          const m = pending[k] as { id: string; source: string };
          const res = await this.request("PUT", `/v1/policies/${m.id}`, m.source, deadline);
          if (res.status < 300) {
            uploaded.push(m.id);
            pending.splice(k--, 1);
            progress = true;
          } else lastError = res.body;
        }
        if (!progress) {
          if (c.modules.length > 1) return "eval";
          return { kind: "error", error: restError(lastError) };
        }
      }
      const res =
        plan.route === "data"
          ? await this.request("POST", dataPath(plan.query), plan.input === undefined ? "{}" : `{"input":${plan.input}}`, deadline)
          : await this.request(
              "POST",
              "/v1/query",
              `{"query":${JSON.stringify(plan.query)}${plan.input === undefined ? "" : `,"input":${plan.input}`}}`,
              deadline,
            );
      if (res.status >= 300) return { kind: "error", error: restError(res.body) };
      const body = parseJson(res.body);
      if (!isMap(body)) throw new ValueError(`unexpected response: ${res.body.slice(0, 200)}`);
      const result = body.get("result");
      if (plan.route === "data") {
        const name = (REF_QUERY.exec(plan.query) as RegExpExecArray)[2] as string;
        return { kind: "result", rows: result === undefined ? [] : [new Map([[name, result]])] };
      }
      return { kind: "result", rows: rowsOf(result, (r) => r) };
    } finally {
      for (const id of uploaded) await this.request("DELETE", `/v1/policies/${id}`, undefined, Date.now() + 10_000).catch(() => undefined);
    }
  }

  private async request(method: string, path: string, body: string | undefined, deadline: number): Promise<{ status: number; body: string }> {
    const left = deadline - Date.now();
    if (left <= 0) throw new TimeoutError();
    try {
      const init: RequestInit = { method, signal: AbortSignal.timeout(left) };
      if (body !== undefined) {
        init.body = body;
        init.headers = { "content-type": path.startsWith("/v1/policies") ? "text/plain" : "application/json" };
      }
      const res = await fetch(`${this.base}${path}`, init);
      return { status: res.status, body: await res.text() };
    } catch (e) {
      if (e instanceof Error && (e.name === "TimeoutError" || e.name === "AbortError")) throw new TimeoutError();
      throw e;
    }
  }

  // --- opa eval -----------------------------------------------------------------------

  private async viaEval(c: ConformanceCase, plan: Plan, deadline: number): Promise<Outcome> {
    const dir = mkdtempSync(join(this.work, "case-"));
    try {
      const args = ["eval", "--format", "json"];
      if (c.strictError) args.push("--strict-builtin-errors");
      if (c.experimentalKeywords) args.push("--capabilities", await this.experimentalCapabilities(deadline));
      c.modules.forEach((source, i) => {
        writeFileSync(join(dir, `test-${i}.rego`), source);
        args.push("--data", `test-${i}.rego`);
      });
      if (c.data !== undefined) {
        writeFileSync(join(dir, "data.json"), toJson(c.data));
        args.push("--data", "data.json");
      }
      if (plan.input !== undefined) {
        writeFileSync(join(dir, "input.json"), plan.input);
        args.push("--input", "input.json");
      }
      args.push(plan.query);
      const out = await run(this.bin, args, dir, c.env, deadline);
      let body: Value;
      try {
        body = parseJson(out.stdout);
      } catch {
        throw new Error(`opa eval printed no JSON (${out.status}): ${(out.stdout + out.stderr).trim().slice(0, 500)}`);
      }
      if (!isMap(body)) throw new ValueError(`unexpected opa eval output: ${out.stdout.slice(0, 200)}`);
      const errors = body.get("errors");
      if (errors !== undefined) return { kind: "error", error: errorFromList(errors, "") };
      return { kind: "result", rows: rowsOf(body.get("result"), (r) => (isMap(r) ? r.get("bindings") : undefined)) };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** OPA's current capabilities plus the experimental keywords, as OPA's runner enables them. */
  private async experimentalCapabilities(deadline: number): Promise<string> {
    if (this.capabilitiesFile) return this.capabilitiesFile;
    const out = await run(this.bin, ["capabilities", "--current"], this.work, {}, deadline);
    const caps = JSON.parse(out.stdout) as { future_keywords?: string[] };
    caps.future_keywords = [...new Set([...(caps.future_keywords ?? []), "and", "or"])];
    const file = join(this.work, "capabilities-experimental.json");
    writeFileSync(file, JSON.stringify(caps));
    this.capabilitiesFile = file;
    return file;
  }
}

/** Picks the route of a case; a skip says why the REST API and `opa eval` cannot run it. */
export function planCase(c: ConformanceCase): Plan | { skip: string } {
  let query = c.query;
  let input = c.input === undefined ? undefined : toJson(c.input);
  let asTerm = false;
  if (c.inputTerm !== undefined) {
    try {
      input = toJson(parseJson(c.inputTerm));
    } catch {
      // Not JSON (a set, a trailing comma): give it to the query as a term.
      if (/[;\n]/.test(query.trim())) return { skip: "input_term is not JSON and the query has several expressions" };
      query = `${query} with input as ${c.inputTerm}`;
      input = undefined;
      asTerm = true;
    }
  }
  if (c.experimentalKeywords || Object.keys(c.env).length > 0) return { route: "eval", query, input };
  if (c.strictError) {
    if (!asTerm && REF_QUERY.test(query)) return { route: "data", query, input };
    return { route: "eval", query, input };
  }
  return { route: "query", query, input };
}

function dataPath(query: string): string {
  const ref = (REF_QUERY.exec(query) as RegExpExecArray)[1] as string;
  const segments = ref.split(".").filter((s) => s !== "");
  return `/v1/data${segments.map((s) => `/${encodeURIComponent(s)}`).join("")}?strict-builtin-errors`;
}

function rowsOf(result: Value | undefined, pick: (row: Value) => Value | undefined): ValueMap[] {
  if (result === undefined || result === null) return [];
  if (!Array.isArray(result)) throw new ValueError("result is not an array");
  return (result as Value[]).map((r) => {
    const b = pick(r);
    if (b === undefined) return new Map();
    if (!isMap(b)) throw new ValueError("bindings are not an object");
    return b;
  });
}

/** An error response of the REST API: `{code, message, errors: [{code, message, location}]}`. */
function restError(text: string): CaseError {
  let body: Value;
  try {
    body = parseJson(text);
  } catch {
    return { kind: "other", code: "", message: text, text };
  }
  if (!isMap(body)) return { kind: "other", code: "", message: text, text };
  const errors = body.get("errors");
  const fallback = typeof body.get("message") === "string" ? (body.get("message") as string) : text;
  if (errors !== undefined) return errorFromList(errors, fallback);
  const code = typeof body.get("code") === "string" ? (body.get("code") as string) : "";
  return { kind: "other", code, message: fallback, text: errorText(code, fallback) };
}

/** OPA's error list as one `CaseError`: an evaluation error is a single `topdown.Error`; compile errors are `ast.Errors`. */
function errorFromList(errors: Value, fallback: string): CaseError {
  const list = (Array.isArray(errors) ? (errors as Value[]) : []).filter(isMap).map((e) => {
    const loc = e.get("location");
    const location: { file?: string; row?: number; col?: number } = {};
    if (loc !== undefined && isMap(loc)) {
      const file = loc.get("file");
      const row = loc.get("row");
      const col = loc.get("col");
      if (typeof file === "string") location.file = file;
      if (row instanceof Num) location.row = Number(row.text);
      if (col instanceof Num) location.col = Number(col.text);
    }
    const code = e.get("code");
    const message = e.get("message");
    return { code: typeof code === "string" ? code : "", message: typeof message === "string" ? message : "", location };
  });
  const first = list[0];
  if (!first) return { kind: "other", code: "", message: fallback, text: fallback };
  if (first.code.startsWith("rego_")) return { kind: "compile", code: first.code, message: first.message, text: compileErrorsText(list) };
  const kind = first.code.startsWith("eval_") ? "eval" : "other";
  return { kind, code: first.code, message: first.message, text: errorText(first.code, first.message, first.location) };
}

class TimeoutError extends Error {
  constructor() {
    super("timeout");
    this.name = "RunnerTimeoutError";
  }
}

function run(
  bin: string,
  args: string[],
  cwd: string,
  env: Readonly<Record<string, string>>,
  deadline: number,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const left = deadline - Date.now();
    if (left <= 0) {
      reject(new TimeoutError());
      return;
    }
    const child = spawn(bin, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    const t = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, left);
    child.stdout.setEncoding("utf8").on("data", (s: string) => (stdout += s));
    child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    child.on("error", (e) => {
      clearTimeout(t);
      reject(e);
    });
    child.on("close", (status) => {
      clearTimeout(t);
      if (timedOut) reject(new TimeoutError());
      else resolve({ status, stdout, stderr });
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error("no port"))));
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
