import { test } from "node:test";
import assert from "node:assert/strict";
import { NativeEngine, RegoCompileError, RegoEvalError, RegoParseError } from "../src/mod.ts";

const gateway = `package gateway

default allow := false

allow if {
	some role in input.user.roles
	data.roles[role].tools[_] == input.tool.name
}

reasons contains "no roles" if count(input.user.roles) == 0

tool_count := count([t | some t in data.roles[_].tools])
`;

function engine(): NativeEngine {
  const e = new NativeEngine();
  e.addPolicy("gateway.rego", gateway);
  e.setData("roles", { dev: { tools: ["git", "ci"] }, ops: { tools: ["deploy"] } });
  return e;
}

test("engine: a prepared query evaluated against many inputs", () => {
  const e = engine();
  const allow = e.prepare("data.gateway.allow");
  const decide = (roles: string[], tool: string) => allow.evaluate({ user: { roles }, tool: { name: tool } })[0]?.expressions[0]?.value;
  assert.equal(decide(["dev"], "git"), true);
  assert.equal(decide(["dev"], "deploy"), false);
  assert.equal(decide(["dev", "ops"], "deploy"), true);
  assert.equal(decide([], "git"), false);
  allow.close();
  e.close();
});

test("engine: results have OPA's shape, bindings and undefined", () => {
  const e = engine();
  const rows = e.evaluate("x := data.gateway.reasons", { user: { roles: [] } });
  assert.deepEqual(rows, [
    {
      expressions: [{ value: true, text: "x := data.gateway.reasons", location: { row: 1, col: 1 } }],
      bindings: { x: ["no roles"] },
    },
  ]);
  assert.deepEqual(e.evaluate("data.gateway.nothing"), []);
  assert.deepEqual(
    e.evaluate("data.roles[r].tools[_] = t").map((row) => row.bindings),
    [{ r: "dev", t: "git" }, { r: "dev", t: "ci" }, { r: "ops", t: "deploy" }],
  );
  e.close();
});

test("engine: a package queried whole merges rules and data", () => {
  const e = engine();
  const value = e.evaluate("data.gateway", { user: { roles: ["ops"] }, tool: { name: "deploy" } })[0]?.expressions[0]?.value;
  assert.deepEqual(value, { allow: true, reasons: [], tool_count: 3 });
  e.close();
});

test("engine: parse errors carry file, line and column", () => {
  const e = new NativeEngine();
  assert.throws(
    () => e.addPolicy("bad.rego", "package x\n\np if {\n"),
    (err: unknown) => {
      assert.ok(err instanceof RegoParseError);
      assert.equal(err.code, "rego_parse_error");
      assert.equal(err.file, "bad.rego");
      assert.equal(err.line, 4);
      assert.match(err.message, /bad\.rego:4: rego_parse_error/);
      return true;
    },
  );
  e.close();
});

test("engine: compile errors: unsafe variables, unknown and unsupported functions", () => {
  const e = new NativeEngine();
  const expectCompile = (source: string, code: string, pattern: RegExp) =>
    assert.throws(() => e.addPolicy("m.rego", source), (err: unknown) => {
      assert.ok(err instanceof RegoCompileError, String(err));
      assert.equal(err.errors[0]?.code, code);
      assert.match(err.message, pattern);
      return true;
    });
  expectCompile("package x\np if { y }", "rego_unsafe_var_error", /m\.rego:2: rego_unsafe_var_error: var y is unsafe/);
  expectCompile("package x\np := no_such_fn(1)", "rego_type_error", /undefined function no_such_fn/);
  expectCompile("package x\np := http.send({})", "rego_type_error", /unsupported builtin: http\.send/);
  // A failed add changes nothing.
  assert.deepEqual(e.evaluate("data"), [{ expressions: [{ value: {}, text: "data", location: { row: 1, col: 1 } }], bindings: {} }]);
  e.close();
});

