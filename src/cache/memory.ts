/**
 * MemoryCache: the pure TypeScript backend, the last resort when neither the native library nor Redis
 * is available. Same semantics as the native cache: per-entry TTL, bounds on entries and bytes, LRU
 * eviction, values copied in and out.
 *
 * A Map keeps insertion order, so it is the eviction queue. Recency is approximated as CLOCK (second
 * chance) does it: a hit only marks the entry; eviction takes from the front, and a marked entry is
 * unmarked and moved to the back instead of evicted. Hits stay a lookup and a store, and the least
 * recently used entry goes first unless every entry was hit since it last passed the front.
 * Expired entries are never returned (checked on every read), and are reclaimed a few per `set` by
 * a sweep that resumes where it stopped (Map iterators stay valid across deletes).
 */
import { CacheClosedError, CacheEntryTooLargeError } from "../errors.ts";
import { checkPrefix, checkTtl, copyValue, decodeText, keyByteLength, resolveCacheOptions } from "./common.ts";
import type { CacheEntry, CacheOptions, CacheStats, CacheValue, SyncCache } from "./types.ts";

export interface MemoryCacheOptions extends CacheOptions {
  /** The clock, in ms (default `performance.now()`, monotonic); tests may inject their own. */
  now?: () => number;
}

interface Entry {
  value: Uint8Array;
  /** UTF-8 key bytes + value bytes. */
  bytes: number;
  /** Clock time at which the entry expires; 0 = never. */
  expiresAt: number;
  /** Hit since it last reached the front of the queue (its second chance). */
  used: boolean;
}

/** Expired entries reclaimed (at most) per set: enough to keep up with a steady write rate, cheap per call. */
const SWEEP_PER_SET = 4;

export class MemoryCache implements SyncCache {
  readonly backend = "memory" as const;
  readonly mode = "sync" as const;
  readonly maxEntries: number;
  readonly maxBytes: number;
  readonly defaultTtlMs: number;

  readonly #now: () => number;
  readonly #map = new Map<string, Entry>();
  #sweep: Iterator<[string, Entry]> | undefined;
  #bytes = 0;
  #hits = 0;
  #misses = 0;
  #evictions = 0;
  #expirations = 0;
  #closed = false;

