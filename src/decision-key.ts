/**
 * Decision-cache keys: what a cached decision is keyed by, and how invalidation finds it.
 *
 * A decision is identified by user id, action, resource (`tool:<name>` or `server:<name>`) and a
 * hash of the decision-relevant rest of the request. Invalidation must hit any combination of user,
 * action and resource with prefix deletes only, and no single key order has every combination as a
 * prefix. So each decision is written under three keys, the three rotations of (user, action,
 * resource):
 *
 *     <ns>:u:<user>:<action>:<resource>:<hash>   "<token>,<storedAt>,<expiresAt>,<decision JSON>"
 *     <ns>:a:<action>:<resource>:<user>:<hash>   "<token>"
 *     <ns>:r:<resource>:<user>:<action>:<hash>   "<token>"
 *
 * Every non-empty combination is a prefix of one rotation (user, user+action, user+action+resource
 * of the first; action, action+resource of the second; resource, resource+user of the third), and a
 * lookup reads all three keys in one `getMany` and counts as a hit only when all three are present
 * and carry the same token. Deleting any one copy therefore makes exactly the matching decisions
 * misses. The token (unique per write) keeps a half-written or half-deleted triple from pairing an
 * invalidated copy with a fresh one.
 *
 * Segments are percent-encoded to `[A-Za-z0-9._@-]` and `%XX`, so no id can contain the `:`
 * separator (user `a:b` cannot collide with user `a` and action `b`), and no key holds a glob
 * metacharacter (Redis prefix deletes scan with MATCH).
 */
import { createHash } from "node:crypto";
import { SarkError } from "./errors.ts";

/** A request the decision cache cannot key: a missing or non-string id, no resource, an unhashable value. */
export class DecisionRequestError extends SarkError {
  constructor(message: string, detail: Record<string, unknown> = {}) {
    super("invalid_decision_request", message, detail);
  }
}

/** Options of the decision cache that are out of range or malformed. */
export class DecisionCacheConfigError extends SarkError {
  constructor(message: string, detail: Record<string, unknown> = {}) {
    super("invalid_decision_cache_config", message, detail);
  }
}

// ---------------------------------------------------------------------------------------------
// Canonical JSON
// ---------------------------------------------------------------------------------------------

/**
 * Field paths as a tree: `true` marks a whole field, an object continues into it.
 * Built from dotted paths ("context.ip"); paths go through objects only, never into arrays.
 */
export type FieldTree = Map<string, FieldTree | true>;

export function fieldTree(paths: readonly string[], option: string): FieldTree {
  const root: FieldTree = new Map();
  for (const path of paths) {
    if (typeof path !== "string" || path === "") {
      throw new DecisionCacheConfigError(`${option}: a field path must be a non-empty string, got ${String(path)}`);
    }
    const segments = path.split(".");
    if (segments.some((s) => s === "")) {
      throw new DecisionCacheConfigError(`${option}: "${path}" has an empty segment`, { path });
    }
    let node = root;
    for (let i = 0; i < segments.length; i++) {
      const segment = segments[i]!;
      const last = i === segments.length - 1;
      const existing = node.get(segment);
      if (existing === true) break; // a shorter path already covers the whole field
      if (last) {
        node.set(segment, true);
        break;
      }
      let child = existing;
      if (child === undefined) {
        child = new Map();
        node.set(segment, child);
      }
      node = child;
    }
  }
  return root;
}

/** Deepest nesting accepted; deeper values (or cycles, which JSON cannot hold either) are rejected. */
const MAX_DEPTH = 256;
/** Strings JSON writes as they are: printable ASCII without `"` and `\`. */
const PLAIN_STRING = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

function jsonString(s: string): string {
  return s.length <= 128 && PLAIN_STRING.test(s) ? `"${s}"` : JSON.stringify(s);
}

/**
 * Canonical JSON of `value`: what `JSON.stringify` writes, with the keys of every object sorted
 * (by UTF-16 code units). So it follows JSON.stringify on everything else, which is also what the
 * engine receives: `undefined`, functions and symbols are left out of objects and become `null` in
 * arrays; NaN and ±Infinity become `null`; -0 is `0`; `toJSON` is honoured (a Date is its ISO
 * string, an invalid Date `null`); boxed primitives are their value; Map and Set are `{}`.
 * A BigInt, a cycle or nesting deeper than 256 throws `DecisionRequestError`.
 *
 * `skip` leaves fields out (volatile fields such as `context.timestamp`).
 */
export function canonicalJson(value: unknown, skip?: FieldTree): string {
  return encode(value, "", skip, 0) ?? "null";
}

