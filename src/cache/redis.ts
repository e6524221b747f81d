/**
 * RedisCache: the shared backend, on node-redis (`@redis/client` v6), for several processes or hosts.
 *
 * - Every key is `<namespace>:<key>`; prefix deletes, `clear` and `size` SCAN only this namespace
 *   (glob metacharacters escaped), so applications can share one Redis. Never FLUSHDB.
 * - Values are bytes both ways (replies mapped to Buffers, then copied into plain Uint8Arrays).
 * - `SET k v PX ttl` (no PX without expiry); `getMany` is one MGET, `setMany` one MULTI/EXEC.
 * - Every Redis round trip has a timeout (`timeoutMs`); while Redis is away the client does not queue
 *   commands, so calls fail at once with `CacheUnavailableError` (or answer as a miss with
 *   `onError: "miss"`), and it reconnects with exponential backoff, so calls succeed again once
 *   Redis is back.
 * - Bounds: Redis bounds its own memory (its maxmemory policy); this class only rejects an entry
 *   larger than `maxEntryBytes`. No maxEntries.
 *
 * Stats are counted by this client: hits and misses are exact for its own calls. Expirations are
 * approximate: a miss counts as an expiration when this client itself set the key with a TTL that has
 * passed (it remembers the last 10 000 such keys), so expirations of keys set by other clients, or
 * never read again, are not seen. `entries` and `bytes` are a SCAN of the namespace at the time of the
 * call (bytes = key bytes without the namespace + STRLEN), as exact as a scan of a changing keyspace.
 */
import { Buffer } from "node:buffer";
import { createClient, RESP_TYPES } from "@redis/client";
import { CacheClosedError, CacheEntryTooLargeError, CacheUnavailableError, InvalidCacheArgumentError } from "../errors.ts";
import { envVar } from "../native/runtime.ts";
import { checkPrefix, checkTtl, copyValue, DEFAULT_MAX_BYTES, keyByteLength } from "./common.ts";
import type { AsyncCache, CacheEntry, CacheStats, CacheValue } from "./types.ts";

export interface RedisCacheOptions {
  /** `redis[s]://[[user][:password]@]host[:port][/db]`; default `REDIS_URL`, else `redis://127.0.0.1:6379`. */
  url?: string;
  /** Key namespace: every key is stored as `<namespace>:<key>` (default "sark"). */
  namespace?: string;
  /** Timeout of each Redis round trip, in ms (default 1000). */
  timeoutMs?: number;
  /** How long `RedisCache.connect` waits for the first connection, in ms (default 5000). */
  connectTimeoutMs?: number;
  /** What a call does when Redis is unavailable: throw `CacheUnavailableError` (default) or answer as a miss. */
  onError?: "throw" | "miss";
  /** TTL of an entry set without one, in ms; 0 = no expiry (default 0). */
  defaultTtlMs?: number;
  /** Largest entry (UTF-8 key + value bytes) accepted (default 64 MiB); larger ones are rejected. */
  maxEntryBytes?: number;
  /** Reconnect backoff: the first delay, doubled per attempt up to `reconnectMaxDelayMs` (defaults 50 and 2000 ms). */
  reconnectMinDelayMs?: number;
  reconnectMaxDelayMs?: number;
}

export interface RedisCacheStats extends CacheStats {
  /** Calls that failed because Redis was unavailable (thrown or answered as a miss). */
  errors: number;
}

const DEFAULT_URL = "redis://127.0.0.1:6379";
const SCAN_COUNT = "1000";
const MAX_TRACKED_DEADLINES = 10_000;
const BUFFER_REPLIES = { typeMapping: { [RESP_TYPES.BLOB_STRING]: Buffer } } as const;

type Client = ReturnType<typeof createClient>;
type Argument = string | Buffer;

interface SetCommand {
  key: string;
  ttlMs: number;
  args: Argument[];
}

export class RedisCache implements AsyncCache {
  readonly backend = "redis" as const;
  readonly mode = "async" as const;
  readonly namespace: string;
  readonly timeoutMs: number;
  readonly defaultTtlMs: number;
  readonly maxEntryBytes: number;
  readonly onError: "throw" | "miss";
  /** The URL with any password masked, for messages. */
  readonly url: string;

  readonly #client: Client;
  readonly #connectTimeoutMs: number;
  readonly #connecting: Promise<void>;
  readonly #keyPrefix: string;
  readonly #keyPrefixBytes: number;
  /** Deadlines (performance.now() ms) of keys this client set with a TTL: the expiration estimate. */
  readonly #deadlines = new Map<string, number>();
  #lastError: string | undefined;
  #closed = false;
  #hits = 0;
  #misses = 0;
  #expirations = 0;
  #errors = 0;

