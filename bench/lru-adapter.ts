/**
 * `lru-cache` behind the `SyncCache` interface, for the benchmarks only: it lets DecisionCache run
 * over the usual in-JS cache, so a decision-cache hit can be compared backend to backend. Values
 * are kept as given (no copies: lru-cache's own speed is what is measured); TTLs are lru-cache's.
 */
import { LRUCache } from "lru-cache";
import type { CacheEntry, CacheStats, CacheValue, SyncCache } from "../src/cache/types.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class LruCacheAdapter implements SyncCache {
  readonly backend = "memory" as const;
  readonly mode = "sync" as const;
  readonly lru: LRUCache<string, Uint8Array>;
  #hits = 0;
  #misses = 0;
  #evictions = 0;
  #expirations = 0;

  constructor(maxEntries = 100_000) {
    this.lru = new LRUCache<string, Uint8Array>({
      max: maxEntries,
      dispose: (_value, _key, reason) => {
        if (reason === "evict") this.#evictions++;
        else if (reason === "expire") this.#expirations++;
      },
    });
  }

  get(key: string): Uint8Array | undefined {
    const value = this.lru.get(key);
    if (value === undefined) this.#misses++;
    else this.#hits++;
    return value;
  }

  getText(key: string): string | undefined {
    const value = this.get(key);
    return value === undefined ? undefined : decoder.decode(value);
  }

  set(key: string, value: CacheValue, ttlMs?: number): void {
    const bytes = typeof value === "string" ? encoder.encode(value) : value;
    this.lru.set(key, bytes, ttlMs ? { ttl: ttlMs } : {});
  }

  has(key: string): boolean {
    return this.lru.has(key);
  }

  delete(key: string): boolean {
    return this.lru.delete(key);
  }

  deletePrefix(prefix: string): number {
    const doomed: string[] = [];
    for (const key of this.lru.keys()) if (key.startsWith(prefix)) doomed.push(key);
    for (const key of doomed) this.lru.delete(key);
    return doomed.length;
  }

  clear(): void {
    this.lru.clear();
  }

  size(): number {
    return this.lru.size;
  }

  stats(): CacheStats {
    let bytes = 0;
    for (const [key, value] of this.lru.entries()) bytes += encoder.encode(key).length + value.length;
    return { entries: this.lru.size, bytes, hits: this.#hits, misses: this.#misses, evictions: this.#evictions, expirations: this.#expirations };
  }

  getMany(keys: readonly string[]): (Uint8Array | undefined)[] {
    return keys.map((key) => this.get(key));
  }

  setMany(entries: readonly CacheEntry[]): void {
    for (const entry of entries) this.set(entry.key, entry.value, entry.ttlMs);
  }

  close(): void {
    this.lru.clear();
  }
}