function encode(value: unknown, key: string, skip: FieldTree | undefined, depth: number): string | undefined {
  switch (typeof value) {
    case "string":
      return jsonString(value);
    case "number":
      return Number.isFinite(value) ? String(value) : "null"; // String(-0) is "0", as JSON
    case "boolean":
      return value ? "true" : "false";
    case "object":
      break;
    case "bigint":
      throw new DecisionRequestError("a BigInt cannot be part of a cached decision's request (JSON has no BigInt)");
    default: // undefined, function, symbol
      return undefined;
  }
  if (value === null) return "null";
  if (depth >= MAX_DEPTH) {
    throw new DecisionRequestError(`request is nested deeper than ${MAX_DEPTH} levels, or cyclic`);
  }
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") return encode(toJSON.call(value, key), key, skip, depth + 1);
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) {
      if (i !== 0) out += ",";
      out += encode(value[i], String(i), undefined, depth + 1) ?? "null";
    }
    return out + "]";
  }
  if (value instanceof Number || value instanceof String || value instanceof Boolean) {
    return encode(value.valueOf(), key, skip, depth + 1);
  }
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object);
  let sorted = true;
  for (let i = 1; i < keys.length; i++) {
    if (keys[i - 1]! > keys[i]!) {
      sorted = false;
      break;
    }
  }
  if (!sorted) keys.sort();
  let out = "{";
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const rule = skip?.get(k);
    if (rule === true) continue;
    const encoded = encode(object[k], k, rule, depth + 1);
    if (encoded === undefined) continue;
    if (out.length !== 1) out += ",";
    out += jsonString(k) + ":" + encoded;
  }
  return out + "}";
}

