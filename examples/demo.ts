/**
 * The embedded default, end to end: load the native library in this runtime, compile the
 * gateway policy natively, and decide a gateway request; no OPA, no Redis.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { NativeEngine, nativeInfo, normalizeJson } from "../src/mod.ts";
import { packageRoot } from "../src/native/load.ts";

const info = nativeInfo();
console.log("nativeInfo():", JSON.stringify(info));
if (!info.available) {
  console.error(`native library not available: ${info.error}`);
  process.exit(1);
}

const dir = join(packageRoot(), "bench", "gateway");
const engine = new NativeEngine();
engine.addPolicy("gateway.rego", readFileSync(join(dir, "policy.rego"), "utf8"));
engine.setData("", JSON.parse(readFileSync(join(dir, "data.json"), "utf8")));
const input = JSON.parse(readFileSync(join(dir, "input.json"), "utf8")) as Record<string, unknown>;
const decide = engine.prepare("data.gateway.decision");

const show = (label: string, request: unknown) => {
  const started = performance.now();
  const value = decide.evaluate(request)[0]?.expressions[0]?.value;
  const micros = ((performance.now() - started) * 1000).toFixed(0);
  console.log(`${label} (${micros} µs, first call includes warm-up):`, JSON.stringify(value));
};
show("decision for a developer's tool call", input);
show("same call from outside the allow-list", { ...input, context: { ...(input.context as object), ip: "203.0.113.9" } });
show("a blocked tool", { ...input, tool: { name: "shell.exec", sensitivity_level: "low" } });

const N = 10_000;
const started = performance.now();
for (let i = 0; i < N; i++) decide.evaluate(input);
console.log(`${N} decisions: ${(((performance.now() - started) * 1000) / N).toFixed(2)} µs per decision from ${info.runtime}`);
console.log("JSON through the native value model:", normalizeJson('{"b": 1.0, "a": 123456789012345678901234567890}'));
decide.close();
engine.close();
