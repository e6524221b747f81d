/**
 * Query plans for OPA's REST API.
 *
 * `POST /v1/query` answers with each solution's variable bindings only, while the native engine
 * (like `opa eval`) also reports each expression's text, location and value. A plan recovers
 * them the way OPA's own `rego` package does: every expression whose value OPA would capture
 * (a term, or a call whose result is not an output argument) is rewritten to bind its value to a
 * fresh variable, `__sarkN__ = (expr)`, and, when the query has several expressions or iterates,
 * that variable is checked as a last expression (as OPA does, so `false` values filter rows).
 * Error locations from OPA are mapped back through the insertions, so they point into the
 * caller's query text.
 *
 * A plain data reference (`data.a.b`) is sent to `POST /v1/data/a/b` instead: it needs no
 * rewriting and honours `strict-builtin-errors`.
 *
 * This is a lexer-level reading of the query, not a parser: when it cannot make sense of the
 * text (an unterminated string, unbalanced brackets) the plan sends the query unchanged, so
 * that OPA reports the parse error itself.
 */

/** One top-level expression of the query, in the caller's text. */
export interface PlannedExpression {
  /** The expression's source text (as OPA's `text`). */
  text: string;
  /** 1-based row and column (in code points, as OPA counts). */
  row: number;
  col: number;
  /** The variable holding its value, or null when its value is `true` (assignments, `not`, `some`, output calls). */
  capture: string | null;
  /** Whether the capture is a prefix call, whose arity (known only to OPA) may not allow one. */
  prefixCall: boolean;
  /** Code-unit offsets of the expression's start and of its core's end (before any `with`). */
  start: number;
  coreEnd: number;
}

export interface QueryPlan {
  query: string;
  /** `POST /v1/data/<dataPath>` when the query is a plain data reference ("" is the root). */
  dataPath: string | null;
  /** What is sent to `POST /v1/query`. */
  rewritten: string;
  expressions: PlannedExpression[];
  /** Insertions made in `rewritten`, for mapping error locations back. */
  insertions: Insertion[];
}

/** `length` code points inserted at (row, col) of the rewritten text, standing for `col` of the original. */
interface Insertion {
  row: number;
  col: number;
  length: number;
}

type TokenKind = "ident" | "number" | "string" | "op" | "open" | "close" | "sep" | "newline" | "comma";

interface Token {
  kind: TokenKind;
  text: string;
  start: number;
  end: number;
}

/** Marks the capture variables in bindings, which the caller never sees. */
export const captureVariable = /^__sark\d+__$/;

/** Builds the plan; `uncaptured` lists expression indexes whose capture OPA rejected (output-argument calls). */
export function planQuery(query: string, uncaptured: ReadonlySet<number> = new Set()): QueryPlan {
  const tokens = tokenize(query);
  const fallback: QueryPlan = { query, dataPath: null, rewritten: query, expressions: [], insertions: [] };
  if (tokens === null) return fallback;
  const groups = splitExpressions(tokens);
  if (groups === null || groups.length === 0) return fallback;

  const positions = new Positions(query);
  const expressions: PlannedExpression[] = [];
  for (const [index, group] of groups.entries()) {
    const first = group[0]!;
    const withAt = group.findIndex((t) => t.kind === "ident" && t.text === "with");
    const core = withAt === -1 ? group : group.slice(0, withAt);
    if (core.length === 0) return fallback;
    const last = group[group.length - 1]!;
    const { row, col } = positions.at(first.start);
    const kind = classify(core);
    const captured = kind !== "none" && !uncaptured.has(index);
    expressions.push({
      text: query.slice(first.start, last.end),
      row,
      col,
      capture: captured ? `__sark${index}__` : null,
      prefixCall: kind === "prefix",
      start: first.start,
      coreEnd: core[core.length - 1]!.end,
    });
  }

  const dataPath = groups.length === 1 ? plainDataPath(groups[0]!) : null;

  // Rewrite from the end so earlier offsets stay valid.
  let rewritten = query;
  const insertions: Insertion[] = [];
  for (const expr of [...expressions].reverse()) {
    if (expr.capture === null) continue;
    const prefix = `${expr.capture} = (`;
    rewritten = rewritten.slice(0, expr.start) + prefix + rewritten.slice(expr.start, expr.coreEnd) + ")" +
      rewritten.slice(expr.coreEnd);
    const end = positions.at(expr.coreEnd);
    insertions.push({ row: end.row, col: end.col, length: 1 });
    insertions.push({ row: expr.row, col: expr.col, length: prefix.length });
  }
  const captured = expressions.filter((e) => e.capture !== null);
  if (captured.length > 0 && (expressions.length > 1 || iterates(tokens))) {
    rewritten += captured.map((e) => `\n${e.capture}`).join("");
  }
  return { query, dataPath, rewritten, expressions, insertions };
}

