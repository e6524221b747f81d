import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { createServer as createNetServer, type Server as NetServer, type Socket } from "node:net";
import {
  createEngine,
  EngineUnavailableError,
  EngineUnsupportedError,
  NativeEngine,
  OpaEngine,
  RegoCompileError,
  RegoEvalError,
  RegoParseError,
  ShadowEngine,
  type Disagreement,
} from "../src/mod.ts";
import { freePort } from "./helpers/free-port.ts";
import { opaSkip, OpaServer } from "./helpers/opa-server.ts";
import { runDifferential } from "./helpers/differential.ts";
import { runInSameRuntime, scriptExt } from "./helpers/runtime.ts";

let started: Promise<OpaServer> | undefined;
/** One OPA for the file, emptied before each test that uses it. */
async function opa(): Promise<OpaServer> {
  started ??= OpaServer.start();
  const server = await started;
  await server.reset();
  return server;
}

const gateway = `package gateway

default allow := false

allow if {
	some role in input.user.roles
	data.roles[role].tools[_] == input.tool.name
}

reasons contains "no roles" if count(input.user.roles) == 0

tool_count := count([t | some t in data.roles[_].tools])
`;

test("opa engine: every Engine method against a real OPA", opaSkip, async () => {
  const server = await opa();
  const engine = new OpaEngine({ url: server.url });
  assert.equal(engine.backend, "opa");
  assert.equal(engine.mode, "async");
  assert.deepEqual(await engine.health(), { ok: true, backend: "opa", detail: `${server.url} healthy` });
  await engine.addPolicy("gateway.rego", gateway);
  await engine.setData("roles", { dev: { tools: ["git", "ci"] }, ops: { tools: ["deploy"] } });
  const allow = await engine.prepare("data.gateway.allow");
  assert.equal(allow.query, "data.gateway.allow");
  const decide = async (roles: string[], tool: string) =>
    (await allow.evaluate({ user: { roles }, tool: { name: tool } }))[0]?.expressions[0]?.value;
  assert.equal(await decide(["dev"], "git"), true);
  assert.equal(await decide(["dev"], "deploy"), false);
  assert.equal(await decide(["dev", "ops"], "deploy"), true);
  assert.deepEqual(await engine.evaluate("x := data.gateway.reasons", { user: { roles: [] } }), [
    {
      expressions: [{ value: true, text: "x := data.gateway.reasons", location: { row: 1, col: 1 } }],
      bindings: { x: ["no roles"] },
    },
  ]);
  assert.equal(await allow.evaluateRaw({ user: { roles: ["ops"] }, tool: { name: "deploy" } }),
    '[{"expressions":[{"value":true,"text":"data.gateway.allow","location":{"row":1,"col":1}}],"bindings":{}}]');
  assert.deepEqual(await engine.evaluate("data.gateway.nothing"), []);
  // setData with dots, replacing the document below it
  await engine.setData("roles.dev", { tools: [] });
  assert.equal(await decide(["dev"], "git"), false);
  assert.equal(await engine.removePolicy("gateway.rego"), true);
  assert.equal(await engine.removePolicy("gateway.rego"), false);
  assert.deepEqual(await allow.evaluate({ user: { roles: ["ops"] }, tool: { name: "deploy" } }), []);
  allow.close();
  await engine.close();
  assert.equal((await engine.health()).ok, false);
  await assert.rejects(engine.evaluate("true"), (err: unknown) => err instanceof EngineUnavailableError && err.reason === "closed");
});

