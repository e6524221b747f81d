/**
 * authorize() and authorizeA2A() on the native engine and on a real OPA server (`opa run
 * --server`, started by the test) with the shipped policy pack: thousands of seeded, generated
 * decisions must agree exactly (allow, reason, reasons, filtered_parameters, audit_id, cache_ttl).
 * OPA calls go out concurrently over the engine's keep-alive pool.
 *
 * Cached answers are checked too: a decision served from the cache (or shared with a concurrent
 * identical request) must never change `allow` or `filtered_parameters` against a fresh
 * evaluation, and an answer evaluated for the request itself must equal it field for field.
 * Finally OPA is killed and restarted with calls in flight: each call fails typed or answers
 * right.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import {
  type A2ARequest,
  type Authorization,
  AuthorizationError,
  type Authorizer,
  AuthorizerConfigError,
  createAuthorizer,
  EngineUnavailableError,
  type GatewayRequest,
} from "../src/mod.ts";
import { opaSkip, OpaServer } from "./helpers/opa-server.ts";
import { A2ARequests, GatewayRequests } from "./helpers/gateway-requests.ts";

const GATEWAY_COUNT = 2400;
const A2A_COUNT = 900;
const CONCURRENCY = 24;
const slow = { ...opaSkip, timeout: 180_000 };

let opa: OpaServer | undefined;
/** Native engine, no cache: the reference every answer is compared with. */
let reference: Authorizer | undefined;
/** OPA engine, no cache. */
let remote: Authorizer | undefined;

before(async () => {
  if (opaSkip.skip) return;
  opa = await OpaServer.start();
  reference = await createAuthorizer({ engineOptions: { backend: "native" }, cache: false });
  remote = await createAuthorizer({ engineOptions: { backend: "opa", opaUrl: opa.url, retries: 2 }, cache: false });
});

after(async () => {
  await reference?.close();
  await remote?.close();
  await opa?.stop();
});

const gatewayRequests = (() => {
  const gen = new GatewayRequests(0x6a7e);
  return Array.from({ length: GATEWAY_COUNT }, () => gen.next() as GatewayRequest);
})();
const a2aRequests = (() => {
  const gen = new A2ARequests(0xa2a);
  return Array.from({ length: A2A_COUNT }, () => gen.next() as A2ARequest);
})();

/** The decision fields both engines must agree on. */
function fields(a: Authorization): Record<string, unknown> {
  return {
    allow: a.allow,
    reason: a.reason,
    reasons: a.reasons,
    filtered_parameters: a.filtered_parameters,
    audit_id: a.audit_id,
    cache_ttl: a.cache_ttl,
  };
}