  constructor(options: MemoryCacheOptions = {}) {
    const resolved = resolveCacheOptions(options);
    this.maxEntries = resolved.maxEntries;
    this.maxBytes = resolved.maxBytes;
    this.defaultTtlMs = resolved.defaultTtlMs;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Entries held in memory, counting expired ones not reclaimed yet (what memory use follows). */
  get heldEntries(): number {
    return this.#map.size;
  }

  get(key: string): Uint8Array | undefined {
    const entry = this.#read(key);
    return entry === undefined ? undefined : entry.value.slice();
  }

  getText(key: string): string | undefined {
    const entry = this.#read(key);
    return entry === undefined ? undefined : decodeText(entry.value);
  }

  set(key: string, value: CacheValue, ttlMs?: number): void {
    this.#open();
    const keyBytes = keyByteLength(key);
    const bytes = copyValue(value);
    const ttl = ttlMs === undefined ? this.defaultTtlMs : checkTtl(ttlMs);
    this.#insert(key, keyBytes + bytes.length, bytes, ttl);
  }

  has(key: string): boolean {
    this.#open();
    keyByteLength(key);
    return this.#live(key) !== undefined;
  }

  delete(key: string): boolean {
    this.#open();
    keyByteLength(key);
    const entry = this.#map.get(key);
    if (entry === undefined) return false;
    const expired = this.#expired(entry, this.#now());
    this.#remove(key, entry);
    if (expired) this.#expirations++;
    return !expired;
  }

  deletePrefix(prefix: string): number {
    this.#open();
    checkPrefix(prefix);
    const now = this.#now();
    let removed = 0;
    for (const [key, entry] of this.#map) {
      if (!key.startsWith(prefix)) continue;
      this.#remove(key, entry);
      if (this.#expired(entry, now)) this.#expirations++;
      else removed++;
    }
    return removed;
  }

  clear(): void {
    this.#open();
    this.#map.clear();
    this.#bytes = 0;
    this.#sweep = undefined;
  }

  size(): number {
    this.#open();
    this.#reclaimAll();
    return this.#map.size;
  }

  stats(): CacheStats {
    this.#open();
    this.#reclaimAll();
    return {
      entries: this.#map.size,
      bytes: this.#bytes,
      hits: this.#hits,
      misses: this.#misses,
      evictions: this.#evictions,
      expirations: this.#expirations,
    };
  }

  getMany(keys: readonly string[]): (Uint8Array | undefined)[] {
    this.#open();
    const values: (Uint8Array | undefined)[] = new Array(keys.length);
    for (let i = 0; i < keys.length; i++) values[i] = this.get(keys[i]!);
    return values;
  }

  /** Checks every entry first, so a bad one leaves the cache untouched. */
  setMany(entries: readonly CacheEntry[]): void {
    this.#open();
    const checked = entries.map((entry) => {
      const keyBytes = keyByteLength(entry.key);
      const bytes = copyValue(entry.value);
      const ttl = entry.ttlMs === undefined ? this.defaultTtlMs : checkTtl(entry.ttlMs);
      const total = keyBytes + bytes.length;
      if (total > this.maxBytes) throw new CacheEntryTooLargeError(entry.key, total, this.maxBytes);
      return { key: entry.key, total, bytes, ttl };
    });
    for (const { key, total, bytes, ttl } of checked) this.#insert(key, total, bytes, ttl);
  }

  close(): void {
    if (this.#closed) return;
    this.#map.clear();
    this.#bytes = 0;
    this.#sweep = undefined;
    this.#closed = true;
  }

  #open(): void {
    if (this.#closed) throw new CacheClosedError(this.backend);
  }

  /** A live entry, counted as a hit (and moved to the LRU end) or a miss. */
  #read(key: string): Entry | undefined {
    this.#open();
    keyByteLength(key);
    const entry = this.#live(key);
    if (entry === undefined) {
      this.#misses++;
      return undefined;
    }
    this.#hits++;
    entry.used = true;
    return entry;
  }

  /** The entry if present and not expired; an expired one is reclaimed on the spot. */
  #live(key: string): Entry | undefined {
    const entry = this.#map.get(key);
    if (entry === undefined) return undefined;
    // The clock is read only for entries that can expire: it costs more than the lookup.
    if (entry.expiresAt === 0 || this.#now() < entry.expiresAt) return entry;
    this.#remove(key, entry);
    this.#expirations++;
    return undefined;
  }

  #insert(key: string, total: number, value: Uint8Array, ttlMs: number): void {
    if (total > this.maxBytes) throw new CacheEntryTooLargeError(key, total, this.maxBytes);
    const now = this.#now();
    const old = this.#map.get(key);
    if (old !== undefined) this.#remove(key, old);
    this.#reclaim(now, SWEEP_PER_SET);
    while (this.#map.size >= this.maxEntries || this.#bytes + total > this.maxBytes) this.#evictOldest(now);
    this.#map.set(key, { value, bytes: total, expiresAt: ttlMs === 0 ? 0 : now + ttlMs, used: false });
    this.#bytes += total;
  }

  /** Removes one entry from the front, giving hit entries a second chance at the back. */
  #evictOldest(now: number): void {
    for (;;) {
      const first = this.#map.entries().next();
      // The loop calling this stops once the map is empty: an empty map is within both bounds.
      if (first.done) throw new Error("MemoryCache invariant: eviction from an empty cache");
      const [key, entry] = first.value;
      if (this.#expired(entry, now)) {
        this.#remove(key, entry);
        this.#expirations++;
        return;
      }
      if (entry.used) {
        // Terminates: each pass unmarks an entry, so within one round an unmarked one reaches the front.
        entry.used = false;
        this.#map.delete(key);
        this.#map.set(key, entry);
        continue;
      }
      this.#remove(key, entry);
      this.#evictions++;
      return;
    }
  }

  #remove(key: string, entry: Entry): void {
    this.#map.delete(key);
    this.#bytes -= entry.bytes;
  }

  #expired(entry: Entry, now: number): boolean {
    return entry.expiresAt !== 0 && now >= entry.expiresAt;
  }

  /** Looks at up to `budget` entries from where the last sweep stopped and reclaims the expired ones. */
  #reclaim(now: number, budget: number): void {
    for (let i = 0; i < budget; i++) {
      this.#sweep ??= this.#map.entries();
      const next = this.#sweep.next();
      if (next.done) {
        this.#sweep = undefined;
        return;
      }
      const [key, entry] = next.value;
      if (this.#expired(entry, now)) {
        this.#remove(key, entry);
        this.#expirations++;
      }
    }
  }

  #reclaimAll(): void {
    const now = this.#now();
    for (const [key, entry] of this.#map) {
      if (this.#expired(entry, now)) {
        this.#remove(key, entry);
        this.#expirations++;
      }
    }
  }
}
