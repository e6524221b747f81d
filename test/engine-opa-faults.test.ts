import { test } from "node:test";
import assert from "node:assert/strict";
import { EngineUnavailableError, NativeEngine, OpaEngine, type OpaPreparedQuery } from "../src/mod.ts";
import { opaSkip, OpaServer } from "./helpers/opa-server.ts";

const gateway = `package gateway

default allow := false

allow if {
	some role in input.user.roles
	data.roles[role].tools[_] == input.tool.name
}

tools contains t if some t in data.roles[input.user.roles[_]].tools
`;
const roles = { dev: { tools: ["git", "ci"] }, ops: { tools: ["deploy"] }, sec: { tools: ["audit", "git"] } };
const names = ["dev", "ops", "sec", "none"];
const toolNames = ["git", "ci", "deploy", "audit", "ssh"];

function inputOf(i: number): unknown {
  return { user: { roles: [names[i % 4]!, names[(i >> 2) % 4]!] }, tool: { name: toolNames[i % 5]! } };
}

/** The native engine with the same policy and data: what every answer must be. */
function reference(): NativeEngine {
  const native = new NativeEngine();
  native.addPolicy("gateway.rego", gateway);
  native.setData("roles", roles);
  return native;
}

async function loaded(server: OpaServer, retries: number): Promise<OpaEngine> {
  const engine = new OpaEngine({ url: server.url, timeoutMs: 5000, retries, backoffMs: 40 });
  await engine.addPolicy("gateway.rego", gateway);
  await engine.setData("roles", roles);
  return engine;
}

interface Tally {
  right: number;
  unavailable: number;
  wrong: string[];
}

/** Runs `count` decisions at once on both query paths (/v1/data and /v1/query), checking each. */
function burst(
  native: NativeEngine,
  queries: OpaPreparedQuery[],
  count: number,
  offset: number,
  tally: Tally,
): Promise<void>[] {
  const runs: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const query = queries[i % queries.length]!;
    const input = inputOf(offset + i);
    const expected = native.evaluate(query.query, input);
    runs.push(query.evaluate(input).then(
      (rows) => {
        try {
          assert.deepEqual(rows, expected);
          tally.right++;
        } catch {
          tally.wrong.push(`${query.query} ${JSON.stringify(input)}: ${JSON.stringify(rows)}, expected ${JSON.stringify(expected)}`);
        }
      },
      (err: unknown) => {
        if (err instanceof EngineUnavailableError) tally.unavailable++;
        else tally.wrong.push(`${query.query} ${JSON.stringify(input)}: threw ${String(err)}`);
      },
    ));
  }
  return runs;
}

test("opa faults: OPA killed and restarted with requests in flight: right answers after retries, never wrong ones", opaSkip, async () => {
  const server = await OpaServer.start();
  const native = reference();
  try {
    const engine = await loaded(server, 8);
    const queries = [await engine.prepare("data.gateway.allow"), await engine.prepare("x := data.gateway.tools; count(x) >= 0")];
    const tally: Tally = { right: 0, unavailable: 0, wrong: [] };
    const before = burst(native, queries, 150, 0, tally);
    // Kill while that burst is in flight, start again (empty) on the same port, send more meanwhile.
    const restarting = server.restart();
    const during = burst(native, queries, 150, 150, tally);
    await restarting;
    const after = burst(native, queries, 100, 300, tally);
    await Promise.all([...before, ...during, ...after]);
    assert.deepEqual(tally.wrong, []);
    assert.equal(tally.right + tally.unavailable, 400);
    // With 8 retries over several seconds of backoff, requests outlive a restart of OPA.
    assert.ok(tally.right > 0, JSON.stringify(tally));
    // The restarted OPA was given the policy and data again: the next decisions are right.
    for (let i = 0; i < 20; i++) assert.deepEqual(await queries[i % 2]!.evaluate(inputOf(i)), native.evaluate(queries[i % 2]!.query, inputOf(i)));
    await engine.close();
  } finally {
    native.close();
    await server.stop();
  }
});

test("opa faults: without retries a request caught by the kill fails typed, none answers wrong", opaSkip, async () => {
  const server = await OpaServer.start();
  const native = reference();
  try {
    const engine = await loaded(server, 0);
    const queries = [await engine.prepare("data.gateway.allow"), await engine.prepare("x := data.gateway.tools; count(x) >= 0")];
    const tally: Tally = { right: 0, unavailable: 0, wrong: [] };
    const runs = burst(native, queries, 200, 0, tally);
    // Kill once some answers are back, so that others are on the wire or queued.
    while (tally.right + tally.unavailable + tally.wrong.length < 20) await new Promise((resolve) => setTimeout(resolve, 1));
    await server.kill();
    await Promise.all(runs);
    assert.deepEqual(tally.wrong, []);
    assert.equal(tally.right + tally.unavailable, 200);
    // Down: typed errors, health says so.
    await assert.rejects(queries[0]!.evaluate(inputOf(0)), EngineUnavailableError);
    assert.equal((await engine.health()).ok, false);
    await server.restart();
    assert.deepEqual(await queries[0]!.evaluate(inputOf(1)), native.evaluate("data.gateway.allow", inputOf(1)));
    await engine.close();
  } finally {
    native.close();
    await server.stop();
  }
});

test("opa faults: a restart between requests (no error seen) does not lose the engine's policies", opaSkip, async () => {
  const server = await OpaServer.start();
  const native = reference();
  try {
    const engine = await loaded(server, 2);
    const allow = await engine.prepare("data.gateway.allow");
    const input = { user: { roles: ["ops"] }, tool: { name: "deploy" } };
    assert.equal((await allow.evaluate(input))[0]?.expressions[0]?.value, true);
    await server.restart();
    // An empty OPA would answer undefined ([]) here.
    assert.deepEqual(await allow.evaluate(input), native.evaluate("data.gateway.allow", input));
    assert.deepEqual(await engine.evaluate("data.roles.ops.tools"), native.evaluate("data.roles.ops.tools"));
    // Removed policies stay removed after a restart.
    await engine.removePolicy("gateway.rego");
    await engine.addPolicy("other.rego", "package other\nx := 1");
    await server.restart();
    assert.deepEqual(await allow.evaluate(input), []);
    assert.equal((await engine.evaluate("data.other.x"))[0]?.expressions[0]?.value, 1);
    await engine.close();
  } finally {
    native.close();
    await server.stop();
  }
});