/** Runs `decide` over every request, `CONCURRENCY` at a time, answers in request order. */
async function all<R>(requests: R[], decide: (request: R) => Authorization | Promise<Authorization>): Promise<Authorization[]> {
  const out: Authorization[] = new Array(requests.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < requests.length) {
      const i = next++;
      out[i] = await decide(requests[i]!);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return out;
}

function differences<R>(what: string, requests: R[], expected: Authorization[], actual: Authorization[]): string[] {
  const out: string[] = [];
  requests.forEach((request, i) => {
    try {
      assert.deepEqual(fields(actual[i]!), fields(expected[i]!));
    } catch {
      out.push(`${what} #${i}\n  request:  ${JSON.stringify(request)}\n  expected: ${JSON.stringify(fields(expected[i]!))}\n  actual:   ${JSON.stringify(fields(actual[i]!))}`);
    }
  });
  return out;
}

/** What the generated requests cover: the comparison means little without both sides of every rule. */
function coverage(decisions: Authorization[]): { allowed: number; denied: number; codes: string[]; filtered: number } {
  const codes = new Set<string>();
  let allowed = 0;
  let filtered = 0;
  for (const d of decisions) {
    if (d.allow) allowed++;
    for (const reason of d.reasons) codes.add(reason.slice(0, reason.indexOf(":")));
    if (d.filtered_parameters !== undefined) filtered++;
  }
  return { allowed, denied: decisions.length - allowed, codes: [...codes].sort(), filtered };
}

let truthGateway: Authorization[] = [];
let truthA2A: Authorization[] = [];

test("differential: thousands of generated gateway and a2a decisions, native vs OPA, zero disagreements", slow, async () => {
  truthGateway = gatewayRequests.map((r) => reference!.authorize(r) as Authorization);
  truthA2A = a2aRequests.map((r) => reference!.authorizeA2A(r) as Authorization);

  const gateway = coverage(truthGateway);
  assert.ok(gateway.allowed >= 300 && gateway.denied >= 300, JSON.stringify(gateway));
  assert.deepEqual(gateway.codes, ["insufficient_role", "invalid_input", "ip_not_allowed", "team_ownership", "time_window", "unknown_action"]);
  assert.ok(gateway.filtered >= 500, JSON.stringify(gateway));
  assert.ok(truthGateway.some((d) => d.allow && d.cache_ttl > 0 && d.cache_ttl < 300), "no allow bounded by a closing time window");
  const a2a = coverage(truthA2A);
  assert.ok(a2a.allowed >= 100 && a2a.denied >= 100, JSON.stringify(a2a));
  assert.deepEqual(a2a.codes, ["capability", "delegation_depth", "invalid_input", "rate_limit", "trust_level", "unknown_action"]);

  const opaGateway = await all(gatewayRequests, (r) => remote!.authorize(r));
  const opaA2A = await all(a2aRequests, (r) => remote!.authorizeA2A(r));
  assert.ok(opaGateway.every((d) => d.backend === "opa" && !d.cached));
  const diff = [
    ...differences("gateway", gatewayRequests, truthGateway, opaGateway),
    ...differences("a2a", a2aRequests, truthA2A, opaA2A),
  ];
  assert.equal(diff.length, 0, `${diff.length} of ${GATEWAY_COUNT + A2A_COUNT} decisions differ:\n${diff.slice(0, 5).join("\n")}`);
  assert.equal(remote!.stats().evaluations, GATEWAY_COUNT + A2A_COUNT);
  assert.equal(remote!.stats().errors, 0);
});

/** A cached answer keeps what the request decides; one evaluated for the request itself is the reference exactly. */
function cacheViolations<R>(what: string, requests: R[], truth: Authorization[], answers: Authorization[]): string[] {
  const out: string[] = [];
  requests.forEach((request, i) => {
    const a = answers[i]!;
    const t = truth[i]!;
    const ok = a.cached
      ? a.allow === t.allow && JSON.stringify(a.filtered_parameters) === JSON.stringify(t.filtered_parameters)
      : JSON.stringify(fields(a)) === JSON.stringify(fields(t));
    if (!ok) out.push(`${what} #${i} (cached: ${a.cached})\n  request: ${JSON.stringify(request)}\n  truth:   ${JSON.stringify(fields(t))}\n  answer:  ${JSON.stringify(fields(a))}`);
  });
  return out;
}

test("differential: through the decision cache, native (sync) and OPA (concurrent): hits never change a decision", slow, async () => {
  if (truthGateway.length === 0) {
    truthGateway = gatewayRequests.map((r) => reference!.authorize(r) as Authorization);
    truthA2A = a2aRequests.map((r) => reference!.authorizeA2A(r) as Authorization);
  }
  const nativeCached = await createAuthorizer({ engineOptions: { backend: "native" } });
  const opaCached = await createAuthorizer({ engineOptions: { backend: "opa", opaUrl: opa!.url } });
  try {
    assert.equal(nativeCached.mode, "sync");
    assert.equal(opaCached.mode, "async");
    const nativeGateway = gatewayRequests.map((r) => nativeCached.authorize(r) as Authorization);
    const nativeA2A = a2aRequests.map((r) => nativeCached.authorizeA2A(r) as Authorization);
    const opaGateway = await all(gatewayRequests, (r) => opaCached.authorize(r));
    const opaA2A = await all(a2aRequests, (r) => opaCached.authorizeA2A(r));
    const violations = [
      ...cacheViolations("native gateway", gatewayRequests, truthGateway, nativeGateway),
      ...cacheViolations("native a2a", a2aRequests, truthA2A, nativeA2A),
      ...cacheViolations("opa gateway", gatewayRequests, truthGateway, opaGateway),
      ...cacheViolations("opa a2a", a2aRequests, truthA2A, opaA2A),
    ];
    assert.equal(violations.length, 0, `${violations.length} cached answers are wrong:\n${violations.slice(0, 5).join("\n")}`);
    // The sessions make hits: the check above covered cached answers, not only fresh ones.
    const hits = nativeGateway.filter((d) => d.cached).length;
    assert.ok(hits >= 200, `only ${hits} native gateway hits`);
    assert.ok(nativeA2A.filter((d) => d.cached).length >= 50);
    assert.ok(opaGateway.filter((d) => d.cached).length >= 200);
    const stats = nativeCached.stats();
    assert.equal(stats.decisions, GATEWAY_COUNT + A2A_COUNT);
    assert.equal(stats.evaluations + stats.cached, stats.decisions);
    assert.ok(stats.uncacheable > 0, "malformed requests are evaluated without the cache");
  } finally {
    nativeCached.close();
    await opaCached.close();
  }
});

test("differential: authorize and authorizeA2A work on native and on OPA with the same answers", slow, async () => {
  const request: GatewayRequest = {
    user: { id: "dana", roles: ["developer"], teams: ["platform"] },
    action: "gateway:tool:invoke",
    tool: { name: "deploy", sensitivity_level: "medium" },
    server: { name: "build-1", owner_team: "platform" },
    parameters: { env: "staging", api_key: "k-123", nested: { db_password: "p", region: "eu" } },
    context: { timestamp: "2025-06-02T10:00:00Z", ip: "10.1.2.3" },
  };
  const call: A2ARequest = {
    source_agent: { id: "planner", trust_level: "high", capabilities: ["invoke", "delegate"], owner_id: "u-1", request_count_last_hour: 10 },
    target_agent: { id: "coder", trust_level: "medium", capabilities: ["receive"], owner_id: "u-1" },
    action: "a2a:invoke",
    context: { workflow_id: "wf-42", user_id: "u-1", delegation_depth: 0 },
  };
  const denied: GatewayRequest = { ...request, user: { id: "gus", roles: ["guest"], teams: [] } };
  const native = await createAuthorizer({ engineOptions: { backend: "native" } });
  const remoteCached = await createAuthorizer({ engineOptions: { backend: "opa", opaUrl: opa!.url } });
  try {
    for (const authz of [native, remoteCached]) {
      const first = await authz.authorize(request);
      assert.deepEqual(fields(first), {
        allow: true,
        reason: "allowed",
        reasons: [],
        filtered_parameters: { env: "staging", nested: { region: "eu" } },
        audit_id: first.audit_id,
        cache_ttl: 900,
      });
      assert.match(first.audit_id, /^gw-[0-9a-f]{32}$/);
      assert.equal(first.cached, false);
      assert.equal(first.backend, authz.backend);
      assert.ok(first.latency_us > 0);
      const again = await authz.authorize(request);
      assert.equal(again.cached, true);
      assert.deepEqual(fields(again), fields(first));

      const deny = await authz.authorize(denied);
      assert.equal(deny.allow, false);
      assert.deepEqual(deny.reasons, [
        "insufficient_role: tool deploy is medium; the user's roles reach public",
        "team_ownership: server build-1 is owned by team platform, which the user is not in",
      ]);
      assert.equal(deny.reason, deny.reasons.join("; "));
      assert.equal(deny.cache_ttl, 900, "a deny that is not about the clock or the input is cached like an allow");

      const a2a = await authz.authorizeA2A(call);
      assert.deepEqual(fields(a2a), {
        allow: true,
        reason: "allowed",
        reasons: [],
        filtered_parameters: undefined,
        audit_id: "a2a-aee0b00aef6f7e6625073eeede4677d2",
        cache_ttl: 300,
      });
      assert.equal((await authz.authorizeA2A(call)).cached, true);
      const refused = await authz.authorizeA2A({ ...call, target_agent: { ...call.target_agent, trust_level: "critical" } });
      assert.equal(refused.allow, false);
      assert.equal(refused.reason, "trust_level: a high-trust agent may not call a critical-trust agent");

      // Invalidation by user: the next call is evaluated again.
      assert.ok((await authz.invalidate({ user: "dana" })) >= 1);
      assert.equal((await authz.authorize(request)).cached, false);
      assert.ok((await authz.invalidateA2A({ source: "planner" })) >= 1);
      assert.equal((await authz.authorizeA2A(call)).cached, false);
    }
    assert.equal((await native.authorize(request)).audit_id, (await remoteCached.authorize(request)).audit_id);
    // Closed: the async authorizer rejects (no throw from the call itself), the sync one throws.
    await remoteCached.close();
    await assert.rejects(remoteCached.authorize(request) as Promise<Authorization>, AuthorizerConfigError);
    native.close();
    assert.throws(() => native.authorize(request), AuthorizerConfigError);
  } finally {
    native.close();
    await remoteCached.close();
  }
});

test("differential: OPA killed and restarted with authorize calls in flight: each fails typed or answers right", slow, async () => {
  const server = await OpaServer.start();
  const strict = await createAuthorizer({ engineOptions: { backend: "opa", opaUrl: server.url, retries: 1, timeoutMs: 3000 }, cache: false });
  const lenient = await createAuthorizer({
    engineOptions: { backend: "opa", opaUrl: server.url, retries: 0, timeoutMs: 3000 },
    cache: false,
    onError: "deny",
  });
  const requests = gatewayRequests.slice(0, 600);
  const truth = requests.map((r) => reference!.authorize(r) as Authorization);
  const wrong: string[] = [];
  let right = 0;
  let typed = 0;
  let errorDenies = 0;
  let done = 0;
  const check = (i: number, answer: Authorization): void => {
    if (answer.error !== undefined) {
      // onError "deny": a deny that says it is an error, never one that looks like the policy's.
      if (answer.allow || !answer.reason.startsWith("error: ") || answer.cache_ttl !== 0) wrong.push(`#${i}: ${JSON.stringify(answer)}`);
      else errorDenies++;
    } else if (JSON.stringify(fields(answer)) === JSON.stringify(fields(truth[i]!))) {
      right++;
    } else {
      wrong.push(`#${i}: ${JSON.stringify(fields(answer))}, expected ${JSON.stringify(fields(truth[i]!))}`);
    }
  };
  try {
    const runs = requests.map((request, i) => {
      const authz = i % 2 === 0 ? strict : lenient;
      return Promise.resolve(authz.authorize(request)).then(
        (answer) => check(i, answer),
        (err: unknown) => {
          if (err instanceof AuthorizationError && err.cause instanceof EngineUnavailableError) typed++;
          else wrong.push(`#${i}: threw ${String(err)}`);
        },
      ).finally(() => done++);
    });
    // Kill once some answers are back, so that others are on the wire or queued; then start it again (empty).
    while (done < 40) await new Promise((resolve) => setTimeout(resolve, 1));
    await server.restart();
    await Promise.all(runs);
    assert.deepEqual(wrong, []);
    assert.equal(right + typed + errorDenies, requests.length);
    assert.equal(strict.stats().errors, typed);
    assert.equal(lenient.stats().errorDenies, errorDenies);
    // After the restart both authorizers put the policy pack back and decide right again.
    for (let i = 0; i < 20; i++) {
      assert.deepEqual(fields(await strict.authorize(requests[i]!)), fields(truth[i]!));
      assert.deepEqual(fields(await lenient.authorize(requests[i]!)), fields(truth[i]!));
    }
  } finally {
    await strict.close();
    await lenient.close();
    await server.stop();
  }
});
