import { test } from "node:test";
import assert from "node:assert/strict";
import { checkBaseline, updatedBaseline } from "../conformance/baseline.ts";
import { harnessOnly, parseCaseFile, type ConformanceCase } from "../conformance/cases.ts";
import { compareResultSets, compileErrorsText, errorText, judge, type CaseError, type Expectation, type Outcome } from "../conformance/compare.ts";
import { toCaseError } from "../conformance/native.ts";
import { planCase } from "../conformance/opa.ts";
import type { CaseRecord } from "../conformance/record.ts";
import {
  canonicalKey,
  compareNumberText,
  compareStrings,
  compareValues,
  fromJs,
  Num,
  parseJson,
  toJson,
  type Value,
  type ValueMap,
} from "../conformance/value.ts";

/** Rows from JSON text, numbers exact. */
const rows = (json: string): ValueMap[] => parseJson(json) as ValueMap[];
const result = (json: string): Outcome => ({ kind: "result", rows: rows(json) });
const evalError = (code: string, message: string, text = `test-0.rego:3: ${code}: ${message}`): Outcome => ({
  kind: "error",
  error: { kind: "eval", code, message, text },
});
const expect = (e: Partial<Expectation>): Expectation => ({
  wantResult: undefined,
  wantErrorCode: undefined,
  wantError: undefined,
  sortBindings: false,
  ignoreGeneratedVars: false,
  ...e,
});

// --- values -----------------------------------------------------------------------------

test("conformance/value: JSON numbers keep every digit", () => {
  for (const text of ["18446744073709551614", "-9223372036854775808", "123456789012345678901234567890", "1.0", "1e400", "0.1"]) {
    assert.equal(toJson(parseJson(text)), text);
  }
  assert.equal(toJson(parseJson('{"a": [1, 2.50, {"b": null}], "__proto__": true}')), '{"a":[1,2.50,{"b":null}],"__proto__":true}');
  assert.throws(() => parseJson("{1: 2}"));
  assert.throws(() => parseJson("[1,]"));
  assert.throws(() => parseJson("01"));
});

test("conformance/value: numbers compare by value, exactly", () => {
  assert.equal(compareNumberText("1", "1.0"), 0);
  assert.equal(compareNumberText("1e3", "1000"), 0);
  assert.equal(compareNumberText("10e-1", "1"), 0);
  assert.equal(compareNumberText("-0", "0"), 0);
  assert.equal(compareNumberText("18446744073709551615", "18446744073709551614"), 1);
  assert.equal(compareNumberText("-2", "1"), -1);
  assert.equal(compareNumberText("-2", "-10"), 1);
  assert.equal(compareNumberText("0.5", "0.25"), 1);
  assert.equal(canonicalKey(parseJson("[1, 1.0, 1e0]")), canonicalKey(parseJson("[1.00, 10e-1, 1]")));
});

test("conformance/value: OPA's order: null < bool < number < string < array < object", () => {
  const sorted = ['{"a":1}', "[1]", '"a"', "2", "true", "false", "null", "[]", "{}"].map(parseJson).sort(compareValues).map(toJson);
  assert.deepEqual(sorted, ["null", "false", "true", "2", '"a"', "[]", "[1]", "{}", '{"a":1}']);
  // Objects: by sorted keys, then values, then size.
  assert.equal(compareValues(parseJson('{"a":2}'), parseJson('{"b":1}')), -1);
  assert.equal(compareValues(parseJson('{"a":1,"b":1}'), parseJson('{"a":2}')), -1);
  assert.equal(compareValues(parseJson('{"a":1}'), parseJson('{"a":1,"b":0}')), -1);
});

test("conformance/value: strings compare by code point, as Go compares UTF-8 bytes", () => {
  assert.equal(compareStrings("\uffff", "😀"), -1); // UTF-16 units would say otherwise
  assert.equal(compareStrings("a", "b"), -1);
  assert.equal(compareStrings("ab", "a"), 1);
  assert.equal(compareStrings("é", "é"), 0);
});

test("conformance/value: fromJs: Sets become sorted arrays, integers beyond 2^53 are approximate", () => {
  assert.equal(toJson(fromJs({ s: new Set([3, "a", 1]), m: new Map([["k", [true]]]) })), '{"s":[1,3,"a"],"m":{"k":[true]}}');
  const big = fromJs(2 ** 64) as Num;
  assert.equal(big.approx, true);
  assert.equal((fromJs(2 ** 52) as Num).approx, false);
  assert.equal((fromJs(18446744073709551614n) as Num).text, "18446744073709551614");
  assert.equal(toJson(fromJs(JSON.parse('{"__proto__": 1}'))), '{"__proto__":1}');
  assert.throws(() => fromJs(Number.NaN));
  assert.throws(() => fromJs(undefined));
});

