/**
 * createAuthorizer on the native engine: the shipped pack, caching by the policy's cache_ttl and
 * the request's timestamp, requests the cache cannot key, typed errors and onError "deny",
 * configuration errors. (Native against OPA: test/differential.test.ts.)
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  type Authorization,
  AuthorizationError,
  AuthorizerConfigError,
  createAuthorizer,
  type GatewayRequest,
  loadPolicyDir,
  MemoryCache,
  NativeEngine,
  RegoEvalError,
} from "../src/mod.ts";
import { requestSeconds } from "../src/authorize.ts";

function gatewayRequest(timestamp: string, overrides: Partial<GatewayRequest> = {}): GatewayRequest {
  return {
    user: { id: "ops-1", roles: ["sre"], teams: ["platform"] },
    action: "gateway:tool:invoke",
    tool: { name: "kubectl", sensitivity_level: "high" },
    parameters: { namespace: "prod", token: "t-1" },
    context: { timestamp, ip: "10.1.2.3" },
    ...overrides,
  };
}

test("authorize: sync on the native engine; a decision is cached for the smaller of the policy's cache_ttl and the level's TTL", async () => {
  const cache = new MemoryCache();
  const authz = await createAuthorizer({ engineOptions: { backend: "native" }, cache });
  try {
    assert.equal(authz.mode, "sync");
    assert.match(authz.reason, /backend "native" requested; decision cache on memory/);
    // High tools are allowed 06:00-22:00 on weekdays: at 21:58 the allow holds 120 s (not high's 300 s).
    const first = authz.authorize(gatewayRequest("2025-06-02T21:58:00Z")) as Authorization;
    assert.equal(first.allow, true);
    assert.equal(first.cache_ttl, 120);
    assert.deepEqual(first.filtered_parameters, { namespace: "prod" });
    assert.equal(first.cached, false);
    const later = authz.authorize(gatewayRequest("2025-06-02T21:59:59Z")) as Authorization;
    assert.equal(later.cached, true);
    assert.equal(later.audit_id, first.audit_id, "a hit is the earlier evaluation, audit id included");
    // At 22:00 the window has closed: evaluated again (whatever the wall clock), denied, not cached.
    const closed = authz.authorize(gatewayRequest("2025-06-02T22:00:00Z")) as Authorization;
    assert.deepEqual([closed.cached, closed.allow, closed.cache_ttl], [false, false, 0]);
    assert.match(closed.reason, /^time_window: high tools are allowed/);
    assert.equal((authz.authorize(gatewayRequest("2025-06-02T22:00:00Z")) as Authorization).cached, false);
    // A request stamped before the stored one is not answered by it either.
    assert.equal((authz.authorize(gatewayRequest("2025-06-02T21:57:59Z")) as Authorization).cached, false);
    // The same instant written with an offset is the same moment.
    assert.equal((authz.authorize(gatewayRequest("2025-06-02T23:57:59+02:00")) as Authorization).cached, true);
    const stats = authz.stats();
    assert.equal(stats.decisions, 6);
    assert.equal(stats.cached, 2);
    assert.equal(stats.evaluations, 4);
    assert.equal(stats.gateway?.bypassed, 2, "the two time-window denies (cache_ttl 0) were not stored");
  } finally {
    authz.close();
    cache.close();
  }
});

test("authorize: requests the cache cannot key are evaluated without it, and still decided by the policy", async () => {
  const authz = await createAuthorizer({ engineOptions: { backend: "native" } });
  try {
    const list = { user: { id: "u", roles: ["viewer"], teams: [] }, action: "gateway:tool:list", context: { timestamp: "2025-06-02T10:00:00Z", ip: "10.0.0.1" } };
    const odd = [
      list, // no tool, no server
      gatewayRequest("2025-06-02 10:00:00Z"), // not plain RFC 3339
      gatewayRequest("2025-06-02T10:00:00Z", { user: { id: "", roles: [] } }),
      { action: "gateway:tool:invoke" },
      null,
      "not a request",
    ];
    for (const request of odd) {
      for (let i = 0; i < 2; i++) {
        const d = authz.authorize(request as GatewayRequest) as Authorization;
        assert.equal(d.cached, false);
        assert.match(d.audit_id, /^gw-[0-9a-f]{32}$/);
      }
    }
    assert.equal((authz.authorize(list as unknown as GatewayRequest) as Authorization).allow, true);
    const bad = authz.authorize(null as unknown as GatewayRequest) as Authorization;
    assert.equal(bad.allow, false);
    assert.match(bad.reason, /invalid_input: input must be an object/);
    assert.equal(authz.stats().uncacheable, 2 * odd.length + 2);
  } finally {
    authz.close();
  }
});

// A pack whose decision conflicts for `boom` inputs (an evaluation error) and is malformed for `bad` ones.
const broken = {
  modules: {
    "gateway.rego": `package sark.gateway
default decision := {"allow": true, "reason": "allowed", "reasons": [], "audit_id": "gw-x", "cache_ttl": 60}
decision := {"allow": false} if input.boom
decision := {"allow": true} if input.boom
decision := {"allow": "yes", "reason": "?", "reasons": [], "audit_id": "gw-y", "cache_ttl": 60} if input.bad
`,
    "a2a.rego": `package sark.a2a
default decision := {"allow": false, "reason": "no", "reasons": ["no"], "audit_id": "a2a-x", "cache_ttl": 0}
`,
  },
};

test("authorize: an engine failure is a typed AuthorizationError, never a deny by itself", async () => {
  const authz = await createAuthorizer({ engineOptions: { backend: "native" }, policies: broken });
  try {
    const request = gatewayRequest("2025-06-02T10:00:00Z");
    assert.equal((authz.authorize(request) as Authorization).allow, true);
    assert.throws(
      () => authz.authorize({ ...request, boom: true }),
      (err: unknown) =>
        err instanceof AuthorizationError && err.cause instanceof RegoEvalError && err.cause.code === "eval_conflict_error" &&
        err.query === "data.sark.gateway.decision",
    );
    assert.throws(() => authz.authorize({ ...request, bad: true }), /no boolean allow/);
    assert.equal(authz.stats().errors, 2);
    assert.equal((authz.authorizeA2A({} as never) as Authorization).reason, "no");
  } finally {
    authz.close();
  }
});

test("authorize: onError \"deny\" turns an engine failure into a deny that says so, counted, never cached", async () => {
  const authz = await createAuthorizer({ engineOptions: { backend: "native" }, policies: broken, onError: "deny" });
  try {
    const request = { ...gatewayRequest("2025-06-02T10:00:00Z"), boom: true };
    for (let i = 0; i < 2; i++) {
      const d = authz.authorize(request) as Authorization;
      assert.equal(d.allow, false);
      assert.equal(d.cached, false);
      assert.equal(d.cache_ttl, 0);
      assert.match(d.reason, /^error: eval_conflict_error: /);
      assert.equal(d.error?.code, "eval_conflict_error");
      assert.match(d.audit_id, /^gw-error-[0-9a-f-]{36}$/);
    }
    const stats = authz.stats();
    assert.deepEqual([stats.errors, stats.errorDenies, stats.decisions], [2, 2, 2]);
  } finally {
    authz.close();
  }
});

test("authorize: configuration errors are typed; policies: false uses what the engine holds", async () => {
  await assert.rejects(createAuthorizer({ engineOptions: { backend: "native" }, onError: "ignore" as never }), AuthorizerConfigError);
  await assert.rejects(createAuthorizer({ engineOptions: { backend: "native" }, policies: "/nonexistent/dir" }), AuthorizerConfigError);
  // Policies without the entry points: refused at creation, not a deny per request.
  await assert.rejects(
    createAuthorizer({ engineOptions: { backend: "native" }, policies: { modules: { "x.rego": "package sark.gateway\nallow := true" } } }),
    /data\.sark\.gateway\.decision is undefined/,
  );
  const engine = new NativeEngine();
  const pack = loadPolicyDir();
  assert.deepEqual(Object.keys(pack.modules), ["policies/a2a.rego", "policies/gateway.rego"]);
  engine.addPolicies(pack.modules);
  engine.setData("", pack.data);
  const authz = await createAuthorizer({ engine, policies: false, cache: false });
  assert.equal(authz.mode, "sync");
  assert.equal((authz.authorize(gatewayRequest("2025-06-02T10:00:00Z")) as Authorization).allow, true);
  authz.close();
  // A given engine is not closed with the authorizer; a closed authorizer refuses calls.
  assert.equal(engine.health().ok, true);
  assert.throws(() => authz.authorize(gatewayRequest("2025-06-02T10:00:00Z")), AuthorizerConfigError);
  engine.close();
});

test("requestSeconds: plain RFC 3339 only, to the second, with offsets, leap years and years below 100", () => {
  const at = (timestamp: unknown): number | null => requestSeconds({ context: { timestamp } });
  for (const s of ["2025-06-02T10:00:00Z", "2025-06-02T10:00:00.999999999Z", "2024-02-29T23:59:59+05:30", "1969-12-31T23:59:59-00:30", "0012-03-04T05:06:07Z"]) {
    assert.equal(at(s), Math.floor(Date.parse(s.replace(/^0012/, "+000012")) / 1000), s);
  }
  for (const s of ["2025-02-29T00:00:00Z", "2025-06-02T24:00:00Z", "2025-06-02T10:00:60Z", "2025-06-02t10:00:00Z", "2025-06-02T10:00:00", "2025-06-02T10:00:00+24:00", "2025-06-02T10:00:00.Z", "2025-06-02 10:00:00Z", "June 2nd", 5, null]) {
    assert.equal(at(s), null, String(s));
  }
  assert.equal(requestSeconds({}), null);
});
