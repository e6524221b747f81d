/**
 * JSON for the CLI, the way OPA's Go code reads and writes it: numbers are kept as written
 * (never rounded through a double), strings are escaped as Go's encoding/json does (`<`, `>`,
 * `&`, U+2028 and U+2029 as `\u` escapes), objects keep their key order, and syntax errors
 * carry Go's messages ("invalid character '}' looking for beginning of value").
 */
import { SarkError } from "../errors.ts";

/** A JSON number, exactly as written. */
export class JsonNumber {
  readonly text: string;

  constructor(text: string) {
    this.text = text;
  }
}

export type JsonObject = Map<string, JsonValue>;
export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | JsonObject;

/** A JSON document that does not parse; the message is Go's (encoding/json as OPA uses it). */
export class JsonSyntaxError extends SarkError {
  constructor(message: string) {
    super("invalid_json", message);
  }
}

export function isObject(value: JsonValue): value is JsonObject {
  return value instanceof Map;
}

/**
 * Parses one JSON document as OPA's loader does (Go's json.Decoder, then a check for
 * trailing content): an empty document is the error "EOF", a truncated one "unexpected EOF".
 * With `emptyIsNull` an empty document is null instead (OPA's input file).
 */
export function parseJson(text: string, emptyIsNull = false): JsonValue {
  const parser = new Parser(text);
  parser.skipSpace();
  if (parser.atEnd()) {
    if (emptyIsNull) return null;
    throw new JsonSyntaxError("EOF");
  }
  const value = parser.value("looking for beginning of value");
  parser.trailing();
  return value;
}

/** Compact JSON, as Go's json.Marshal writes it. */
export function compactJson(value: JsonValue): string {
  const out: string[] = [];
  write(value, out, null, "");
  return out.join("");
}

/** JSON indented with two spaces, as OPA's CLI writes it (Go's json.Encoder with SetIndent("", "  ")), with no final newline. */
export function indentJson(value: JsonValue): string {
  const out: string[] = [];
  write(value, out, "  ", "");
  return out.join("");
}

/** The same value with every object's keys in the order Go's json.Marshal gives a map: by UTF-8 bytes. */
export function sortKeys(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isObject(value)) return value;
  const keys = [...value.keys()].sort(compareCodePoints);
  return new Map(keys.map((key) => [key, sortKeys(value.get(key) ?? null)]));
}

