/**
 * The JSON value model the conformance runner compares with.
 *
 * Numbers are kept as their decimal text (`Num`), never as a JavaScript number, because
 * `JSON.parse` loses every digit beyond 2^53 (and OPA's expected values such as
 * 18446744073709551614 or -9223372036854775808 need all of them). Objects are `Map`s, so a
 * key such as `__proto__` is an ordinary key.
 */

export type Value = null | boolean | string | Num | readonly Value[] | ValueMap;
export type ValueMap = ReadonlyMap<string, Value>;

/** A JSON number, as decimal text. `approx` marks numbers that came from a JavaScript number that may have lost digits. */
export class Num {
  readonly text: string;
  readonly approx: boolean;

  constructor(text: string, approx = false) {
    if (!NUMBER_RE.test(text)) throw new ValueError(`not a number: ${text}`);
    this.text = text;
    this.approx = approx;
  }
}

/** A value that the model cannot hold (NaN, a function, a cycle...) or JSON text that does not parse. */
export class ValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ValueError";
  }
}

const NUMBER_RE = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;

export function isNum(v: Value): v is Num {
  return v instanceof Num;
}

export function isArray(v: Value): v is readonly Value[] {
  return Array.isArray(v);
}

export function isMap(v: Value): v is ValueMap {
  return v instanceof Map;
}

// ---------------------------------------------------------------------------------------
// Numbers: exact decimal arithmetic on the text.

/** A decimal number as sign, significant digits (no leading or trailing zeros) and exponent: value = digits * 10^exp. */
interface Decimal {
  readonly negative: boolean;
  readonly digits: string; // "" for zero
  readonly exp: number;
}

function decimal(text: string): Decimal {
  const m = /^(-?)([0-9]+)(?:\.([0-9]+))?(?:[eE]([+-]?[0-9]+))?$/.exec(text);
  if (!m) throw new ValueError(`not a number: ${text}`);
  const int = m[2] ?? "";
  const frac = m[3] ?? "";
  let digits = int + frac;
  let exp = Number(m[4] ?? "0") - frac.length;
  const lead = digits.search(/[^0]/);
  if (lead < 0) return { negative: false, digits: "", exp: 0 };
  digits = digits.slice(lead);
  const trail = /0+$/.exec(digits);
  if (trail) {
    exp += trail[0].length;
    digits = digits.slice(0, digits.length - trail[0].length);
  }
  return { negative: m[1] === "-", digits, exp };
}

/** Compares two number texts exactly (so "1" equals "1.0" and "1e3" equals "1000"): -1, 0 or 1. */
export function compareNumberText(a: string, b: string): -1 | 0 | 1 {
  const x = decimal(a);
  const y = decimal(b);
  const sx = x.digits === "" ? 0 : x.negative ? -1 : 1;
  const sy = y.digits === "" ? 0 : y.negative ? -1 : 1;
  if (sx !== sy) return sx < sy ? -1 : 1;
  if (sx === 0) return 0;
  const mag = compareMagnitude(x, y);
  return (sx < 0 ? -mag : mag) as -1 | 0 | 1;
}

function compareMagnitude(x: Decimal, y: Decimal): -1 | 0 | 1 {
  // Position of the most significant digit decides first, then the digits themselves.
  const px = x.digits.length + x.exp;
  const py = y.digits.length + y.exp;
  if (px !== py) return px < py ? -1 : 1;
  const n = Math.max(x.digits.length, y.digits.length);
  const dx = x.digits.padEnd(n, "0");
  const dy = y.digits.padEnd(n, "0");
  return dx === dy ? 0 : dx < dy ? -1 : 1;
}

/** The canonical text of a number's value: equal numbers (1, 1.0, 1e0) give equal keys. */
export function numberKey(text: string): string {
  const d = decimal(text);
  if (d.digits === "") return "0";
  return `${d.negative ? "-" : ""}${d.digits}e${d.exp}`;
}

/** True when the number is an integer whose magnitude is beyond 2^53 (a JavaScript number cannot hold it exactly). */
export function isUnsafeInteger(text: string): boolean {
  const d = decimal(text);
  if (d.digits === "" || d.exp < 0) return false;
  return d.digits.length + d.exp > 15 && !Number.isSafeInteger(Number(text));
}

// ---------------------------------------------------------------------------------------
// Conversions.

/**
 * Converts a JavaScript value (as an engine returns it) to the model. Numbers that are
 * integers beyond 2^53 are marked `approx`: they came through a float64 and may have lost
 * digits. `bigint`s are exact. A `Set` becomes an array in OPA's order (what a JSON round
 * trip of a Rego set gives); a `Map` becomes an object.
 */