/** Maps a (row, col) of the rewritten query back to the caller's text. */
export function mapLocation(plan: QueryPlan, row: number, col: number): { row: number; col: number } {
  let shift = 0;
  // Insertions on one row, in rewritten coordinates: sort by original column.
  const onRow = plan.insertions.filter((i) => i.row === row).sort((a, b) => a.col - b.col);
  for (const ins of onRow) {
    const at = ins.col + shift; // where the insertion starts in the rewritten row
    if (col < at) break;
    if (col < at + ins.length) return { row, col: ins.col };
    shift += ins.length;
  }
  return { row, col: col - shift };
}

/** "none": value true; "term": a term or infix call (always captured); "prefix": `f(args)`. */
function classify(core: Token[]): "none" | "term" | "prefix" {
  const head = core[0]!;
  if (head.kind === "ident" && (head.text === "not" || head.text === "some" || head.text === "every")) return "none";
  let depth = 0;
  let infix = false;
  let previous: Token | null = null;
  for (const t of core) {
    if (t.kind === "open") depth++;
    else if (t.kind === "close") depth--;
    else if (depth === 0) {
      if (t.kind === "op" && (t.text === "=" || t.text === ":=")) return "none";
      // A top-level comma is `k, v in xs`: leave it uncaptured rather than guess its grouping.
      if (t.kind === "comma") return "none";
      if (t.kind === "op" && infixOperators.has(t.text) && !(t.text === "-" && !endsOperand(previous))) infix = true;
      if (t.kind === "ident" && t.text === "in") infix = true;
    }
    previous = t;
  }
  if (infix) return "term";
  // `name(...)` or `a.b.c(...)`: a prefix call when the call's parentheses close the expression.
  const last = core[core.length - 1]!;
  if (last.kind === "close" && last.text === ")" && head.kind === "ident") {
    const open = matchingOpen(core, core.length - 1);
    if (open > 0 && isRefChain(core.slice(0, open))) return "prefix";
  }
  return "term";
}

function matchingOpen(tokens: Token[], closeIndex: number): number {
  let depth = 0;
  for (let i = closeIndex; i >= 0; i--) {
    const t = tokens[i]!;
    if (t.kind === "close") depth++;
    else if (t.kind === "open" && --depth === 0) return i;
  }
  return -1;
}

/** `a`, `a.b`, `a.b["c"]`: a function's name. */
function isRefChain(tokens: Token[]): boolean {
  let depth = 0;
  for (const t of tokens) {
    if (t.kind === "open") depth++;
    else if (t.kind === "close") depth--;
    else if (depth === 0 && !(t.kind === "ident" || (t.kind === "op" && t.text === "."))) return false;
  }
  return depth === 0;
}

function endsOperand(t: Token | null): boolean {
  return t !== null && (t.kind === "ident" || t.kind === "number" || t.kind === "string" || t.kind === "close");
}

/**
 * OPA filters `false` captured values when the query iterates: some reference is indexed by
 * something other than a constant (a variable, `_`, another reference), or it uses `some ... in`
 * or `walk`. Comprehensions are opaque, as in OPA.
 */
function iterates(tokens: Token[]): boolean {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === "open" && isComprehension(tokens, i)) {
      i = matchingClose(tokens, i);
      continue;
    }
    if (t.kind === "ident" && (t.text === "some" || t.text === "walk")) return true;
    if (t.kind === "open" && t.text === "[" && i > 0 && tokens[i - 1]!.end === t.start && endsOperand(tokens[i - 1]!)) {
      const close = matchingClose(tokens, i);
      const inner = tokens.slice(i + 1, close);
      const constant = inner.length === 1 &&
        (inner[0]!.kind === "string" || inner[0]!.kind === "number" ||
          (inner[0]!.kind === "ident" && ["true", "false", "null"].includes(inner[0]!.text)));
      if (!constant) return true;
    }
  }
  return false;
}

function isComprehension(tokens: Token[], open: number): boolean {
  const close = matchingClose(tokens, open);
  let depth = 0;
  for (let i = open + 1; i < close; i++) {
    const t = tokens[i]!;
    if (t.kind === "open") depth++;
    else if (t.kind === "close") depth--;
    else if (depth === 0 && t.kind === "op" && t.text === "|") return true;
  }
  return false;
}

function matchingClose(tokens: Token[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === "open") depth++;
    else if (t.kind === "close" && --depth === 0) return i;
  }
  return tokens.length;
}