test("opa engine: the same results as the native engine (differential)", opaSkip, async () => {
  const server = await opa();
  const modules = {
    "values.rego": `package values

numbers := [1, 1.0, 1e3, 12345678901234567890123, -0.5, 3.14159]
sets := {"b", "a", 3, [1, 2], {"k": "v"}}
objects := {"z": 1, "a": {"nested": [true, null]}, "é": "ünï"}
unicode := concat("-", ["héllo", "wörld", "🙂"])
sum_n := sum(input.n) if input.n
uppers contains upper(x) if some x in input.words
grouped[k] := count(v) if some k, v in input.groups
`,
    "lib/helpers.rego": `package lib

double(x) := 2 * x
allowed(user) if user.admin == true
`,
  };
  const data = { roles: { dev: ["git"], ops: ["deploy", "git"] }, limits: { max: 9007199254740993 } };
  const inputs: unknown[] = [
    undefined,
    {},
    { n: [1, 2, 3.5], words: ["a", "ß", "ça"], groups: { x: [1, 2], y: [] } },
    { n: [], words: [], groups: {}, admin: true },
    { n: [1e3, 0.1, 0.2], words: ["日本"], user: { admin: true } },
  ];
  const queries = [
    "data.values",
    "data.values.numbers",
    "data.values.sets",
    "data.values.objects",
    "data.values.unicode",
    "data.values.sum_n",
    "data.values.uppers",
    "data.values.grouped",
    "data.values.nothing",
    "data",
    "data.limits.max",
    "x := data.values.numbers[_]",
    "data.roles[r][_] = t",
    "some r, tools in data.roles; count(tools) > 1",
    "data.lib.double(21)",
    "data.lib.allowed(input.user)",
    "y := data.lib.double(input.n[0])",
    "count([1, 2], c)",
    "[false, true][_]",
    "false",
    "1 == 2",
    "input.n[i] > 1",
    "x := {a | some a in input.words}; count(x) >= 0",
    "not input.n",
    "data.values.numbers with input as {\"n\": [7]}",
    "x := 1\n  y := x + 1; z := y * 2",
    `s := "é🙂"; count(s)`,
    "x := 123456789012345678901234567890 + 1",
  ];
  const mismatches: string[] = [];
  for (const query of queries) {
    const report = await runDifferential({ modules, data, query, inputs }, server.url);
    assert.equal(report.loadError, undefined, JSON.stringify(report.loadError));
    for (const m of report.mismatches) {
      mismatches.push(`${query} [input ${m.index}]: native ${JSON.stringify(m.native)} opa ${JSON.stringify(m.opa)}`);
    }
    if (report.mismatches.length === 0) assert.equal(report.agreed, inputs.length, query);
  }
  assert.deepEqual(mismatches, []);
});

test("opa engine: numbers beyond 2^53 and decimals stay exact in raw results", opaSkip, async () => {
  const server = await opa();
  const engine = new OpaEngine({ url: server.url });
  await engine.addPolicy("n.rego", "package n\nbig := 123456789012345678901234567890\nf := 1.0\ne := 1e3\n");
  assert.match(await engine.evaluate("data.n").then(JSON.stringify), /"f":1/);
  const raw = await (await engine.prepare("data.n")).evaluateRaw();
  assert.match(raw, /"big":123456789012345678901234567890[,}]/);
  assert.match(raw, /"f":1\.0[,}]/);
  assert.match(raw, /"e":1e3[,}]/);
  const viaQuery = await (await engine.prepare("x := data.n.big; y := x")).evaluateRaw();
  assert.match(viaQuery, /"x":123456789012345678901234567890/);
  await engine.close();
});

