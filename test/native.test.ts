import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { compareJson, InvalidJsonError, nativeInfo, normalizeJson } from "../src/mod.ts";
import { libraryFileName, packageRoot } from "../src/native/load.ts";
import { runtimeName } from "../src/native/runtime.ts";
import { runInSameRuntime, scriptExt } from "./helpers/runtime.ts";

test("native: loads natively in this runtime and reports what it loaded", () => {
  const info = nativeInfo();
  assert.equal(info.error, undefined, `native library failed to load: ${info.error}`);
  assert.equal(info.available, true);
  assert.equal(info.runtime, runtimeName());
  assert.match(info.target, /^(linux-(x64|arm64)-(gnu|musl)|darwin-(x64|arm64)|win32-x64)$/);
  const pkg = JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { version: string };
  assert.equal(info.version, pkg.version);
  assert.ok(info.path?.endsWith(libraryFileName(info.runtime, info.target)), `loaded ${info.path}`);
});

test("native: SARK_NATIVE=0 forces the fallback and says why", () => {
  const out = runInSameRuntime(new URL(`./fixtures/print-info${scriptExt}`, import.meta.url), { SARK_NATIVE: "0" });
  assert.equal(out.status, 0, out.stderr);
  const info = JSON.parse(out.stdout) as { available: boolean; error: string };
  assert.equal(info.available, false);
  assert.match(info.error, /SARK_NATIVE=0/);
});

test("native: a missing library is reported, not thrown", () => {
  const out = runInSameRuntime(new URL(`./fixtures/print-info${scriptExt}`, import.meta.url), {
    SARK_NATIVE_LIB: "/nonexistent/libsark_native.so",
  });
  assert.equal(out.status, 0, out.stderr);
  const info = JSON.parse(out.stdout) as { available: boolean; error: string };
  assert.equal(info.available, false);
  assert.match(info.error, /nonexistent.*not found/);
});

test("native: a file that is not a library is reported, not thrown", () => {
  const out = runInSameRuntime(new URL(`./fixtures/print-info${scriptExt}`, import.meta.url), {
    SARK_NATIVE_LIB: join(packageRoot(), "package.json"),
  });
  assert.equal(out.status, 0, out.stderr);
  const info = JSON.parse(out.stdout) as { available: boolean; error: string };
  assert.equal(info.available, false);
  assert.ok(info.error.includes("package.json"), info.error);
});

const same = (json: string) => assert.equal(normalizeJson(json), json);

test("json: scalars", () => {
  for (const json of ["null", "true", "false", "0", "-1", '"x"', '""']) same(json);
});

test("json: big integers keep every digit", () => {
  same("123456789012345678901234567890");
  same("-98765432109876543210987654321098765432109876543210");
  same("9223372036854775807");
  same("9223372036854775808");
  same("-9223372036854775809");
});

test("json: decimals and exponents are kept exactly as written", () => {
  for (const json of ["1.0", "0.1", "0.10", "3.14159265358979323846264338327950288", "1e3", "1E+2", "-0", "1e-7", "1e400"]) same(json);
});

test("json: 1 and 1.0 compare equal; OPA's order across types", () => {
  assert.equal(compareJson("1", "1.0"), 0);
  assert.equal(compareJson("1e3", "1000"), 0);
  assert.equal(compareJson("0.1", "0.10000000000000000001"), -1);
  assert.equal(compareJson("123456789012345678901234567891", "123456789012345678901234567890"), 1);
  assert.equal(compareJson("null", "false"), -1);
  assert.equal(compareJson("false", "true"), -1);
  assert.equal(compareJson("true", "0"), -1);
  assert.equal(compareJson("99", '""'), -1);
  assert.equal(compareJson('"z"', "[]"), -1);
  assert.equal(compareJson("[]", "{}"), -1);
  assert.equal(compareJson("[1,2]", "[1,3]"), -1);
  assert.equal(compareJson('{"a":1}', '{"a":1.0}'), 0);
});

test("json: object keys come out in canonical order, whitespace dropped", () => {
  assert.equal(normalizeJson(' { "b" : 1 , "a" : [ 1 , { "d" : 2, "c" : 3 } ] } '), '{"a":[1,{"c":3,"d":2}],"b":1}');
  assert.equal(normalizeJson('{"a":1,"a":2}'), '{"a":2}');
});

test("json: unicode, escaped and raw", () => {
  assert.equal(normalizeJson('"caf\\u00e9 \\ud83d\\ude00"'), '"café 😀"');
  same('"日本語 — ✓ 😀"');
  const out = normalizeJson('"tab\\there \\"q\\" back\\\\slash \\u0001"');
  assert.deepEqual(JSON.parse(out), 'tab\there "q" back\\slash \u0001');
});

test("json: deep nesting round trips; absurd nesting is a clear error", () => {
  const depth = 1000;
  const deep = "[".repeat(depth) + "]".repeat(depth);
  same(deep);
  const objects = '{"a":'.repeat(depth) + "1" + "}".repeat(depth);
  same(objects);
  const absurd = "[".repeat(100_000) + "]".repeat(100_000);
  assert.throws(() => normalizeJson(absurd), (err: unknown) => err instanceof InvalidJsonError && /nest|deep/i.test(err.message));
});

test("json: large documents grow the output buffer", () => {
  const big = JSON.stringify(Array.from({ length: 20_000 }, (_, i) => ({ id: i, name: `user-${i}` })));
  const out = normalizeJson(big);
  assert.deepEqual(JSON.parse(out), JSON.parse(big));
  assert.ok(out.length > 64 * 1024);
});

test("json: invalid JSON: a typed error with line and column", () => {
  const cases: Array<[string, number, number]> = [
    ['{"a": tru}', 1, 10],
    ["[1,\n 2,\n  x]", 3, 3],
    ["", 1, 1],
    ['{"a":1}}', 1, 8],
    ['"unterminated', 1, 14],
    ["[1,]", 1, 4],
    ["01", 1, 2],
  ];
  for (const [json, line, column] of cases) {
    assert.throws(
      () => normalizeJson(json),
      (err: unknown) => {
        assert.ok(err instanceof InvalidJsonError, `not an InvalidJsonError for ${JSON.stringify(json)}`);
        assert.equal(err.code, "invalid_json");
        assert.equal(err.line, line, `line for ${JSON.stringify(json)}: ${err.message}`);
        assert.equal(err.column, column, `column for ${JSON.stringify(json)}: ${err.message}`);
        assert.match(err.message, /line \d+, column \d+/);
        return true;
      },
    );
  }
});