// --- loading cases ------------------------------------------------------------------------

const yamlCase = (body: string): ConformanceCase[] => parseCaseFile(`---\ncases:\n${body}`, "dir/test-x.yaml");

test("conformance/cases: YAML 1.1 scalars as go-yaml v2 reads them", () => {
  const [c] = yamlCase(`  - note: one
    query: data.test.p = x
    input:
      a: yes
      b: off
      c: 0755
      d: 2017-06-02
      e: 1:30
      f: 18446744073709551614
      g: 123456789012345678901234567890
      h: 1.50
      y: 1
    want_result: []
`);
  assert.ok(c);
  assert.equal(
    toJson(c.input as Value),
    '{"a":true,"b":false,"c":493,"d":"2017-06-02","e":"1:30","f":18446744073709551614,"g":1.2345678901234568e+29,"h":1.5,"true":1}',
  );
  assert.deepEqual(c.wantResult, []);
});

test("conformance/cases: fields, keys, repeated notes and a null input", () => {
  const cs = yamlCase(`  - note: same
    query: data.test.p = x
    modules: ["package test\\np := 1"]
    data: {a: 1}
    input: null
    input_term: '{"x": {1}}'
    sort_bindings: true
    strict_error: true
    want_error_code: eval_type_error
    want_error: boom
  - note: same
    query: q
    ignore_generated_vars: true
    experimental_keywords: true
    want_result: [{x: 1}]
`);
  assert.equal(cs.length, 2);
  const [a, b] = cs as [ConformanceCase, ConformanceCase];
  assert.equal(a.key, "dir/test-x.yaml#same");
  assert.equal(b.key, "dir/test-x.yaml#same#2");
  assert.equal(a.dir, "dir");
  assert.equal(a.input, undefined);
  assert.equal(a.inputTerm, '{"x": {1}}');
  assert.equal(toJson(a.data as Value), '{"a":1}');
  assert.deepEqual([a.sortBindings, a.strictError, a.wantErrorCode, a.wantError], [true, true, "eval_type_error", "boom"]);
  assert.deepEqual([b.ignoreGeneratedVars, b.experimentalKeywords, toJson(b.wantResult as Value)], [true, true, '[{"x":1}]']);
  assert.equal(b.wantErrorCode, undefined);
  assert.throws(() => yamlCase("  - note: [1]\n"));
});

test("conformance/cases: test.sleep cases need OPA's Go test binary", () => {
  assert.match(harnessOnly({ query: "x = 1", modules: ['p if { test.sleep("1ms") }'] }) ?? "", /test\.sleep/);
  assert.equal(harnessOnly({ query: "x = 1", modules: ["p := 1"] }), undefined);
});

// --- judging ------------------------------------------------------------------------------

test("conformance/compare: result sets ignore row order and duplicate rows", () => {
  const c = expect({ wantResult: rows('[{"x":1},{"x":2}]') });
  assert.equal(judge(c, result('[{"x":2},{"x":1},{"x":2}]')).outcome, "pass");
  assert.equal(judge(c, result('[{"x":1}]')).outcome, "fail");
  assert.equal(judge(c, result('[{"x":1},{"x":2},{"x":3}]')).outcome, "fail");
  assert.equal(judge(c, result('[{"x":1,"y":0},{"x":2}]')).outcome, "fail");
});

test("conformance/compare: values compare as OPA's: 1 equals 1.0, object key order is free, array order is not", () => {
  assert.equal(judge(expect({ wantResult: rows('[{"x":{"a":1,"b":[1,2]}}]') }), result('[{"x":{"b":[1.0,2],"a":1.0}}]')).outcome, "pass");
  assert.equal(judge(expect({ wantResult: rows('[{"x":[1,2]}]') }), result('[{"x":[2,1]}]')).outcome, "fail");
  assert.equal(judge(expect({ wantResult: rows('[{"x":"1"}]') }), result('[{"x":1}]')).outcome, "fail");
});

test("conformance/compare: want_result [] means undefined", () => {
  const c = expect({ wantResult: [] });
  assert.equal(judge(c, result("[]")).outcome, "pass");
  const v = judge(c, result("[{}]"));
  assert.equal(v.outcome, "fail");
  assert.equal(v.expected, "[]");
  assert.equal(v.actual, "[{}]");
});

