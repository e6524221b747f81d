/**
 * The gateway policy pack's decision (policies/, data.sark.gateway.decision) from this runtime:
 * native prepared query, native one-off (prepare + evaluate + free each time), a real OPA server
 * over HTTP (keep-alive, started and stopped here), and authorize() without and with a decision
 * cache hit, on both engines. Then `@open-policy-agent/opa-wasm`: the pack is built with
 * `opa build -t wasm` at run time; when it needs builtins the wasm SDK lacks, the comparison runs
 * on bench/gateway (built the same way) against the native engine on that same policy, and the
 * report says so. Prints mitata's table, then one BENCH_JSON line for bench/authorize-report.ts.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { bench, do_not_optimize, run } from "mitata";
import { loadPolicy } from "@open-policy-agent/opa-wasm";
import { type Authorization, compareJson, createAuthorizer, GATEWAY_QUERY, type GatewayRequest, loadPolicyDir, NativeEngine, OpaEngine } from "../src/mod.ts";
import { packageRoot } from "../src/native/load.ts";
import { runtimeName, runtimeVersion } from "../src/native/runtime.ts";
import { opaBinary, OpaServer } from "../test/helpers/opa-server.ts";

const root = packageRoot();
const opaBin = opaBinary();
const opaVersion = execFileSync(opaBin, ["version"], { encoding: "utf8" }).split("\n")[0]?.replace("Version: ", "") ?? "?";
// The SDK's package.json is not in its exports: read it where npm put it.
const wasmVersion = (JSON.parse(readFileSync(join(root, "node_modules", "@open-policy-agent", "opa-wasm", "package.json"), "utf8")) as { version: string }).version;

const request: GatewayRequest = {
  user: { id: "dana", roles: ["developer"], teams: ["platform"] },
  action: "gateway:tool:invoke",
  tool: { name: "deploy", sensitivity_level: "medium" },
  server: { name: "build-1", owner_team: "platform" },
  parameters: { env: "staging", api_key: "k-123", replicas: 3 },
  context: { timestamp: "2025-06-02T10:00:00Z", ip: "10.1.2.3" },
};

// --- engines -------------------------------------------------------------------------------------
const pack = loadPolicyDir();
const native = new NativeEngine();
native.addPolicies(pack.modules);
native.setData("", pack.data);
const prepared = native.prepare(GATEWAY_QUERY);

const server = await OpaServer.start();
const opa = new OpaEngine({ url: server.url, connections: 4 });
await opa.setData("", pack.data);
for (const [id, source] of Object.entries(pack.modules)) await opa.addPolicy(id, source);
const opaPrepared = await opa.prepare(GATEWAY_QUERY);

const nativeNoCache = await createAuthorizer({ engineOptions: { backend: "native" }, cache: false });
const nativeCached = await createAuthorizer({ engineOptions: { backend: "native" } });
const opaNoCache = await createAuthorizer({ engineOptions: { backend: "opa", opaUrl: server.url }, cache: false });
const opaCached = await createAuthorizer({ engineOptions: { backend: "opa", opaUrl: server.url } });

// Every path must give the decision OPA gives, before anything is timed.
const expected = JSON.stringify((await opaPrepared.evaluate(request))[0]?.expressions[0]?.value);
const decisionOf = (a: Authorization): string =>
  JSON.stringify({ allow: a.allow, reason: a.reason, reasons: a.reasons, audit_id: a.audit_id, cache_ttl: a.cache_ttl, filtered_parameters: a.filtered_parameters });
const same = (a: string | undefined, b: string | undefined): boolean => a !== undefined && b !== undefined && compareJson(a, b) === 0;
const checks: [string, string][] = [
  ["native prepared", JSON.stringify(prepared.evaluate(request)[0]?.expressions[0]?.value)],
  ["native one-off", JSON.stringify(native.evaluate(GATEWAY_QUERY, request)[0]?.expressions[0]?.value)],
  ["authorize native", decisionOf(nativeNoCache.authorize(request) as Authorization)],
  ["authorize native cached", decisionOf(nativeCached.authorize(request) as Authorization)],
  ["authorize opa", decisionOf(await opaNoCache.authorize(request))],
  ["authorize opa cached", decisionOf(await opaCached.authorize(request))],
];
for (const [what, got] of checks) {
  if (!same(got, expected)) throw new Error(`${what}: ${got}, OPA says ${expected}`);
}
if (!(nativeCached.authorize(request) as Authorization).cached || !(await opaCached.authorize(request)).cached) {
  throw new Error("the cached authorizers did not hit");
}

// --- opa-wasm ------------------------------------------------------------------------------------
interface WasmPolicy {
  setData(data: unknown): void;
  evaluate(input: unknown): { result: unknown }[];
}

/** `opa build -t wasm` of `files` with one entry point, loaded by the SDK. */
async function buildWasm(entrypoint: string, files: string[], data: unknown): Promise<WasmPolicy> {
  const dir = mkdtempSync(join(tmpdir(), "sark-wasm-"));
  try {
    execFileSync(opaBin, ["build", "-t", "wasm", "-e", entrypoint, "-o", join(dir, "bundle.tar.gz"), ...files], { stdio: "pipe" });
    execFileSync("tar", ["-xzf", join(dir, "bundle.tar.gz"), "-C", dir, "/policy.wasm"], { stdio: "pipe" });
    const policy = await loadPolicy(readFileSync(join(dir, "policy.wasm"))) as unknown as WasmPolicy;
    policy.setData(data);
    return policy;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// The pack's modules without its tests (`opa build` type-checks test files too, and one does not build for wasm).
const packFiles = Object.keys(pack.modules).map((id) => join(root, id));
let wasmNote: string;
let wasmPack: WasmPolicy | null = await buildWasm("sark/gateway/decision", packFiles, pack.data);
try {
  const got = JSON.stringify(wasmPack.evaluate(request)[0]?.result);
  if (!same(got, expected)) throw new Error(`opa-wasm decides ${got}, OPA ${expected}`);
  wasmNote = "the policy pack runs on opa-wasm";
} catch (err) {
  const message = (err as { message?: string }).message ?? String(err);
  wasmNote = `the policy pack does not run on opa-wasm ${wasmVersion}: \`${message}\` (the builtins its wasm module leaves ` +
    `to the SDK: ${sdkBuiltins(wasmPack).join(", ")}; the SDK implements only a few, e.g. sprintf); ` +
    "so the wasm comparison uses bench/gateway, against the native engine on that same policy";
  wasmPack = null;
}

/** The builtins a wasm module calls out to the SDK for: its own `builtins()` export, a JSON object of name to id. */
function sdkBuiltins(policy: WasmPolicy): string[] {
  const loaded = policy as unknown as {
    wasmInstance: { exports: { builtins(): number; opa_json_dump(addr: number): number } };
    mem: { buffer: ArrayBuffer };
  };
  const exports = loaded.wasmInstance.exports;
  const at = exports.opa_json_dump(exports.builtins());
  const bytes = new Uint8Array(loaded.mem.buffer);
  let end = at;
  while (bytes[end] !== 0) end++;
  return Object.keys(JSON.parse(new TextDecoder().decode(bytes.subarray(at, end))) as object).sort();
}
const gatewayDir = join(root, "bench", "gateway");
const gatewayData: unknown = JSON.parse(readFileSync(join(gatewayDir, "data.json"), "utf8"));
const gatewayInput: unknown = JSON.parse(readFileSync(join(gatewayDir, "input.json"), "utf8"));
const wasmGateway = await buildWasm("gateway/decision", [join(gatewayDir, "policy.rego")], gatewayData);
const nativeGateway = new NativeEngine();
nativeGateway.addPolicy("policy.rego", readFileSync(join(gatewayDir, "policy.rego"), "utf8"));
nativeGateway.setData("", gatewayData);
const nativeGatewayPrepared = nativeGateway.prepare("data.gateway.decision");
{
  const a = JSON.stringify(nativeGatewayPrepared.evaluate(gatewayInput)[0]?.expressions[0]?.value);
  const b = JSON.stringify(wasmGateway.evaluate(gatewayInput)[0]?.result);
  if (!same(a, b)) throw new Error(`bench/gateway: native ${a}, opa-wasm ${b}`);
}

// --- benchmarks ----------------------------------------------------------------------------------
const names = {
  nativePrepared: "pack: native, prepared query",
  nativeOneOff: "pack: native, one-off (prepare + evaluate each time)",
  opaHttp: "pack: HTTP OPA, prepared query (keep-alive)",
  wasmPack: "pack: opa-wasm",
  authorizeNative: "pack: authorize, native, no cache",
  authorizeNativeHit: "pack: authorize, native, cache hit",
  authorizeNativeHitAwaited: "pack: authorize, native, cache hit, awaited",
  authorizeOpa: "pack: authorize, HTTP OPA, no cache",
  authorizeOpaHit: "pack: authorize, HTTP OPA, cache hit",
  gatewayNative: "bench/gateway: native, prepared query",
  gatewayWasm: "bench/gateway: opa-wasm",
} as const;

bench(names.nativePrepared, () => do_not_optimize(prepared.evaluate(request)));
bench(names.nativeOneOff, () => do_not_optimize(native.evaluate(GATEWAY_QUERY, request)));
bench(names.opaHttp, async () => do_not_optimize(await opaPrepared.evaluate(request)));
if (wasmPack !== null) bench(names.wasmPack, () => do_not_optimize(wasmPack!.evaluate(request)));
bench(names.authorizeNative, () => do_not_optimize(nativeNoCache.authorize(request)));
bench(names.authorizeNativeHit, () => do_not_optimize(nativeCached.authorize(request)));
bench(names.authorizeNativeHitAwaited, async () => do_not_optimize(await nativeCached.authorize(request)));
bench(names.authorizeOpa, async () => do_not_optimize(await opaNoCache.authorize(request)));
bench(names.authorizeOpaHit, async () => do_not_optimize(await opaCached.authorize(request)));
bench(names.gatewayNative, () => do_not_optimize(nativeGatewayPrepared.evaluate(gatewayInput)));
bench(names.gatewayWasm, () => do_not_optimize(wasmGateway.evaluate(gatewayInput)));

const results = await run({ format: "mitata", colors: false });

/**
 * Median time per call of `a` and of `b` (ns), measured in alternating batches, so that load
 * from elsewhere on a shared machine falls on both alike: the ratios quoted in the report.
 */
async function interleaved(a: () => unknown, batchA: number, b: () => unknown, batchB: number, rounds = 41): Promise<[number, number]> {
  const once = async (f: () => unknown, n: number): Promise<number> => {
    const start = performance.now();
    for (let i = 0; i < n; i++) {
      const r = f();
      if (r instanceof Promise) await r;
    }
    return ((performance.now() - start) * 1e6) / n;
  };
  const ta: number[] = [];
  const tb: number[] = [];
  for (let round = 0; round < rounds; round++) {
    ta.push(await once(a, batchA));
    tb.push(await once(b, batchB));
  }
  const median = (xs: number[]): number => xs.sort((x, y) => x - y)[xs.length >> 1]!;
  return [median(ta), median(tb)];
}

const pairs: { name: string; a: string; b: string; aNs: number; bNs: number }[] = [];
const pair = async (name: string, a: string, fa: () => unknown, na: number, b: string, fb: () => unknown, nb: number): Promise<void> => {
  const [aNs, bNs] = await interleaved(fa, na, fb, nb);
  pairs.push({ name, a, b, aNs, bNs });
};
await pair("HTTP OPA ÷ native, prepared query (pack)", names.nativePrepared, () => prepared.evaluate(request), 100, names.opaHttp, () => opaPrepared.evaluate(request), 5);
await pair("native evaluation ÷ authorize cache hit (pack)", names.authorizeNativeHit, () => nativeCached.authorize(request), 500, names.authorizeNative, () => nativeNoCache.authorize(request), 100);
await pair("HTTP OPA ÷ authorize cache hit (pack)", names.authorizeNativeHit, () => nativeCached.authorize(request), 500, names.opaHttp, () => opaPrepared.evaluate(request), 5);
if (wasmPack !== null) {
  await pair("opa-wasm ÷ native (pack)", names.nativePrepared, () => prepared.evaluate(request), 100, names.wasmPack, () => wasmPack!.evaluate(request), 100);
} else {
  await pair("opa-wasm ÷ native (bench/gateway)", names.gatewayNative, () => nativeGatewayPrepared.evaluate(gatewayInput), 200, names.gatewayWasm, () => wasmGateway.evaluate(gatewayInput), 200);
}
const rows = results.benchmarks.map((trial) => {
  const stats = trial.runs[0]?.stats;
  return { name: trial.alias, avg: stats?.avg ?? NaN, p50: stats?.p50 ?? NaN, p99: stats?.p99 ?? NaN };
});

nativeCached.close();
nativeNoCache.close();
await opaCached.close();
await opaNoCache.close();
prepared.close();
native.close();
nativeGatewayPrepared.close();
nativeGateway.close();
opaPrepared.close();
await opa.close();
await server.stop();

console.log("BENCH_JSON " + JSON.stringify({
  runtime: runtimeName(),
  version: runtimeVersion(),
  opa: opaVersion,
  opaWasm: wasmVersion,
  wasmNote,
  rows,
  pairs,
}));
process.exit(0);