test("opa engine: errors have the native engine's types, codes and locations", opaSkip, async () => {
  const server = await opa();
  const engine = new OpaEngine({ url: server.url });
  const native = new NativeEngine();
  const bad = "package x\n\np if {\n";
  const nativeParse = catchSync(() => native.addPolicy("bad.rego", bad));
  const opaParse = await catchAsync(engine.addPolicy("bad.rego", bad));
  assert.ok(nativeParse instanceof RegoParseError && opaParse instanceof RegoParseError);
  assert.equal(opaParse.code, "rego_parse_error");
  assert.deepEqual([opaParse.file, opaParse.line, opaParse.column], [nativeParse.file, nativeParse.line, nativeParse.column]);
  assert.match(opaParse.message, /^1 error occurred: bad\.rego:4: rego_parse_error: /);

  const unsafe = "package u\np if { x }";
  const opaUnsafe = await catchAsync(engine.addPolicy("u.rego", unsafe));
  const nativeUnsafe = catchSync(() => native.addPolicy("u.rego", unsafe));
  assert.ok(opaUnsafe instanceof RegoCompileError && nativeUnsafe instanceof RegoCompileError);
  assert.deepEqual([opaUnsafe.code, opaUnsafe.file, opaUnsafe.line, opaUnsafe.column], ["rego_unsafe_var_error", "u.rego", 2, 8]);
  assert.deepEqual([nativeUnsafe.code, nativeUnsafe.line, nativeUnsafe.column], ["rego_unsafe_var_error", 2, 8]);

  const typeErr = await catchAsync(engine.addPolicy("t.rego", 'package t\np := count(1, 2, 3)'));
  assert.ok(typeErr instanceof RegoCompileError);
  assert.equal(typeErr.code, "rego_type_error");

  const conflict = "package c\nv := 1 if input.c\nv := 2 if input.c\n";
  await engine.addPolicy("c.rego", conflict);
  native.addPolicy("c.rego", conflict);
  const opaConflict = await catchAsync(engine.evaluate("data.c.v", { c: true }));
  const nativeConflict = catchSync(() => native.evaluate("data.c.v", { c: true }));
  assert.ok(opaConflict instanceof RegoEvalError && nativeConflict instanceof RegoEvalError);
  assert.equal(opaConflict.code, "eval_conflict_error");
  assert.equal(opaConflict.location?.file, "c.rego");
  assert.equal(opaConflict.location?.row, nativeConflict.location?.row);

  // Query errors are located in the caller's text, whatever the engine sent OPA.
  for (const query of ["1 +", "x := 1; \n  y", "a := 1; b := count([1], c, d)"]) {
    const n = catchSync(() => native.evaluate(query));
    const o = await catchAsync(engine.evaluate(query));
    assert.ok(n instanceof Error && o instanceof Error, query);
    assert.equal(o.constructor, n.constructor, query);
    const loc = (e: unknown) => e instanceof RegoParseError || e instanceof RegoCompileError ? [e.code, e.line, e.column] : [];
    assert.deepEqual(loc(o), loc(n), query);
  }

  // Strict builtin errors: through /v1/data for a data reference; elsewhere OPA has no such switch.
  await engine.addPolicy("d.rego", "package d\nq := 1 / input.z\n");
  native.addPolicy("d.rego", "package d\nq := 1 / input.z\n");
  assert.deepEqual(await engine.evaluate("data.d.q", { z: 0 }), []);
  const strict = await catchAsync(engine.evaluate("data.d.q", { z: 0 }, { strictBuiltinErrors: true }));
  const nativeStrict = catchSync(() => native.evaluate("data.d.q", { z: 0 }, { strictBuiltinErrors: true }));
  assert.ok(strict instanceof RegoEvalError && nativeStrict instanceof RegoEvalError);
  assert.equal(strict.code, nativeStrict.code);
  await assert.rejects(engine.evaluate("x := data.d.q", {}, { strictBuiltinErrors: true }), EngineUnsupportedError);
  await assert.rejects(engine.evaluate("input", undefined, { inputTerm: "{1}" }), EngineUnsupportedError);
  native.close();
  await engine.close();
});

test("opa engine: a request OPA does not answer in time fails as unavailable, once", async () => {
  const sockets: Socket[] = [];
  let connections = 0;
  const blackhole: NetServer = createNetServer((socket) => {
    connections++;
    sockets.push(socket); // accepted, never answered
  });
  const port = await listen(blackhole);
  const engine = new OpaEngine({ url: `http://127.0.0.1:${port}`, timeoutMs: 200, retries: 3, backoffMs: 1 });
  const err = await catchAsync(engine.evaluate("data.x"));
  assert.ok(err instanceof EngineUnavailableError);
  assert.equal(err.code, "engine_unavailable");
  assert.match(err.reason, /no answer within 200 ms/);
  assert.equal(connections, 1, "a request that may have reached OPA is not retried");
  assert.equal((await engine.health()).ok, false);
  await engine.close();
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => blackhole.close(resolve));
});