test("conformance/compare: sort_bindings sorts the actual arrays only, and requires arrays", () => {
  const c = expect({ wantResult: rows('[{"x":[1,"a",[0]]}]'), sortBindings: true });
  assert.equal(judge(c, result('[{"x":[[0],"a",1]}]')).outcome, "pass");
  // The expected values are taken as written: OPA's runner does not sort them.
  const unsorted = expect({ wantResult: rows('[{"x":[2,1]}]'), sortBindings: true });
  assert.equal(judge(unsorted, result('[{"x":[2,1]}]')).outcome, "fail");
  const v = judge(expect({ wantResult: rows('[{"x":1}]'), sortBindings: true }), result('[{"x":1}]'));
  assert.equal(v.outcome, "fail");
  assert.match(v.reason ?? "", /sort_bindings: binding x is not an array/);
});

test("conformance/compare: ignore_generated_vars drops __localq bindings only", () => {
  const c = expect({ wantResult: rows('[{"x":1}]'), ignoreGeneratedVars: true });
  assert.equal(judge(c, result('[{"x":1,"__localq0__":"t"}]')).outcome, "pass");
  assert.equal(judge(c, result('[{"x":1,"__local0__":"t"}]')).outcome, "fail");
  assert.equal(judge(expect({ wantResult: rows('[{"x":1}]') }), result('[{"x":1,"__localq0__":"t"}]')).outcome, "fail");
});

test("conformance/compare: want_error is a substring of OPA's full error text", () => {
  const c = expect({ wantError: "eval_builtin_error: div: divide" });
  assert.equal(judge(c, evalError("eval_builtin_error", "div: divide by zero")).outcome, "pass");
  assert.equal(judge(c, evalError("eval_builtin_error", "something else")).outcome, "fail");
  assert.equal(judge(c, result("[]")).reason, "expected an error but got success");
  // An empty want_error accepts any error.
  assert.equal(judge(expect({ wantError: "" }), evalError("eval_type_error", "x")).outcome, "pass");
  // Compile errors count as the case's error too.
  const compile: Outcome = { kind: "error", error: { kind: "compile", code: "rego_type_error", message: "m", text: "1 error occurred: test-0.rego:1: rego_type_error: m" } };
  assert.equal(judge(expect({ wantError: "rego_type_error: m" }), compile).outcome, "pass");
});

test("conformance/compare: want_error_code is an exact match on the code", () => {
  const c = expect({ wantErrorCode: "eval_conflict_error" });
  assert.equal(judge(c, evalError("eval_conflict_error", "complete rules must not produce multiple outputs")).outcome, "pass");
  assert.equal(judge(c, evalError("eval_conflict", "x")).reason, "wrong error code");
  assert.equal(judge(c, result('[{"x":1}]')).outcome, "fail");
  // Both given: both must hold.
  const both = expect({ wantErrorCode: "eval_type_error", wantError: "operand 1" });
  assert.equal(judge(both, evalError("eval_type_error", "count: operand 1 must be ...")).outcome, "pass");
  assert.equal(judge(both, evalError("eval_type_error", "count: operand 2 must be ...")).outcome, "fail");
});

test("conformance/compare: an error nobody asked for fails; a case with no expectation fails", () => {
  const v = judge(expect({ wantResult: rows('[{"x":1}]') }), evalError("eval_type_error", "boom"));
  assert.equal(v.outcome, "fail");
  assert.equal(v.reason, "unexpected eval error");
  assert.match(v.actual ?? "", /eval_type_error: boom/);
  assert.equal(judge(expect({}), result("[]")).outcome, "fail");
});

test("conformance/compare: rows that come with an error are compared too (strict mode)", () => {
  const c = expect({ wantResult: rows('[{"x":1}]'), wantErrorCode: "eval_builtin_error" });
  const error: CaseError = { kind: "eval", code: "eval_builtin_error", message: "m", text: "eval_builtin_error: m" };
  assert.equal(judge(c, { kind: "error", error, rows: rows('[{"x":1}]') }).outcome, "pass");
  assert.equal(judge(c, { kind: "error", error }).outcome, "fail");
});

test("conformance/compare: integers beyond 2^53 are exact, or compared as float64 when they came through a JS number", () => {
  const want = rows('[{"x":18446744073709551614}]');
  assert.equal(compareResultSets(want, rows('[{"x":18446744073709551614}]'), false, false).equal, true);
  assert.equal(compareResultSets(want, rows('[{"x":18446744073709551615}]'), false, false).equal, false);
  const viaNumber = [fromJs({ x: 18446744073709551614 }) as ValueMap];
  const cmp = compareResultSets(want, viaNumber, false, false);
  assert.deepEqual([cmp.equal, cmp.lossy], [true, true]);
  assert.match(judge(expect({ wantResult: want }), { kind: "result", rows: viaNumber }).reason ?? "", /float64/);
  assert.equal(compareResultSets(rows('[{"x":12345}]'), [fromJs({ x: 12346 }) as ValueMap], false, false).equal, false);
});

