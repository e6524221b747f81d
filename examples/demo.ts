/**
 * The embedded default, end to end: load the native library in this runtime, send a
 * gateway input through the native JSON value and back, and show what was loaded.
 */
import { compareJson, nativeInfo, normalizeJson } from "../src/mod.ts";

const info = nativeInfo();
console.log("nativeInfo():", JSON.stringify(info, null, 2));
if (!info.available) {
  console.error(`native library not available: ${info.error}`);
  process.exitCode = 1;
} else {
  const input = `{
    "user": {"id": "alice", "roles": ["admin"], "balance": 123456789012345678901234567890.50},
    "action": "gateway:tool:invoke",
    "tool": {"name": "db.query", "sensitivity_level": "high"},
    "context": {"ip": "10.0.0.1", "timestamp": 1764028800, "ratio": 1.0}
  }`;
  console.log("round trip:", normalizeJson(input));
  console.log("compare 1 with 1.0:", compareJson("1", "1.0"));
}