/** The fields of `value` named by `include` (missing ones left out), as a new plain object. */
export function project(value: unknown, include: FieldTree): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (value === null || typeof value !== "object" || Array.isArray(value)) return out;
  const object = value as Record<string, unknown>;
  for (const [k, rule] of include) {
    if (!Object.hasOwn(object, k)) continue;
    const field = object[k];
    out[k] = rule === true ? field : project(field, rule);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Hash
// ---------------------------------------------------------------------------------------------

/**
 * Chars of SHA-256 base64url kept: 22 = 132 bits. The hash separates contexts of one user, action
 * and resource, and parts of the context (parameters, say) may be chosen by the caller; a
 * non-cryptographic hash could be steered into a collision that serves one context's decision for
 * another. Measured here, node:crypto's SHA-256 costs about as much as a 64-bit FNV written in JS.
 */
const HASH_CHARS = 22;
/** Texts whose hash is remembered. A Map lookup compares the whole text, so a memo hit is exact. */
const MEMO_LIMIT = 4096;

export function sha256Key(canonical: string): string {
  return createHash("sha256").update(canonical).digest("base64url").slice(0, HASH_CHARS);
}

/**
 * The context hash of requests: SHA-256 of the canonical JSON of the hashed fields.
 *
 * Canonical JSON is written in JS and costs a few µs for a 1 KB request, several times what
 * `JSON.stringify` costs. Requests that repeat (the ones a cache hits) usually repeat with the same
 * key order too, so the hash is remembered by the request's plain `JSON.stringify` text (volatile
 * fields removed): equal texts mean equal JSON, so the same canonical form, and a memo hit skips
 * canonicalization and hashing both. A miss computes the canonical form and remembers the result.
 */
export class ContextHasher {
  readonly #include: FieldTree | undefined;
  readonly #skip: FieldTree;
  readonly #memo = new Map<string, string>();

  constructor(include: FieldTree | undefined, skip: FieldTree) {
    this.#include = include;
    this.#skip = skip;
  }

  hash(request: object): string {
    const hashed = this.#include === undefined ? request : project(request, this.#include);
    const stripped = strip(hashed, this.#skip);
    let text: string | undefined;
    if (stripped !== NOT_PLAIN) {
      try {
        text = JSON.stringify(stripped);
      } catch {
        text = undefined; // a BigInt or a cycle: canonicalJson below throws the typed error
      }
      if (text !== undefined) {
        const known = this.#memo.get(text);
        if (known !== undefined) return known;
      }
    }
    const digest = sha256Key(canonicalJson(hashed, this.#skip));
    if (text !== undefined) {
      if (this.#memo.size >= MEMO_LIMIT) this.#memo.clear();
      this.#memo.set(text, digest);
    }
    return digest;
  }
}

const NOT_PLAIN: unique symbol = Symbol("not a plain object");

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) &&
    typeof (value as { toJSON?: unknown }).toJSON !== "function";
}

/**
 * A shallow copy of `value` with the `skip` fields set to undefined (which JSON.stringify leaves
 * out), copying only the objects on the way to them; NOT_PLAIN when one of those objects is not a
 * plain object (a class instance, an object with toJSON), whose JSON a copy might change.
 */
function strip(value: unknown, skip: FieldTree): unknown {
  if (!isPlainObject(value)) return NOT_PLAIN;
  const copy: Record<string, unknown> = { ...value };
  for (const [k, rule] of skip) {
    if (!Object.hasOwn(copy, k)) continue;
    if (rule === true) {
      copy[k] = undefined;
      continue;
    }
    const child = copy[k];
    if (child === null || typeof child !== "object" || Array.isArray(child)) continue;
    const stripped = strip(child, rule);
    if (stripped === NOT_PLAIN) return NOT_PLAIN;
    copy[k] = stripped;
  }
  return copy;
}

// ---------------------------------------------------------------------------------------------
// Segments and layout
// ---------------------------------------------------------------------------------------------

const PLAIN_SEGMENT = /^[A-Za-z0-9._@-]*$/;
const SEGMENT_MEMO_LIMIT = 4096;
const segmentMemo = new Map<string, string>();
const HEX = "0123456789ABCDEF";

/**
 * `s` with every char outside `[A-Za-z0-9._@-]` percent-encoded as its UTF-8 bytes (`%3A` for `:`),
 * and a lone surrogate as `%uXXXX`: injective, ASCII, free of `:` and of glob metacharacters.
 */
export function escapeSegment(s: string): string {
  if (PLAIN_SEGMENT.test(s)) return s;
  const known = segmentMemo.get(s);
  if (known !== undefined) return known;
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      out += PLAIN_SEGMENT.test(s[i]!) ? s[i] : pct(c);
    } else if (c < 0x800) {
      out += pct(0xc0 | (c >> 6)) + pct(0x80 | (c & 0x3f));
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      const cp = 0x10000 + ((c - 0xd800) << 10) + (s.charCodeAt(i + 1) - 0xdc00);
      i++;
      out += pct(0xf0 | (cp >> 18)) + pct(0x80 | ((cp >> 12) & 0x3f)) + pct(0x80 | ((cp >> 6) & 0x3f)) +
        pct(0x80 | (cp & 0x3f));
    } else if (c >= 0xd800 && c <= 0xdfff) {
      out += "%u" + HEX[(c >> 12) & 15] + HEX[(c >> 8) & 15] + HEX[(c >> 4) & 15] + HEX[c & 15];
    } else {
      out += pct(0xe0 | (c >> 12)) + pct(0x80 | ((c >> 6) & 0x3f)) + pct(0x80 | (c & 0x3f));
    }
  }
  if (segmentMemo.size >= SEGMENT_MEMO_LIMIT) segmentMemo.clear();
  segmentMemo.set(s, out);
  return out;
}

function pct(byte: number): string {
  return "%" + HEX[byte >> 4] + HEX[byte & 15];
}

/** What to invalidate: any combination; empty = every decision. `resource` is `tool:<name>` or `server:<name>`. */
export interface InvalidationScope {
  user?: string;
  action?: string;
  resource?: string;
}

/** The three keys of one decision, primary first. */
export type DecisionKeys = readonly [primary: string, byAction: string, byResource: string];

/** Builds keys and invalidation prefixes for one namespace. */
export class DecisionKeyLayout {
  readonly namespace: string;
  readonly #u: string;
  readonly #a: string;
  readonly #r: string;

  constructor(namespace: string) {
    if (typeof namespace !== "string" || namespace === "") {
      throw new DecisionCacheConfigError("namespace must be a non-empty string", { namespace });
    }
    this.namespace = namespace;
    const ns = escapeSegment(namespace);
    this.#u = `${ns}:u:`;
    this.#a = `${ns}:a:`;
    this.#r = `${ns}:r:`;
  }

  /** Keys from already escaped segments and the context hash. */
  keys(user: string, action: string, resource: string, hash: string): DecisionKeys {
    return [
      `${this.#u}${user}:${action}:${resource}:${hash}`,
      `${this.#a}${action}:${resource}:${user}:${hash}`,
      `${this.#r}${resource}:${user}:${action}:${hash}`,
    ];
  }

  /**
   * The prefixes whose deletion invalidates exactly `scope`: one prefix for a non-empty scope (a
   * single copy per decision is enough), all three rotations for the empty scope.
   */
  prefixes(scope: InvalidationScope): string[] {
    const u = scope.user === undefined ? undefined : escapeSegment(scope.user);
    const a = scope.action === undefined ? undefined : escapeSegment(scope.action);
    const r = scope.resource === undefined ? undefined : escapeSegment(scope.resource);
    if (u !== undefined) {
      if (a !== undefined) return [`${this.#u}${u}:${a}:${r === undefined ? "" : `${r}:`}`];
      if (r !== undefined) return [`${this.#r}${r}:${u}:`];
      return [`${this.#u}${u}:`];
    }
    if (a !== undefined) return [`${this.#a}${a}:${r === undefined ? "" : `${r}:`}`];
    if (r !== undefined) return [`${this.#r}${r}:`];
    return [this.#u, this.#a, this.#r];
  }
}