export function fromJs(v: unknown, seen: Set<object> = new Set()): Value {
  if (v === null) return null;
  switch (typeof v) {
    case "boolean":
    case "string":
      return v;
    case "bigint":
      return new Num(v.toString());
    case "number": {
      if (!Number.isFinite(v)) throw new ValueError(`not a JSON number: ${v}`);
      const text = Object.is(v, -0) ? "0" : String(v);
      return new Num(text, Number.isInteger(v) && !Number.isSafeInteger(v));
    }
    case "object":
      break;
    default:
      throw new ValueError(`not a JSON value: ${typeof v}`);
  }
  const obj = v as object;
  if (seen.has(obj)) throw new ValueError("cyclic value");
  seen.add(obj);
  try {
    if (Array.isArray(obj)) return obj.map((x: unknown) => fromJs(x, seen));
    if (obj instanceof Set) return [...obj].map((x: unknown) => fromJs(x, seen)).sort(compareValues);
    if (obj instanceof Map) {
      const m = new Map<string, Value>();
      for (const [k, x] of obj as Map<unknown, unknown>) m.set(String(k), fromJs(x, seen));
      return m;
    }
    const proto = Object.getPrototypeOf(obj) as object | null;
    if (proto !== Object.prototype && proto !== null) {
      throw new ValueError(`not a JSON value: ${(obj as { constructor?: { name?: string } }).constructor?.name ?? "object"}`);
    }
    const m = new Map<string, Value>();
    for (const [k, x] of Object.entries(obj)) m.set(k, fromJs(x, seen));
    return m;
  } finally {
    seen.delete(obj);
  }
}

/**
 * Converts a model value to plain JavaScript (what an engine's `setData`/`evaluate` take).
 * Numbers become JavaScript numbers, so integers beyond 2^53 lose digits, unless `raw` is set
 * and the runtime has `JSON.rawJSON`: then they become raw JSON that `JSON.stringify` writes
 * digit for digit. Callers that can pass JSON text instead should use `toJson`.
 */
export function toJs(v: Value, raw = false): unknown {
  if (v === null || typeof v === "boolean" || typeof v === "string") return v;
  if (v instanceof Num) {
    const rawJSON = (JSON as { rawJSON?: (text: string) => unknown }).rawJSON;
    if (raw && typeof rawJSON === "function" && isUnsafeInteger(v.text)) return rawJSON(v.text);
    return Number(v.text);
  }
  if (isArray(v)) return v.map((x) => toJs(x, raw));
  return Object.fromEntries([...v].map(([k, x]) => [k, toJs(x, raw)]));
}

/** Compact JSON text; numbers exactly as held. */
export function toJson(v: Value): string {
  if (v === null || typeof v === "boolean") return String(v);
  if (typeof v === "string") return JSON.stringify(v);
  if (v instanceof Num) return v.text;
  if (isArray(v)) return `[${v.map(toJson).join(",")}]`;
  return `{${[...v].map(([k, x]) => `${JSON.stringify(k)}:${toJson(x)}`).join(",")}}`;
}

/** Parses JSON text into the model, keeping every number's digits. Throws `ValueError` on bad JSON. */
export function parseJson(text: string): Value {
  const p = new JsonParser(text);
  p.ws();
  const v = p.value();
  p.ws();
  if (p.pos !== text.length) p.fail("unexpected text after the value");
  return v;
}

class JsonParser {
  pos = 0;
  constructor(readonly text: string) {}

  fail(message: string): never {
    throw new ValueError(`invalid JSON at offset ${this.pos}: ${message}`);
  }

  ws(): void {
    while (this.pos < this.text.length) {
      const c = this.text.charCodeAt(this.pos);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      this.pos++;
    }
  }

  value(): Value {
    const c = this.text[this.pos];
    if (c === "{") return this.object();
    if (c === "[") return this.array();
    if (c === '"') return this.string();
    for (const [word, v] of [["true", true], ["false", false], ["null", null]] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return v;
      }
    }
    const m = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
    m.lastIndex = this.pos;
    const hit = m.exec(this.text);
    if (!hit || hit[0] === "" || hit[0] === "-") this.fail("expected a value");
    this.pos += hit[0].length;
    return new Num(hit[0]);
  }

  string(): string {
    const re = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
    re.lastIndex = this.pos;
    const hit = re.exec(this.text);
    if (!hit) this.fail("bad string");
    this.pos += hit[0].length;
    return JSON.parse(hit[0]) as string;
  }

  array(): Value[] {
    this.pos++;
    const out: Value[] = [];
    this.ws();
    if (this.text[this.pos] === "]") {
      this.pos++;
      return out;
    }
    for (;;) {
      this.ws();
      out.push(this.value());
      this.ws();
      const c = this.text[this.pos++];
      if (c === "]") return out;
      if (c !== ",") this.fail("expected , or ]");
    }
  }

  object(): ValueMap {
    this.pos++;
    const out = new Map<string, Value>();
    this.ws();
    if (this.text[this.pos] === "}") {
      this.pos++;
      return out;
    }
    for (;;) {
      this.ws();
      if (this.text[this.pos] !== '"') this.fail("expected a key");
      const k = this.string();
      this.ws();
      if (this.text[this.pos++] !== ":") this.fail("expected :");
      this.ws();
      out.set(k, this.value());
      this.ws();
      const c = this.text[this.pos++];
      if (c === "}") return out;
      if (c !== ",") this.fail("expected , or }");
    }
  }
}

