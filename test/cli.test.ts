import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { packageRoot } from "../src/native/load.ts";
import { runtimeName } from "../src/native/runtime.ts";
import { onlyOnce } from "./helpers/once.ts";
import { scriptExt } from "./helpers/runtime.ts";

// `sark eval` in this runtime (Node runs the compiled build) against the real `opa eval`,
// on the same files from the same directory: the output must be the same, byte for byte.

const root = packageRoot();
const gateway = "examples/policies/gateway";
const inputs = ["alice-ci-run", "bob-db-migrate", "carol-secrets", "dave-contractor", "frank-refund", "blocked-ip"].map(
  (name) => `examples/policies/inputs/${name}.json`,
);

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function sark(args: string[], cwd = root): Run {
  const main = fileURLToPath(new URL(`../src/cli/main${scriptExt}`, import.meta.url));
  const runtimeArgs = runtimeName() === "deno" ? ["run", "--allow-all", main] : [main];
  const result = spawnSync(process.execPath, [...runtimeArgs, ...args], { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The pinned OPA that scripts/setup installs (scripts/versions.sh); a failed assertion when it is missing. */
function opaPath(): string {
  const version = /^OPA_VERSION=(\S+)/m.exec(readFileSync(join(root, "scripts", "versions.sh"), "utf8"))?.[1] ?? "v1.19.0";
  const cache = process.env["XDG_CACHE_HOME"] || join(process.env["HOME"] ?? "", ".cache");
  const tools = process.env["SARK_TOOLS_DIR"] || join(cache, "sark-native");
  const path = join(tools, `opa-${version}`, "opa");
  assert.ok(existsSync(path), `OPA ${version} is not installed at ${path}: run scripts/setup (these tests compare sark with it)`);
  return path;
}

function opa(args: string[], cwd = root): Run {
  const result = spawnSync(opaPath(), args, { cwd, encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs `opa <args>` and `sark <args>` and checks that exit code, stdout and (when asked) stderr agree. */
function assertSameAsOpa(args: string[], options: { cwd?: string; stderr?: boolean } = {}): Run {
  const expected = opa(args, options.cwd);
  const actual = sark(args, options.cwd);
  const what = `sark ${args.join(" ")}`;
  assert.equal(actual.stdout, expected.stdout, `${what}: stdout differs from opa's (sark stderr: ${actual.stderr})`);
  if (options.stderr) assert.equal(actual.stderr, expected.stderr, `${what}: stderr differs from opa's`);
  assert.equal(actual.status, expected.status, `${what}: exit code ${actual.status}, opa's ${expected.status} (stderr: ${actual.stderr})`);
  return actual;
}

/** A scratch directory with `files` ({relative path: content}), removed after `body`. */
function withFiles(files: Record<string, string>, body: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), "sark-cli-"));
  try {
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
    body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("cli: the gateway decisions match opa eval --format json for every example input", () => {
  for (const input of inputs) {
    for (const query of ["data.gateway.authz.decision", "data.gateway.authz.allow", "msg := data.gateway.authz.deny[_]"]) {
      const run = assertSameAsOpa(["eval", "-d", gateway, "-i", input, "--format", "json", query]);
      assert.equal(run.status, 0);
      assert.equal(run.stderr, "");
    }
  }
  // The decisions the examples are written to show.
  const decision = (input: string): { allow: boolean; deny: string[] } => {
    const out = JSON.parse(sark(["eval", "-d", gateway, "-i", input, "data.gateway.authz.decision"]).stdout) as {
      result: Array<{ expressions: Array<{ value: { allow: boolean; deny: string[] } }> }>;
    };
    return out.result[0]!.expressions[0]!.value;
  };
  assert.equal(decision(inputs[0]!).allow, true);
  assert.deepEqual(decision("examples/policies/inputs/blocked-ip.json").deny, ["address 10.20.13.37 is not in an allowed network"]);
});

test("cli: whole documents, several expressions, functions, big numbers and undefined match opa", () => {
  const frank = "examples/policies/inputs/frank-refund.json";
  for (const query of [
    "data",
    "input",
    "data.gateway",
    "data.gateway.rbac.roles; data.gateway.ownership.teams",
    "n := data.gateway.network.ip_to_number(input.context.ip); z := data.gateway.network.zones",
    "data.gateway.network.cidr_contains(\"10.0.0.0/8\", \"10.255.0.1\")",
    "x := input.user.balance * 2",
    "data.gateway.nothing",
  ]) {
    assertSameAsOpa(["eval", "-d", gateway, "-i", frank, query]);
  }
  // Exact past 2^53, from the input and from data.
  const out = sark(["eval", "-d", gateway, "-i", frank, "-f", "raw", "[input.user.balance, input.tool.args.order]"]).stdout;
  assert.equal(out, "[123456789012345678901234567890.50,98765432109876543210]\n");
});

test("cli: pretty, values, bindings and raw formats match opa", () => {
  const dave = "examples/policies/inputs/dave-contractor.json";
  for (const format of ["pretty", "values", "bindings", "raw"]) {
    for (const query of [
      "data.gateway.authz.decision",
      "data.gateway.authz.deny[msg]",
      "r := data.roles[name]",
      "data.gateway.rbac.roles; data.gateway.rbac.clearance",
      "data.gateway.authz.allow",
      "data.gateway.nothing",
    ]) {
      assertSameAsOpa(["eval", "-d", gateway, "-i", dave, "--format", format, query], { stderr: true });
    }
  }
});

test("cli: data files are mounted and merged as opa's loader does", () => {
  withFiles(
    {
      "bundle/data.json": '{"top": {"x": 1}}',
      "bundle/extra.json": '{"top": {"y": 2.50}}',
      "bundle/a/b/data.json": '{"k": 12345678901234567890}',
      "bundle/a/other.json": '{"o": "<&>"}',
      "bundle/p.rego": "package a.c\nv := data.a.b.k + 1\n",
      "bundle/notes.md": "ignored",
      "named.json": '{"named": true}',
      "clash.json": '{"top": {"x": 3}}',
      "list.json": "[1, 2]",
      "bad.json": '{"a": 1,}',
    },
    (dir) => {
      assertSameAsOpa(["eval", "-d", "bundle", "-d", "named.json", "data"], { cwd: dir });
      assertSameAsOpa(["eval", "-d", "bundle/a", "-f", "pretty", "data"], { cwd: dir, stderr: true });
      // Conflicting, non-object and malformed documents: OPA's messages and exit code 2.
      for (const file of ["clash.json", "list.json", "bad.json"]) {
        assertSameAsOpa(["eval", "-d", "bundle", "-d", file, "data"], { cwd: dir });
        assertSameAsOpa(["eval", "-d", "bundle", "-d", file, "-f", "pretty", "data"], { cwd: dir, stderr: true });
      }
      assertSameAsOpa(["eval", "-d", "missing", "data"], { cwd: dir });
    },
  );
});

test("cli: a parse error has opa's exit code, file:row and message", () => {
  withFiles(
    {
      "policies/good.rego": "package good\nallow := true\n",
      "policies/bad.rego": "package bad\n\nallow if {\n\tinput.x == 1\n",
    },
    (dir) => {
      const json = assertSameAsOpa(["eval", "-d", "policies", "data"], { cwd: dir });
      assert.equal(json.status, 2);
      const errors = (JSON.parse(json.stdout) as { errors: Array<{ code: string; location: { file: string; row: number } }> }).errors;
      assert.equal(errors[0]?.code, "rego_parse_error");
      assert.equal(errors[0]?.location.file, "policies/bad.rego");
      const pretty = assertSameAsOpa(["eval", "-d", "policies", "-f", "pretty", "data"], { cwd: dir, stderr: true });
      assert.match(pretty.stderr, /^1 error occurred: policies\/bad\.rego:5: rego_parse_error: /);
      // A query that does not parse.
      assertSameAsOpa(["eval", "-f", "pretty", "x := [1,"], { cwd: dir, stderr: true });
      assertSameAsOpa(["eval", "x := [1,"], { cwd: dir });
    },
  );
});

test("cli: compile and evaluation errors match opa", () => {
  withFiles(
    {
      "unsafe.rego": "package unsafe\n\np if {\n\tinput.x == y\n}\n",
      "conflict.rego": "package conflict\n\np := 1\n\np := 2 if input.two\n",
      "div.rego": "package div\n\nq := 1 / input.d\n",
      "zero.json": '{"d": 0}',
      "two.json": '{"two": true}',
    },
    (dir) => {
      for (const format of ["json", "pretty"]) {
        const stderr = format === "pretty";
        assertSameAsOpa(["eval", "-d", "unsafe.rego", "-f", format, "data"], { cwd: dir, stderr });
        assertSameAsOpa(["eval", "-d", "conflict.rego", "-i", "two.json", "-f", format, "data.conflict.p"], { cwd: dir, stderr });
        assertSameAsOpa(["eval", "-d", "div.rego", "-i", "zero.json", "-f", format, "data.div.q"], { cwd: dir, stderr });
        assertSameAsOpa(["eval", "-d", "div.rego", "-i", "zero.json", "-f", format, "--strict-builtin-errors", "data.div.q"], { cwd: dir, stderr });
      }
      assertSameAsOpa(["eval", "-d", "conflict.rego", "data.conflict.p"], { cwd: dir }); // no conflict without input.two
      assertSameAsOpa(["eval", "-i", "missing.json", "input"], { cwd: dir, stderr: true });
      assertSameAsOpa(["eval", "--fail", "-d", "div.rego", "data.div.q"], { cwd: dir });
      assertSameAsOpa(["eval", "--fail-defined", "-d", "conflict.rego", "data.conflict.p"], { cwd: dir });
    },
  );
});

test("cli: usage errors, help and --version", () => {
  for (const args of [["eval"], ["eval", "a", "b"], ["eval", "--bogus", "x"], ["eval", "-d"], ["eval", "-f", "yaml", "x"]]) {
    const expected = opa(args);
    const run = sark(args);
    assert.equal(run.status, expected.status, `sark ${args.join(" ")}: ${run.stderr}`);
    assert.equal(run.stdout, "");
    // The same first line, but for what sark leaves out (--stdin; the formats source and discard).
    const opaLine = expected.stderr.split("\n")[0]!
      .replace(" or --stdin", "")
      .replace(",values,bindings,pretty,source,raw,discard", ",pretty,values,bindings,raw");
    assert.equal(run.stderr.split("\n")[0], opaLine);
    assert.ok(run.stderr.includes("Usage:\n  sark eval <query> [flags]"), run.stderr);
  }
  const unknown = sark(["bogus"]);
  assert.equal(unknown.status, 1);
  assert.match(unknown.stderr, /unknown command "bogus" for "sark"/);

  const help = sark(["help"]);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /sark eval \[flags\] <query>/);
  assert.match(sark(["eval", "--help"]).stdout, /--strict-builtin-errors/);

  const version = sark(["--version"]);
  assert.equal(version.status, 0);
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };
  assert.match(version.stdout, new RegExp(`^sark ${pkg.version.replace(/\./g, "\\.")}\n`));
  assert.match(version.stdout, /OPA v1\.19\.0/);
  assert.match(version.stdout, new RegExp(`Runtime: ${runtimeName()} `));
});

test("cli: without the native library sark says so and exits 2", () => {
  const run = (() => {
    const main = fileURLToPath(new URL(`../src/cli/main${scriptExt}`, import.meta.url));
    const runtimeArgs = runtimeName() === "deno" ? ["run", "--allow-all", main] : [main];
    return spawnSync(process.execPath, [...runtimeArgs, "eval", "1 + 1"], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, SARK_NATIVE: "0" },
    });
  })();
  assert.equal(run.status, 2);
  assert.equal(run.stdout, "");
  assert.match(run.stderr, /the sark-native library is not available: disabled by SARK_NATIVE=0/);
});

test("cli: bin/sark.js, the package's bin, runs the compiled CLI", onlyOnce, () => {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { bin?: Record<string, string>; files?: string[] };
  assert.equal(pkg.bin?.["sark"], "./bin/sark.js");
  assert.ok(pkg.files?.includes("bin/"), "package.json files lacks bin/");
  assert.ok(existsSync(join(root, "dist", "cli", "main.js")), "dist/cli/main.js is missing: run scripts/build");
  const run = spawnSync(process.execPath, [join(root, "bin", "sark.js"), "eval", "-d", gateway, "-i", inputs[0]!, "-f", "raw", "data.gateway.authz.allow"], {
    cwd: root,
    encoding: "utf8",
  });
  assert.equal(run.stderr, "");
  assert.equal(run.stdout, "true\n");
  assert.equal(run.status, 0);
});