test("conformance/compare: error texts as OPA prints them", () => {
  assert.equal(errorText("eval_type_error", "m", { file: "test-0.rego", row: 3, col: 1 }), "test-0.rego:3: eval_type_error: m");
  assert.equal(errorText("eval_type_error", "eval_type_error: m"), "eval_type_error: m");
  assert.equal(errorText("eval_builtin_error", "m", { file: "", row: 1, col: 5 }), "1:5: eval_builtin_error: m");
  const one = [{ code: "rego_parse_error", message: "bad", location: { file: "a.rego", row: 2, col: 1 } }];
  assert.equal(compileErrorsText(one), "1 error occurred: a.rego:2: rego_parse_error: bad");
  assert.equal(compileErrorsText([...one, { code: "rego_type_error", message: "t" }]), "2 errors occurred:\na.rego:2: rego_parse_error: bad\nrego_type_error: t");
});

test("conformance/native: engine errors become case errors by class", () => {
  class RegoEvalError extends Error {
    code = "eval_type_error";
    location = { file: "test-0.rego", row: 4, col: 2 };
    override name = "RegoEvalError";
  }
  class RegoCompileError extends Error {
    code = "rego_type_error";
    errors = [{ code: "rego_type_error", message: "undefined function f", location: { file: "test-1.rego", row: 7, col: 3 } }];
    override name = "RegoCompileError";
  }
  assert.deepEqual(toCaseError(new RegoEvalError("count: operand 1 must be array"), "other"), {
    kind: "eval",
    code: "eval_type_error",
    message: "count: operand 1 must be array",
    text: "test-0.rego:4: eval_type_error: count: operand 1 must be array",
  });
  const compile = toCaseError(new RegoCompileError("undefined function f"), "compile");
  assert.equal(compile.kind, "compile");
  assert.equal(compile.text, "1 error occurred: test-1.rego:7: rego_type_error: undefined function f");
  const other = toCaseError(new TypeError("boom"), "other");
  assert.deepEqual([other.kind, other.code, other.text], ["other", "", "TypeError: boom"]);
});

test("conformance/opa: cases the REST API cannot express take another route", () => {
  const base = yamlCase(`  - note: one
    query: data.test.p = x
    want_result: []
`)[0] as ConformanceCase;
  const route = (c: Partial<ConformanceCase>) => planCase({ ...base, ...c });
  assert.deepEqual(route({}), { route: "query", query: "data.test.p = x", input: undefined });
  assert.deepEqual(route({ strictError: true, input: parseJson('{"a":1}') }), { route: "data", query: "data.test.p = x", input: '{"a":1}' });
  assert.equal((route({ strictError: true, query: "1 / 0" }) as { route: string }).route, "eval");
  assert.equal((route({ experimentalKeywords: true }) as { route: string }).route, "eval");
  assert.deepEqual(route({ inputTerm: '{"x": 1}' }), { route: "query", query: "data.test.p = x", input: '{"x":1}' });
  assert.deepEqual(route({ inputTerm: '{"x": {1}}' }), { route: "query", query: 'data.test.p = x with input as {"x": {1}}', input: undefined });
  assert.equal((route({ inputTerm: '{"x": {1}}', strictError: true }) as { route: string }).route, "eval");
});

// --- the baseline -------------------------------------------------------------------------

test("conformance/baseline: regressions, newly passing, and updates that keep cases not run", () => {
  const rec = (key: string, outcome: CaseRecord["outcome"]): CaseRecord => ({ key, file: key.split("#")[0] as string, note: "n", outcome });
  const baseline = new Set(["a/f.yaml#1", "a/f.yaml#2", "b/g.yaml#1"]);
  const records = [rec("a/f.yaml#1", "pass"), rec("a/f.yaml#2", "fail"), rec("a/f.yaml#3", "pass")];
  const check = checkBaseline(baseline, records, false);
  assert.deepEqual(check.regressions.map((r) => r.key), ["a/f.yaml#2"]);
  assert.deepEqual(check.newlyPassing.map((r) => r.key), ["a/f.yaml#3"]);
  assert.deepEqual(check.missing, []);
  assert.deepEqual(checkBaseline(baseline, records, true).missing, ["b/g.yaml#1"]);
  assert.deepEqual(updatedBaseline(baseline, records, false), ["a/f.yaml#1", "a/f.yaml#3", "b/g.yaml#1"]);
  assert.deepEqual(updatedBaseline(baseline, records, true), ["a/f.yaml#1", "a/f.yaml#3"]);
  // A skipped case that was listed no longer passes: a regression too.
  assert.equal(checkBaseline(baseline, [rec("b/g.yaml#1", "skip")], false).regressions.length, 1);
});