// ---------------------------------------------------------------------------------------
// Order and equality.

function typeRank(v: Value): number {
  if (v === null) return 0;
  if (typeof v === "boolean") return 1;
  if (v instanceof Num) return 2;
  if (typeof v === "string") return 3;
  if (isArray(v)) return 4;
  return 5;
}

/** Compares strings by Unicode code point, which is Go's byte-wise UTF-8 order (JavaScript's `<` compares UTF-16 units). */
export function compareStrings(a: string, b: string): -1 | 0 | 1 {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Only surrogates (>= 0xD800 < 0xE000) sort differently in UTF-16 and code point order.
    if (x >= 0xd800 && y >= 0xd800) {
      const cx = a.codePointAt(i) ?? x;
      const cy = b.codePointAt(i) ?? y;
      return cx < cy ? -1 : 1;
    }
    return x < y ? -1 : 1;
  }
  return a.length < b.length ? -1 : 1;
}

/**
 * OPA's order on JSON values (`util.Compare`, which `sort_bindings` sorts with):
 * null < booleans < numbers < strings < arrays < objects; arrays element by element then by
 * length; objects by their sorted keys, key then value, then by size. Numbers compare exactly.
 */
export function compareValues(a: Value, b: Value): -1 | 0 | 1 {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  if (a === null || b === null) return 0;
  if (typeof a === "boolean") return a === b ? 0 : a ? 1 : -1;
  if (a instanceof Num) return compareNumberText(a.text, (b as Num).text);
  if (typeof a === "string") return compareStrings(a, b as string);
  if (isArray(a)) {
    const y = b as readonly Value[];
    const n = Math.min(a.length, y.length);
    for (let i = 0; i < n; i++) {
      const c = compareValues(a[i] as Value, y[i] as Value);
      if (c !== 0) return c;
    }
    return a.length === y.length ? 0 : a.length < y.length ? -1 : 1;
  }
  const x = a as ValueMap;
  const y = b as ValueMap;
  const kx = [...x.keys()].sort(compareStrings);
  const ky = [...y.keys()].sort(compareStrings);
  const n = Math.min(kx.length, ky.length);
  for (let i = 0; i < n; i++) {
    const c = compareStrings(kx[i] as string, ky[i] as string);
    if (c !== 0) return c;
    const cv = compareValues(x.get(kx[i] as string) as Value, y.get(ky[i] as string) as Value);
    if (cv !== 0) return cv;
  }
  return kx.length === ky.length ? 0 : kx.length < ky.length ? -1 : 1;
}

/**
 * A string that is equal for equal values (object key order ignored, numbers by value).
 * With `lossyIntegers`, integers beyond 2^53 are keyed by their nearest float64, so an
 * exact expected value matches what came through a JavaScript number.
 */
export function canonicalKey(v: Value, lossyIntegers = false): string {
  if (v === null || typeof v === "boolean") return String(v);
  if (typeof v === "string") return JSON.stringify(v);
  if (v instanceof Num) {
    if (lossyIntegers && isUnsafeInteger(v.text)) return `#f${numberKey(String(Number(v.text)))}`;
    return `#${numberKey(v.text)}`;
  }
  if (isArray(v)) return `[${v.map((x) => canonicalKey(x, lossyIntegers)).join(",")}]`;
  const keys = [...v.keys()].sort(compareStrings);
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalKey(v.get(k) as Value, lossyIntegers)}`).join(",")}}`;
}

/** True when some number in `v` came from a JavaScript number beyond 2^53. */
export function hasApproxNumbers(v: Value): boolean {
  if (v instanceof Num) return v.approx;
  if (isArray(v)) return v.some(hasApproxNumbers);
  if (isMap(v)) {
    for (const x of v.values()) if (hasApproxNumbers(x)) return true;
  }
  return false;
}

/** True when some number in `v` is an integer beyond 2^53. */
export function hasUnsafeIntegers(v: Value): boolean {
  if (v instanceof Num) return isUnsafeInteger(v.text);
  if (isArray(v)) return v.some(hasUnsafeIntegers);
  if (isMap(v)) {
    for (const x of v.values()) if (hasUnsafeIntegers(x)) return true;
  }
  return false;
}
