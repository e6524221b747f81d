/**
 * Soak of the native cache: `cycles` set+get pairs over a fixed working set (default 10^7 over
 * 50 000 keys, values of 16..256 bytes, a third with a short TTL), reporting the cache's own
 * byte accounting, the bytes its allocator holds, and the process RSS after warm-up and at the end.
 * Run by `scripts/bench cache-soak` (a short form runs in test/cache-native-memory.test.ts).
 *   bun bench/cache-soak.ts [cycles] [out.md]
 */
import { writeFileSync } from "node:fs";
import process from "node:process";
import { NativeCache } from "../src/cache/native.ts";
import { runtimeName } from "../src/native/runtime.ts";

const cycles = Number(process.argv[2] ?? 10_000_000);
const outPath = process.argv[3];
const keyCount = 50_000;
const cache = new NativeCache({ maxEntries: 40_000, maxBytes: 8 * 1024 * 1024 });
const keys = Array.from({ length: keyCount }, (_, i) => `soak:key:${i}`);
const values = Array.from({ length: 16 }, (_, i) => new Uint8Array(16 + i * 16).fill(i));
const mb = (n: number): string => (n / (1024 * 1024)).toFixed(1);

let x = 12345;
function next(): number {
  // xorshift: cheap, deterministic, no allocation
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  return x >>> 0;
}

function round(n: number): void {
  for (let i = 0; i < n; i++) {
    const r = next();
    const key = keys[r % keyCount]!;
    cache.set(key, values[r & 15]!, r % 3 === 0 ? 5 : undefined);
    cache.get(keys[(r >>> 8) % keyCount]!);
  }
}

const warmup = Math.min(cycles, 1_000_000);
round(warmup);
(globalThis as { gc?: () => void }).gc?.();
const before = { rss: process.memoryUsage().rss, stats: cache.stats() };
const start = performance.now();
round(cycles - warmup);
const seconds = (performance.now() - start) / 1000;
(globalThis as { gc?: () => void }).gc?.();
const after = { rss: process.memoryUsage().rss, stats: cache.stats() };
cache.close();

const rows = [
  ["", "after warm-up", "at the end"],
  ["RSS (MiB)", mb(before.rss), mb(after.rss)],
  ["native allocatedBytes (MiB)", mb(before.stats.allocatedBytes), mb(after.stats.allocatedBytes)],
  ["cache bytes (keys + values, MiB)", mb(before.stats.bytes), mb(after.stats.bytes)],
  ["entries", String(before.stats.entries), String(after.stats.entries)],
];
const text = [
  `# Native cache soak (${runtimeName()})`,
  "",
  `${cycles} set+get cycles over ${keyCount} keys (values 16..256 bytes, a third with a 5 ms TTL), ` +
  `maxEntries 40000, maxBytes 8 MiB; ${warmup} cycles of warm-up; ${(((cycles - warmup) * 2) / seconds / 1e6).toFixed(2)} M ops/s after it. ` +
  `Expirations ${after.stats.expirations}, evictions ${after.stats.evictions}.`,
  "",
  `| ${rows[0]!.join(" | ")} |`,
  "|---|---:|---:|",
  ...rows.slice(1).map((r) => `| ${r.join(" | ")} |`),
  "",
].join("\n");
console.log(text);
if (outPath) writeFileSync(outPath, text);