/** `data`, `data.a.b`, `data["a"].b` with plain keys: the slash path for /v1/data, else null. */
function plainDataPath(group: Token[]): string | null {
  if (group[0]?.kind !== "ident" || group[0].text !== "data") return null;
  const segments: string[] = [];
  let i = 1;
  while (i < group.length) {
    const t = group[i]!;
    const next = group[i + 1];
    if (t.kind === "op" && t.text === "." && next?.kind === "ident" && next.start === t.end) {
      segments.push(next.text);
      i += 2;
    } else if (
      t.kind === "open" && t.text === "[" && next?.kind === "string" && next.text.startsWith('"') &&
      group[i + 2]?.kind === "close"
    ) {
      const key = JSON.parse(next.text) as string;
      // Keys OPA's router would read differently stay on the general path.
      if (key === "" || /[\/%?#]/.test(key)) return null;
      segments.push(key);
      i += 3;
    } else {
      return null;
    }
  }
  return segments.map(encodeURIComponent).join("/");
}

/** Splits tokens into top-level expressions at `;` and newlines (a newline after an operator continues). */
function splitExpressions(tokens: Token[]): Token[][] | null {
  const groups: Token[][] = [];
  let current: Token[] = [];
  let depth = 0;
  for (const t of tokens) {
    if (t.kind === "open") depth++;
    if (t.kind === "close" && --depth < 0) return null;
    if (depth === 0 && (t.kind === "sep" || t.kind === "newline")) {
      const last = current[current.length - 1];
      if (t.kind === "newline" && last !== undefined && (last.kind === "op" || last.kind === "comma")) continue;
      if (current.length > 0) groups.push(current);
      current = [];
      continue;
    }
    if (t.kind === "newline") continue;
    current.push(t);
  }
  if (depth !== 0) return null;
  if (current.length > 0) groups.push(current);
  return groups;
}

const infixOperators = new Set(["==", "!=", "<=", ">=", "<", ">", "+", "-", "*", "/", "%", "&", "|"]);

const operators = [":=", "==", "!=", "<=", ">=", "<", ">", "=", "+", "-", "*", "/", "%", "&", "|", ".", ":"];

/** Rego's lexical structure, enough to find expression boundaries; null on text it cannot read. */
function tokenize(text: string): Token[] | null {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === " " || c === "\t" || c === "\r") {
      i++;
    } else if (c === "\n") {
      tokens.push({ kind: "newline", text: c, start: i, end: i + 1 });
      i++;
    } else if (c === "#") {
      while (i < text.length && text[i] !== "\n") i++;
    } else if (c === '"' || c === "`" || (c === "$" && (text[i + 1] === '"' || text[i + 1] === "`"))) {
      const end = skipString(text, i);
      if (end < 0) return null;
      tokens.push({ kind: "string", text: text.slice(i, end), start: i, end });
      i = end;
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i))!;
      tokens.push({ kind: "number", text: m[0], start: i, end: i + m[0].length });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))!;
      tokens.push({ kind: "ident", text: m[0], start: i, end: i + m[0].length });
      i += m[0].length;
    } else if (c === "(" || c === "[" || c === "{") {
      tokens.push({ kind: "open", text: c, start: i, end: i + 1 });
      i++;
    } else if (c === ")" || c === "]" || c === "}") {
      tokens.push({ kind: "close", text: c, start: i, end: i + 1 });
      i++;
    } else if (c === ";") {
      tokens.push({ kind: "sep", text: c, start: i, end: i + 1 });
      i++;
    } else if (c === ",") {
      tokens.push({ kind: "comma", text: c, start: i, end: i + 1 });
      i++;
    } else {
      const op = operators.find((o) => text.startsWith(o, i));
      if (op === undefined) return null;
      tokens.push({ kind: "op", text: op, start: i, end: i + op.length });
      i += op.length;
    }
  }
  return tokens;
}

/** The end offset of the string starting at `start` ("...", `...`, $"...{expr}...", $`...`), or -1. */
function skipString(text: string, start: number): number {
  const template = text[start] === "$";
  let i = template ? start + 1 : start;
  const quote = text[i]!;
  i++;
  while (i < text.length) {
    const c = text[i]!;
    if (c === quote) return i + 1;
    if (c === "\\" && quote === '"') {
      i += 2;
      continue;
    }
    if (c === "\n" && quote === '"') return -1;
    if (template && c === "{") {
      // An embedded expression: skip it, strings inside included, up to its closing brace.
      let depth = 1;
      i++;
      while (i < text.length && depth > 0) {
        const d = text[i]!;
        if (d === '"' || d === "`") {
          const end = skipString(text, i);
          if (end < 0) return -1;
          i = end;
          continue;
        }
        if (d === "{") depth++;
        else if (d === "}") depth--;
        i++;
      }
      if (depth > 0) return -1;
      continue;
    }
    i++;
  }
  return -1;
}

/** Row and column (1-based, in code points) of code-unit offsets. */
class Positions {
  readonly #lineStarts: number[] = [0];
  readonly #text: string;

  constructor(text: string) {
    this.#text = text;
    for (let i = 0; i < text.length; i++) if (text[i] === "\n") this.#lineStarts.push(i + 1);
  }

  at(offset: number): { row: number; col: number } {
    let row = 0;
    while (row + 1 < this.#lineStarts.length && this.#lineStarts[row + 1]! <= offset) row++;
    const lineStart = this.#lineStarts[row]!;
    let col = 1;
    for (let i = lineStart; i < offset; i++) {
      const code = this.#text.charCodeAt(i);
      if (code < 0xdc00 || code > 0xdfff) col++; // a low surrogate continues the previous code point
    }
    return { row: row + 1, col };
  }
}