/** Orders strings by code point, which is the order of their UTF-8 bytes (JavaScript's `<` compares UTF-16 units). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

/** Converts to a plain JavaScript value for `JSON.stringify`; `rawNumber` keeps numbers exact where the runtime can. */
export function toPlain(value: JsonValue, rawNumber: (text: string) => unknown): unknown {
  if (value instanceof JsonNumber) return rawNumber(value.text);
  if (Array.isArray(value)) return value.map((item) => toPlain(item, rawNumber));
  if (isObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of value) {
      // defineProperty, so that a "__proto__" key stays data.
      Object.defineProperty(out, key, { value: toPlain(item, rawNumber), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}

/** Go's encoding/json string escaping, with HTML escaping on (the default). */
export function quoteString(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let escape: string | undefined;
    if (c < 0x80) {
      if (c >= 0x20 && c !== 0x22 && c !== 0x5c && c !== 0x3c && c !== 0x3e && c !== 0x26) continue;
      escape = SIMPLE_ESCAPES[c] ?? `\\u00${hex2(c)}`;
    } else if (c === 0x2028 || c === 0x2029) {
      escape = `\\u${c.toString(16)}`;
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && isLowSurrogate(s.charCodeAt(i + 1))) {
      i++;
      continue;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      escape = "\\ufffd"; // a lone surrogate: Go writes invalid UTF-8 as U+FFFD
    } else {
      continue;
    }
    out += s.slice(start, i) + escape;
    start = i + 1;
  }
  return out + s.slice(start) + '"';
}

const SIMPLE_ESCAPES: Record<number, string> = {
  0x22: '\\"',
  0x5c: "\\\\",
  0x08: "\\b",
  0x0c: "\\f",
  0x0a: "\\n",
  0x0d: "\\r",
  0x09: "\\t",
};

function hex2(c: number): string {
  return c.toString(16).padStart(2, "0");
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

function write(value: JsonValue, out: string[], indent: string | null, prefix: string): void {
  if (value === null) out.push("null");
  else if (value === true) out.push("true");
  else if (value === false) out.push("false");
  else if (typeof value === "string") out.push(quoteString(value));
  else if (value instanceof JsonNumber) out.push(value.text);
  else if (Array.isArray(value)) {
    if (value.length === 0) return void out.push("[]");
    const inner = indent === null ? "" : prefix + indent;
    out.push("[");
    value.forEach((item, i) => {
      if (i > 0) out.push(",");
      if (indent !== null) out.push("\n", inner);
      write(item, out, indent, inner);
    });
    if (indent !== null) out.push("\n", prefix);
    out.push("]");
  } else {
    if (value.size === 0) return void out.push("{}");
    const inner = indent === null ? "" : prefix + indent;
    out.push("{");
    let first = true;
    for (const [key, item] of value) {
      if (!first) out.push(",");
      first = false;
      if (indent !== null) out.push("\n", inner);
      out.push(quoteString(key), indent === null ? ":" : ": ");
      write(item, out, indent, inner);
    }
    if (indent !== null) out.push("\n", prefix);
    out.push("}");
  }
}

/** A recursive-descent parser whose errors are the ones Go's scanner reports at the same byte. */
class Parser {
  readonly #text: string;
  #pos = 0;

  constructor(text: string) {
    this.#text = text;
  }

  atEnd(): boolean {
    return this.#pos >= this.#text.length;
  }

  skipSpace(): void {
    const t = this.#text;
    while (this.#pos < t.length) {
      const c = t.charCodeAt(this.#pos);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
      this.#pos++;
    }
  }

  /** A value; `context` completes the message when the first character cannot start one. */
  value(context: string): JsonValue {
    this.skipSpace();
    const c = this.#peek();
    switch (c) {
      case "{":
        return this.#object();
      case "[":
        return this.#array();
      case '"':
        return this.#string();
      case "t":
        return this.#literal("true", true);
      case "f":
        return this.#literal("false", false);
      case "n":
        return this.#literal("null", null);
      default:
        if (c === "-" || (c >= "0" && c <= "9")) return this.#number();
        throw this.#invalid(context);
    }
  }

  /**
   * What OPA's util.UnmarshalJSON does after the first value: it asks the decoder for one
   * more token. A value there is "error: invalid character '<token>' after top-level value"
   * (null is let through, as in Go); anything else is the decoder's own error.
   */
  trailing(): void {
    this.skipSpace();
    if (this.atEnd()) return;
    const c = this.#text[this.#pos]!;
    if (c === "{" || c === "[") throw new JsonSyntaxError(`error: invalid character '${c}' after top-level value`);
    if (c === "}" || c === "]" || c === ":" || c === ",") throw this.#invalid("looking for beginning of value");
    const token = this.value("looking for beginning of value");
    if (token === null) return;
    const shown = typeof token === "boolean" ? `%!s(bool=${token})` : token instanceof JsonNumber ? token.text : String(token);
    throw new JsonSyntaxError(`error: invalid character '${shown}' after top-level value`);
  }

  #object(): JsonObject {
    this.#pos++; // {
    const object: JsonObject = new Map();
    this.skipSpace();
    if (this.#peek() === "}") {
      this.#pos++;
      return object;
    }
    for (;;) {
      this.skipSpace();
      if (this.#peek() !== '"') {
        throw this.#invalid("looking for beginning of object key string");
      }
      const key = this.#string();
      this.skipSpace();
      if (this.#peek() !== ":") throw this.#invalid("after object key");
      this.#pos++;
      object.set(key, this.value("looking for beginning of value"));
      this.skipSpace();
      const next = this.#peek();
      this.#pos++;
      if (next === "}") return object;
      if (next !== ",") {
        this.#pos--;
        throw this.#invalid("after object key:value pair");
      }
    }
  }

  #array(): JsonValue[] {
    this.#pos++; // [
    const array: JsonValue[] = [];
    this.skipSpace();
    if (this.#peek() === "]") {
      this.#pos++;
      return array;
    }
    for (;;) {
      array.push(this.value("looking for beginning of value"));
      this.skipSpace();
      const next = this.#peek();
      this.#pos++;
      if (next === "]") return array;
      if (next !== ",") {
        this.#pos--;
        throw this.#invalid("after array element");
      }
    }
  }

  #string(): string {
    const t = this.#text;
    this.#pos++; // "
    let out = "";
    let start = this.#pos;
    for (;;) {
      if (this.#pos >= t.length) throw new JsonSyntaxError("unexpected EOF");
      const c = t.charCodeAt(this.#pos);
      if (c === 0x22) {
        out += t.slice(start, this.#pos);
        this.#pos++;
        return out;
      }
      if (c < 0x20) throw this.#invalid("in string literal");
      if (c !== 0x5c) {
        this.#pos++;
        continue;
      }
      out += t.slice(start, this.#pos);
      this.#pos++;
      if (this.#pos >= t.length) throw new JsonSyntaxError("unexpected EOF");
      const e = t[this.#pos]!;
      const simple = UNESCAPES[e];
      if (simple !== undefined) {
        out += simple;
        this.#pos++;
      } else if (e === "u") {
        this.#pos++;
        const unit = this.#hex4();
        if (unit >= 0xd800 && unit <= 0xdbff && t.startsWith("\\u", this.#pos)) {
          const save = this.#pos;
          this.#pos += 2;
          const low = this.#hex4();
          if (isLowSurrogate(low)) out += String.fromCharCode(unit, low);
          else {
            out += "\ufffd";
            this.#pos = save; // the second escape stands on its own
          }
        } else if (unit >= 0xd800 && unit <= 0xdfff) out += "\ufffd";
        else out += String.fromCharCode(unit);
      } else {
        throw this.#invalid("in string escape code");
      }
      start = this.#pos;
    }
  }

  #hex4(): number {
    let unit = 0;
    for (let i = 0; i < 4; i++) {
      if (this.#pos >= this.#text.length) throw new JsonSyntaxError("unexpected EOF");
      const d = parseInt(this.#text[this.#pos]!, 16);
      if (Number.isNaN(d)) throw this.#invalid("in \\u hexadecimal character escape");
      unit = unit * 16 + d;
      this.#pos++;
    }
    return unit;
  }

  #number(): JsonNumber {
    const t = this.#text;
    const start = this.#pos;
    const digits = (): void => {
      while (this.#pos < t.length && t[this.#pos]! >= "0" && t[this.#pos]! <= "9") this.#pos++;
    };
    const needDigit = (context: string): void => {
      if (this.#pos >= t.length) throw new JsonSyntaxError("unexpected EOF");
      const d = t[this.#pos]!;
      if (d < "0" || d > "9") throw this.#invalid(context);
    };
    if (t[this.#pos] === "-") {
      this.#pos++;
      needDigit("in numeric literal");
    }
    if (t[this.#pos] === "0") this.#pos++;
    else digits();
    if (t[this.#pos] === ".") {
      this.#pos++;
      needDigit("after decimal point in numeric literal");
      digits();
    }
    if (t[this.#pos] === "e" || t[this.#pos] === "E") {
      this.#pos++;
      if (t[this.#pos] === "+" || t[this.#pos] === "-") this.#pos++;
      needDigit("in exponent of numeric literal");
      digits();
    }
    return new JsonNumber(t.slice(start, this.#pos));
  }

  #literal<T>(word: string, value: T): T {
    for (let i = 1; i < word.length; i++) {
      this.#pos++;
      if (this.#pos >= this.#text.length) throw new JsonSyntaxError("unexpected EOF");
      if (this.#text[this.#pos] !== word[i]) throw this.#invalid(`in literal ${word} (expecting '${word[i]}')`);
    }
    this.#pos++;
    return value;
  }

  /** The character at the cursor; at the end of the text, the truncated-document error. */
  #peek(): string {
    if (this.#pos >= this.#text.length) throw new JsonSyntaxError("unexpected EOF");
    return this.#text[this.#pos]!;
  }

  #invalid(context: string): JsonSyntaxError {
    return new JsonSyntaxError(`invalid character ${quoteByte(firstUtf8Byte(this.#text, this.#pos))} ${context}`);
  }
}

const UNESCAPES: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

/** Go's scanner reports a byte: for a multi-byte character, its first UTF-8 byte. */
function firstUtf8Byte(text: string, pos: number): number {
  const cp = text.codePointAt(pos) ?? 0;
  if (cp < 0x80) return cp;
  if (cp < 0x800) return 0xc0 | (cp >> 6);
  if (cp < 0x10000) return 0xe0 | (cp >> 12);
  return 0xf0 | (cp >> 18);
}

/** Go's encoding/json quoteChar: the byte as a rune in single quotes, escaped as strconv.Quote does. */
function quoteByte(c: number): string {
  if (c === 0x27) return "'\\''";
  if (c === 0x22) return "'\"'";
  const named: Record<number, string> = { 7: "\\a", 8: "\\b", 12: "\\f", 10: "\\n", 13: "\\r", 9: "\\t", 11: "\\v", 0x5c: "\\\\" };
  const name = named[c];
  if (name !== undefined) return `'${name}'`;
  if (c < 0x20 || c === 0x7f) return `'\\x${hex2(c)}'`;
  if (c >= 0x80 && (c <= 0xa0 || c === 0xad)) return `'\\u00${hex2(c)}'`;
  return `'${String.fromCharCode(c)}'`;
}