  /** Starts connecting in the background; calls before the connection is up fail as unavailable. */
  constructor(options: RedisCacheOptions = {}) {
    const namespace = options.namespace ?? "sark";
    if (typeof namespace !== "string" || namespace.length === 0) {
      throw new InvalidCacheArgumentError("namespace must be a non-empty string");
    }
    this.#keyPrefixBytes = keyByteLength(namespace) + 1;
    this.namespace = namespace;
    this.#keyPrefix = `${namespace}:`;
    this.timeoutMs = positive(options.timeoutMs ?? 1000, "timeoutMs");
    this.#connectTimeoutMs = positive(options.connectTimeoutMs ?? 5000, "connectTimeoutMs");
    this.defaultTtlMs = checkTtl(options.defaultTtlMs ?? 0, "defaultTtlMs");
    this.maxEntryBytes = positive(options.maxEntryBytes ?? DEFAULT_MAX_BYTES, "maxEntryBytes");
    const onError = options.onError ?? "throw";
    if (onError !== "throw" && onError !== "miss") {
      throw new InvalidCacheArgumentError(`onError must be "throw" or "miss", got ${String(onError)}`);
    }
    this.onError = onError;
    const minDelay = positive(options.reconnectMinDelayMs ?? 50, "reconnectMinDelayMs");
    const maxDelay = positive(options.reconnectMaxDelayMs ?? 2000, "reconnectMaxDelayMs");

    const url = options.url ?? (envVar("REDIS_URL") || DEFAULT_URL);
    checkUrl(url);
    this.url = maskPassword(url);
    this.#client = createClient({
      url,
      // Fail fast while disconnected instead of queueing calls until Redis comes back.
      disableOfflineQueue: true,
      commandOptions: { timeout: this.timeoutMs },
      socket: {
        connectTimeout: this.#connectTimeoutMs,
        // Exponential backoff with jitter, forever: the cache recovers whenever Redis is back.
        reconnectStrategy: (retries: number) =>
          Math.min(minDelay * 2 ** Math.min(retries, 16), maxDelay) * (0.75 + Math.random() / 4),
      },
    });
    // node-redis emits every connection failure as an 'error' event; unhandled, it would crash the process.
    this.#client.on("error", (err: unknown) => {
      this.#lastError = describe(err);
    });
    this.#connecting = this.#client.connect().then(
      () => undefined,
      (err: unknown) => {
        this.#lastError = describe(err);
      },
    );
  }

  /** A RedisCache whose first connection is up; throws `CacheUnavailableError` when Redis cannot be reached in time. */
  static async connect(options: RedisCacheOptions = {}): Promise<RedisCache> {
    const cache = new RedisCache(options);
    try {
      await cache.ready();
    } catch (err) {
      await cache.close();
      throw err;
    }
    return cache;
  }

  /** Resolves once connected; rejects with `CacheUnavailableError` after `connectTimeoutMs`. */
  async ready(): Promise<void> {
    this.#open();
    if (this.#client.isReady) return;
    await withTimeout(this.#connecting, this.#connectTimeoutMs, () => this.#unavailable(`no connection to ${this.url}`));
    if (!this.#client.isReady) throw this.#unavailable(`no connection to ${this.url}`);
  }

  /** True while connected. */
  get connected(): boolean {
    return this.#client.isReady;
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const redisKey = this.#key(key);
    return await this.#run(undefined, async () => {
      const reply = await this.#send(["GET", redisKey], true);
      return this.#count(key, bufferOrNull(reply, "GET"));
    });
  }

  async getText(key: string): Promise<string | undefined> {
    const redisKey = this.#key(key);
    return await this.#run(undefined, async () => {
      const reply = await this.#send(["GET", redisKey], true);
      return this.#countText(key, bufferOrNull(reply, "GET"));
    });
  }

  async set(key: string, value: CacheValue, ttlMs?: number): Promise<void> {
    const command = this.#setCommand({ key, value, ttlMs });
    await this.#run(undefined, async () => {
      await this.#send(command.args, false);
      this.#track(command);
    });
  }

  async has(key: string): Promise<boolean> {
    const redisKey = this.#key(key);
    return await this.#run(false, async () => {
      const exists = integer(await this.#send(["EXISTS", redisKey], false), "EXISTS") === 1;
      if (!exists) this.#noteMissing(key);
      return exists;
    });
  }

  async delete(key: string): Promise<boolean> {
    const redisKey = this.#key(key);
    return await this.#run(false, async () => {
      const removed = integer(await this.#send(["UNLINK", redisKey], false), "UNLINK") === 1;
      if (!removed) this.#noteMissing(key);
      this.#deadlines.delete(key);
      return removed;
    });
  }

  async deletePrefix(prefix: string): Promise<number> {
    this.#open();
    checkPrefix(prefix);
    return await this.#run(0, async () => {
      let removed = 0;
      await this.#scan(prefix, async (keys) => {
        removed += integer(await this.#send(["UNLINK", ...keys], false), "UNLINK");
      });
      for (const key of this.#deadlines.keys()) if (key.startsWith(prefix)) this.#deadlines.delete(key);
      return removed;
    });
  }

  async clear(): Promise<void> {
    await this.deletePrefix("");
  }

  async size(): Promise<number> {
    this.#open();
    return await this.#run(0, async () => {
      const seen = new Set<string>();
      await this.#scan("", (keys) => {
        for (const key of keys) seen.add(key.toString("latin1"));
        return Promise.resolve();
      });
      return seen.size;
    });
  }

  async stats(): Promise<RedisCacheStats> {
    this.#open();
    const counters = () => ({
      hits: this.#hits,
      misses: this.#misses,
      evictions: 0,
      expirations: this.#expirations,
      errors: this.#errors,
    });
    return await this.#run(() => ({ entries: 0, bytes: 0, ...counters() }), async () => {
      const seen = new Set<string>();
      let bytes = 0;
      await this.#scan("", async (batch) => {
        const keys = batch.filter((key) => {
          const id = key.toString("latin1");
          if (seen.has(id)) return false;
          seen.add(id);
          return true;
        });
        if (keys.length === 0) return;
        const multi = this.#client.multi();
        for (const key of keys) multi.addCommand(["STRLEN", key]);
        const lengths = await this.#timed(multi.execAsPipeline());
        for (let i = 0; i < keys.length; i++) {
          bytes += keys[i]!.length - this.#keyPrefixBytes + integer(lengths[i], "STRLEN");
        }
      });
      // Counters read after the scan, so the errors of this call are included.
      return { entries: seen.size, bytes, ...counters() };
    });
  }

  async getMany(keys: readonly string[]): Promise<(Uint8Array | undefined)[]> {
    this.#open();
    if (!Array.isArray(keys)) throw new InvalidCacheArgumentError("getMany takes an array of keys");
    const redisKeys = keys.map((key) => this.#key(key));
    if (redisKeys.length === 0) return [];
    return await this.#run(new Array<undefined>(keys.length).fill(undefined), async () => {
      const reply = await this.#send(["MGET", ...redisKeys], true);
      if (!Array.isArray(reply) || reply.length !== keys.length) {
        throw new CacheUnavailableError("redis", `unexpected MGET reply for ${keys.length} keys`);
      }
      return reply.map((item, i) => this.#count(keys[i]!, bufferOrNull(item, "MGET")));
    });
  }

  /** One MULTI/EXEC: every entry is stored, or (on a failure) none is known to be. Checks every entry first. */
  async setMany(entries: readonly CacheEntry[]): Promise<void> {
    this.#open();
    if (!Array.isArray(entries)) throw new InvalidCacheArgumentError("setMany takes an array of entries");
    const commands = entries.map((entry) => this.#setCommand(entry));
    if (commands.length === 0) return;
    await this.#run(undefined, async () => {
      const multi = this.#client.multi();
      for (const command of commands) multi.addCommand(command.args);
      await this.#timed(multi.exec());
      for (const command of commands) this.#track(command);
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#deadlines.clear();
    if (this.#client.isReady) {
      try {
        await withTimeout(this.#client.close(), this.timeoutMs, () => new Error("close timed out"));
        return;
      } catch {
        // fall through: drop the connection
      }
    }
    // Not awaiting the first connection attempt: between retries it settles only after its backoff sleep.
    if (this.#client.isOpen) this.#client.destroy();
  }

  #open(): void {
    if (this.#closed) throw new CacheClosedError(this.backend);
  }

  #key(key: string): string {
    this.#open();
    keyByteLength(key);
    return this.#keyPrefix + key;
  }

  /** The SET command for an entry (checked and copied now, so later changes to the caller's bytes do not leak in). */
  #setCommand(entry: CacheEntry): SetCommand {
    const redisKey = this.#key(entry.key);
    const bytes = copyValue(entry.value);
    const ttlMs = entry.ttlMs === undefined ? this.defaultTtlMs : checkTtl(entry.ttlMs);
    const size = keyByteLength(entry.key) + bytes.length;
    if (size > this.maxEntryBytes) throw new CacheEntryTooLargeError(entry.key, size, this.maxEntryBytes);
    const value = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    // PX takes whole ms: round a fractional TTL up rather than down to 0 (which Redis rejects).
    const args = ttlMs === 0 ? ["SET", redisKey, value] : ["SET", redisKey, value, "PX", String(Math.ceil(ttlMs))];
    return { key: entry.key, ttlMs, args };
  }

  /** Runs one cache operation; a failure to reach Redis throws or, with onError "miss", answers `fallback`. */
  async #run<T>(fallback: T | (() => T), operation: () => Promise<T>): Promise<T> {
    this.#open();
    try {
      return await operation();
    } catch (err) {
      if (this.#closed) throw new CacheClosedError(this.backend);
      this.#errors++;
      const unavailable = err instanceof CacheUnavailableError ? err : this.#unavailable(describe(err));
      if (this.onError === "miss") return typeof fallback === "function" ? (fallback as () => T)() : fallback;
      throw unavailable;
    }
  }

  /** One command, with the per-call timeout; blob replies as Buffers when `buffers`. */
  #send(args: Argument[], buffers: boolean): Promise<unknown> {
    return this.#timed(this.#client.sendCommand(args, buffers ? BUFFER_REPLIES : undefined));
  }

  #timed<T>(promise: Promise<T>): Promise<T> {
    return withTimeout(promise, this.timeoutMs, () => this.#unavailable(`no answer within ${this.timeoutMs} ms`));
  }

  /** Calls `visit` with each page of this namespace's keys starting with `prefix` (raw bytes). */
  async #scan(prefix: string, visit: (keys: Buffer[]) => Promise<void>): Promise<void> {
    const pattern = escapeGlob(this.#keyPrefix + prefix) + "*";
    let cursor = "0";
    do {
      const reply = await this.#send(["SCAN", cursor, "MATCH", pattern, "COUNT", SCAN_COUNT], true);
      if (!Array.isArray(reply) || reply.length !== 2 || !Buffer.isBuffer(reply[0]) || !Array.isArray(reply[1])) {
        throw new CacheUnavailableError("redis", "unexpected SCAN reply");
      }
      cursor = reply[0].toString("latin1");
      const keys = (reply[1] as unknown[]).filter((key): key is Buffer => Buffer.isBuffer(key));
      if (keys.length > 0) await visit(keys);
    } while (cursor !== "0");
  }

  #count(key: string, reply: Buffer | null): Uint8Array | undefined {
    if (reply === null) {
      this.#misses++;
      this.#noteMissing(key);
      return undefined;
    }
    this.#hits++;
    return new Uint8Array(reply); // a copy: the reply may share a pooled buffer
  }

  #countText(key: string, reply: Buffer | null): string | undefined {
    if (reply === null) {
      this.#misses++;
      this.#noteMissing(key);
      return undefined;
    }
    this.#hits++;
    return reply.toString("utf8");
  }

  /** Remembers when a key this client set with a TTL should expire (bounded, oldest forgotten first). */
  #track(command: SetCommand): void {
    const { key, ttlMs } = command;
    this.#deadlines.delete(key);
    if (ttlMs === 0) return;
    this.#deadlines.set(key, performance.now() + ttlMs);
    if (this.#deadlines.size > MAX_TRACKED_DEADLINES) {
      const oldest = this.#deadlines.keys().next();
      if (!oldest.done) this.#deadlines.delete(oldest.value);
    }
  }

  /** A key found absent: an expiration if this client set it with a TTL that has passed. */
  #noteMissing(key: string): void {
    const deadline = this.#deadlines.get(key);
    if (deadline === undefined) return;
    this.#deadlines.delete(key);
    if (performance.now() >= deadline) this.#expirations++;
  }

  #unavailable(reason: string): CacheUnavailableError {
    const last = this.#lastError && !this.#client.isReady ? ` (last connection error: ${this.#lastError})` : "";
    return new CacheUnavailableError("redis", `${reason}${last}`);
  }
}