test("engine: eval errors have OPA's codes; strict builtin errors", () => {
  const e = new NativeEngine();
  e.addPolicy("c.rego", "package c\np := 1\np := 2\nq := x if x := 1 / input.d");
  assert.throws(() => e.evaluate("data.c.p"), (err: unknown) => err instanceof RegoEvalError && err.code === "eval_conflict_error");
  assert.deepEqual(e.evaluate("data.c.q", { d: 0 }), []);
  assert.throws(
    () => e.evaluate("data.c.q", { d: 0 }, { strictBuiltinErrors: true }),
    (err: unknown) => err instanceof RegoEvalError && err.code === "eval_builtin_error" && /div: divide by zero/.test(err.message),
  );
  e.close();
});

test("engine: policies can be replaced and removed; prepared queries follow", () => {
  const e = new NativeEngine();
  e.addPolicy("v.rego", "package v\nversion := 1");
  const q = e.prepare("data.v.version");
  assert.equal(q.evaluate()[0]?.expressions[0]?.value, 1);
  e.addPolicy("v.rego", "package v\nversion := 2");
  assert.equal(q.evaluate()[0]?.expressions[0]?.value, 2);
  assert.equal(e.removePolicy("v.rego"), true);
  assert.equal(e.removePolicy("v.rego"), false);
  assert.deepEqual(q.evaluate(), []);
  q.close();
  e.close();
});

test("engine: modules added together may refer to each other in any order", () => {
  const e = new NativeEngine();
  e.addPolicies({ "a.rego": "package a\np := data.b.f(2)", "b.rego": "package b\nf(x) := x * 10" });
  assert.equal(e.evaluate("data.a.p")[0]?.expressions[0]?.value, 20);
  e.close();
});

test("engine: big numbers stay exact in raw results", () => {
  const e = new NativeEngine();
  const q = e.prepare("x := input.n * 3");
  assert.equal(q.evaluateRaw({ n: 1 }), '[{"expressions":[{"value":true,"text":"x := input.n * 3","location":{"row":1,"col":1}}],"bindings":{"x":3}}]');
  const raw = q.evaluateRaw(undefined, { inputTerm: '{"n": 10000000000000000000000}' });
  assert.match(raw, /"x":30000000000000000000000/);
  q.close();
  e.close();
});

test("engine: many rules on one input path (rule index) give the same answers as without it", () => {
  const e = new NativeEngine();
  const rules: string[] = [];
  for (let i = 0; i < 50; i++) rules.push(`allow if { input.action == "act${i}"; input.user == "u${i}" }`);
  rules.push(`allow if input.admin`);
  rules.push(`allow if { input.action == 7.0; input.user == "seven" }`);
  e.addPolicy("big.rego", `package big\ndefault allow := false\n${rules.join("\n")}\n`);
  const q = e.prepare("data.big.allow");
  const decide = (input: unknown) => q.evaluate(input)[0]?.expressions[0]?.value;
  assert.equal(decide({ action: "act25", user: "u25" }), true);
  assert.equal(decide({ action: "act25", user: "u26" }), false);
  assert.equal(decide({ admin: true }), true);
  assert.equal(decide({ action: 7, user: "seven" }), true); // 7 == 7.0, as OPA compares numbers
  assert.equal(decide({}), false);
  assert.equal(decide(undefined), false);
  assert.equal(e.evaluate("data.big.allow with input as {\"action\": \"act3\", \"user\": \"u3\"}")[0]?.expressions[0]?.value, true);
  q.close();
  e.close();
});

test("engine: print goes to the host's sink, one line per call; undefined prints as <undefined>", () => {
  const lines: string[] = [];
  const e = new NativeEngine({ print: (line) => lines.push(line) });
  e.addPolicy("p.rego", 'package p\nallow if {\n\tprint("user", input.user, input.missing)\n\tinput.user == "alice"\n}');
  assert.equal(e.evaluate("data.p.allow", { user: "alice" })[0]?.expressions[0]?.value, true);
  assert.deepEqual(lines, ["user alice <undefined>"]);
  e.close();
});