test("opa engine: no retry on an answer, 4xx or 5xx with OPA's error body", async () => {
  let requests = 0;
  let status = 400;
  const server: HttpServer = createHttpServer((_req, res) => {
    requests++;
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(
      status === 400
        ? { code: "invalid_parameter", message: "error(s) occurred while parsing query", errors: [{ code: "rego_parse_error", message: "unexpected eof token", location: { file: "", row: 1, col: 3 } }] }
        : { code: "internal_error", message: "error(s) occurred while evaluating query", errors: [{ code: "eval_conflict_error", message: "complete rules must not produce multiple outputs", location: { file: "c.rego", row: 3, col: 1 } }] },
    ));
  });
  const port = await listen(server);
  const engine = new OpaEngine({ url: `http://127.0.0.1:${port}`, retries: 4, backoffMs: 1 });
  assert.ok(await catchAsync(engine.evaluate("data.c.v")) instanceof RegoParseError);
  assert.equal(requests, 1);
  status = 500;
  const evalErr = await catchAsync(engine.evaluate("data.c.v"));
  assert.ok(evalErr instanceof RegoEvalError);
  assert.equal(evalErr.code, "eval_conflict_error");
  assert.deepEqual(evalErr.location, { file: "c.rego", row: 3, col: 1 });
  assert.equal(requests, 2);
  await engine.close();
  await new Promise((resolve) => server.close(resolve));
});

test("opa engine: connection refused is retried, then a typed error", async () => {
  const port = await freePort();
  const engine = new OpaEngine({ url: `http://127.0.0.1:${port}`, retries: 2, backoffMs: 1 });
  const err = await catchAsync(engine.addPolicy("p.rego", "package p"));
  assert.ok(err instanceof EngineUnavailableError);
  assert.match(err.reason, /ECONNREFUSED/);
  assert.equal(err.detail.attempts, 3);
  await engine.close();
});