/** Escapes Redis glob metacharacters (`* ? [ ] \`) so the text matches itself in SCAN MATCH. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, "\\$&");
}

function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

function bufferOrNull(reply: unknown, command: string): Buffer | null {
  if (reply === null || Buffer.isBuffer(reply)) return reply;
  throw new CacheUnavailableError("redis", `unexpected ${command} reply`);
}

function integer(reply: unknown, command: string): number {
  if (typeof reply === "number") return reply;
  throw new CacheUnavailableError("redis", `unexpected ${command} reply`);
}

function positive(value: number, name: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new InvalidCacheArgumentError(`${name} must be a positive number, got ${String(value)}`, { [name]: value });
  }
  return value;
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const name = err.constructor.name;
    // ErrorReply: Redis itself refused (OOM, WRONGTYPE on a key another application wrote, ...).
    return name === "ErrorReply" || name === "SimpleError" ? `redis replied: ${err.message}` : `${name}: ${err.message}`;
  }
  return String(err);
}

function checkUrl(url: string): void {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw new InvalidCacheArgumentError("the Redis URL does not parse", { url: maskPassword(url) });
  }
  if (protocol !== "redis:" && protocol !== "rediss:") {
    throw new InvalidCacheArgumentError(`the Redis URL must start with redis:// or rediss://, got ${protocol}`);
  }
}

function maskPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "<invalid url>";
  }
}