test("createEngine: auto picks the loaded native library and says why; opa on request", opaSkip, async () => {
  const server = await opa();
  const auto = createEngine();
  assert.ok(auto instanceof NativeEngine);
  assert.equal(auto.backend, "native");
  assert.match(auto.reason, /^auto: the native library loaded \(/);
  auto.close();
  const remote = createEngine({ backend: "opa", opaUrl: server.url, timeoutMs: 1000 });
  assert.equal(remote.backend, "opa");
  assert.match(remote.reason, /backend "opa" requested/);
  assert.equal((await remote.health()).ok, true);
  await remote.close();
  assert.throws(() => createEngine({ backend: "opa", opaUrl: "" }), EngineUnavailableError);
});

test("createEngine: without the native library, auto uses OPA_URL, or names both failures", opaSkip, async () => {
  const server = await opa();
  const script = new URL(`./fixtures/engine-auto${scriptExt}`, import.meta.url);
  const withUrl = runInSameRuntime(script, { SARK_NATIVE: "0", OPA_URL: server.url });
  assert.equal(withUrl.status, 0, withUrl.stderr);
  const chosen = JSON.parse(withUrl.stdout) as { backend: string; reason: string; allow: unknown };
  assert.equal(chosen.backend, "opa");
  assert.match(chosen.reason, /auto: the native library did not load \(disabled by SARK_NATIVE=0\); OPA at http/);
  assert.equal(chosen.allow, true);
  const without = runInSameRuntime(script, { SARK_NATIVE: "0", OPA_URL: "" });
  assert.equal(without.status, 0, without.stderr);
  const failed = JSON.parse(without.stdout) as { error: string; message: string };
  assert.equal(failed.error, "engine_unavailable");
  assert.match(failed.message, /disabled by SARK_NATIVE=0/);
  assert.match(failed.message, /no OPA URL was given/);
});

test("shadow mode: sampled decisions compared with OPA; the primary always answers", opaSkip, async () => {
  const server = await opa();
  const seen: Disagreement[] = [];
  // Every other draw is below the rate: exactly half the decisions are sampled.
  let draw = 0;
  const engine = createEngine({
    backend: "native",
    shadow: { opaUrl: server.url, sampleRate: 0.5, random: () => (draw++ % 2 === 0 ? 0.25 : 0.75), onDisagreement: (d) => seen.push(d) },
  });
  assert.ok(engine instanceof ShadowEngine);
  assert.match(engine.reason, /shadowed by OPA at http:\/\/127\.0\.0\.1:\d+ \(sample rate 0\.5\)/);
  engine.addPolicy("gateway.rego", gateway);
  engine.setData("roles", { dev: { tools: ["git"] } });
  const allow = engine.prepare("data.gateway.allow");
  for (let i = 0; i < 10; i++) {
    const rows = allow.evaluate({ user: { roles: ["dev"] }, tool: { name: i % 2 === 0 ? "git" : "ssh" } });
    assert.equal(rows[0]?.expressions[0]?.value, i % 2 === 0);
  }
  await engine.shadowIdle();
  assert.deepEqual(engine.shadowStats(), { sampled: 5, agreed: 5, disagreed: 0, failed: 0, mirrorFailures: 0, pending: 0 });

  // Change OPA's data behind the engine's back: the shadow now disagrees, the answer does not change.
  const res = await fetch(`${server.url}/v1/data/roles/dev/tools`, { method: "PUT", body: '["git", "ssh"]' });
  await res.body?.cancel();
  for (let i = 0; i < 2; i++) {
    assert.equal(allow.evaluate({ user: { roles: ["dev"] }, tool: { name: "ssh" } })[0]?.expressions[0]?.value, false);
  }
  await engine.shadowIdle();
  const stats = engine.shadowStats();
  assert.equal(stats.sampled, 6);
  assert.equal(stats.disagreed, 1);
  assert.equal(seen.length, 1);
  assert.equal(seen[0]!.query, "data.gateway.allow");
  assert.deepEqual(seen[0]!.input, { user: { roles: ["dev"] }, tool: { name: "ssh" } });
  assert.ok("result" in seen[0]!.primary && "result" in seen[0]!.shadow);
  assert.equal(seen[0]!.primary.result[0]?.expressions[0]?.value, false);
  assert.equal(seen[0]!.shadow.result[0]?.expressions[0]?.value, true);
  // Errors are compared by code: both engines report the conflict.
  engine.addPolicy("c.rego", "package c\nv := 1 if input.c\nv := 2 if input.c\n");
  draw = 0;
  assert.throws(() => engine.evaluate("data.c.v", { c: true }), RegoEvalError);
  await engine.shadowIdle();
  assert.equal(engine.shadowStats().agreed, 6);
  allow.close();
  engine.close();
});

test("shadow mode: a shadow that cannot answer is counted, never felt", async () => {
  const port = await freePort();
  const errors: unknown[] = [];
  const engine = createEngine({
    backend: "native",
    shadow: { opaUrl: `http://127.0.0.1:${port}`, sampleRate: 1, retries: 0, onShadowError: (e) => errors.push(e) },
  });
  assert.ok(engine instanceof ShadowEngine);
  engine.addPolicy("p.rego", "package p\nx := input.v * 2");
  assert.deepEqual(engine.evaluate("data.p.x", { v: 21 })[0]?.expressions[0]?.value, 42);
  await engine.shadowIdle();
  const stats = engine.shadowStats();
  assert.deepEqual([stats.sampled, stats.failed, stats.disagreed, stats.mirrorFailures], [1, 1, 0, 1]);
  assert.ok(errors.every((e) => e instanceof EngineUnavailableError));
  engine.close();
});

test("opa engine: stop the test OPA", opaSkip, async () => {
  if (started) await (await started).stop();
});

function listen(server: NetServer | HttpServer): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      resolve(typeof address === "object" && address !== null ? address.port : 0);
    });
  });
}

function catchSync(run: () => unknown): unknown {
  try {
    run();
  } catch (err) {
    return err;
  }
  return undefined;
}

async function catchAsync(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  return undefined;
}
