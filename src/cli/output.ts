/**
 * Prints results and errors as `opa eval` does for each `--format`: json (the whole result
 * set, or `{}` when undefined), pretty (one value as indented JSON, else a table), values,
 * bindings and raw.
 */
import { formatErrors, type OutputError } from "./errors.ts";
import { compactJson, compareCodePoints, indentJson, isObject, JsonNumber, type JsonObject, type JsonValue, parseJson, sortKeys } from "./json.ts";
import { renderTable } from "./table.ts";

export const FORMATS = ["json", "pretty", "values", "bindings", "raw"] as const;
export type Format = (typeof FORMATS)[number];

export interface Expression {
  value: JsonValue;
  text: string;
  location: { row: JsonValue; col: JsonValue };
}

export interface Row {
  expressions: Expression[];
  bindings: JsonObject;
}

/** Reads the native engine's raw result rows, numbers exact; object keys in Go's order. */
export function parseRows(raw: string): Row[] {
  const rows = parseJson(raw);
  if (!Array.isArray(rows)) throw new Error(`unexpected result from the native engine: ${raw.slice(0, 200)}`);
  return rows.map((row) => {
    const fields = asObject(row);
    const expressions = fields.get("expressions");
    const bindings = fields.get("bindings");
    return {
      expressions: (Array.isArray(expressions) ? expressions : []).map((e) => {
        const expr = asObject(e);
        const location = asObject(expr.get("location") ?? null);
        const text = expr.get("text");
        return {
          value: sortKeys(expr.get("value") ?? null),
          text: typeof text === "string" ? text : "",
          location: { row: location.get("row") ?? new JsonNumber("0"), col: location.get("col") ?? new JsonNumber("0") },
        };
      }),
      bindings: bindings !== undefined && isObject(bindings) ? (sortKeys(bindings) as JsonObject) : new Map(),
    };
  });
}

function asObject(value: JsonValue): JsonObject {
  return value !== null && isObject(value) ? value : new Map();
}

/** What goes to stdout for a successful evaluation. */
export function formatResult(rows: readonly Row[], format: Format): string {
  switch (format) {
    case "json":
      return indentJson(resultDocument(rows)) + "\n";
    case "pretty":
      return pretty(rows);
    case "values":
      return rows.map((row) => indentJson(row.expressions.map((e) => e.value)) + "\n").join("");
    case "bindings":
      return rows.map((row) => indentJson(row.bindings) + "\n").join("");
    case "raw":
      return rows.map((row) => row.expressions.map((e) => (typeof e.value === "string" ? e.value : compactJson(e.value))).join(" ") + "\n").join("");
  }
}

/** OPA's output document: `{"result": [...]}`, `{}` when undefined; a row's bindings only when it has some. */
function resultDocument(rows: readonly Row[]): JsonObject {
  if (rows.length === 0) return new Map();
  const result = rows.map((row): JsonValue => {
    const out: JsonObject = new Map<string, JsonValue>([
      [
        "expressions",
        row.expressions.map(
          (e): JsonValue =>
            new Map<string, JsonValue>([
              ["value", e.value],
              ["text", e.text],
              ["location", new Map<string, JsonValue>([["row", e.location.row], ["col", e.location.col]])],
            ]),
        ),
      ],
    ]);
    if (row.bindings.size > 0) out.set("bindings", row.bindings);
    return out;
  });
  return new Map([["result", result]]);
}

/**
 * OPA's pretty format: "undefined"; a single row without bindings whose one expression (or
 * whose expressions, all booleans) is printed as indented JSON; otherwise a table whose
 * columns are the variables (sorted), then the expressions that are not booleans (all of
 * them when there are no variables), each cell compact JSON.
 */
function pretty(rows: readonly Row[]): string {
  const first = rows[0];
  if (first === undefined) return "undefined\n";
  if (rows.length === 1 && first.bindings.size === 0) {
    const exprs = first.expressions;
    if (exprs.length === 1 || exprs.every((e) => typeof e.value === "boolean")) {
      return indentJson(exprs[0]?.value ?? null) + "\n";
    }
  }
  const vars = [...first.bindings.keys()].sort(compareCodePoints);
  const exprIndexes = first.expressions
    .map((e, i) => ({ e, i }))
    .filter(({ e }) => typeof e.value !== "boolean" || first.bindings.size === 0)
    .map(({ i }) => i);
  const header = [...vars, ...exprIndexes.map((i) => first.expressions[i]!.text)];
  const body = rows.map((row) => [
    ...vars.map((v) => compactJson(row.bindings.get(v) ?? null)),
    ...exprIndexes.map((i) => compactJson(row.expressions[i]?.value ?? null)),
  ]);
  return renderTable(header, body) + "\n";
}

/** Errors: with --format json on stdout as `{"errors": [...]}`, otherwise on stderr as text. */
export function formatFailure(errors: readonly OutputError[], format: Format): { stdout: string; stderr: string } {
  if (format !== "json") return { stdout: "", stderr: formatErrors(errors) + "\n" };
  const list = errors.map((error): JsonValue => {
    const entry: JsonObject = new Map<string, JsonValue>([["message", error.message]]);
    if (error.code !== undefined) entry.set("code", error.code);
    if (error.location !== undefined) {
      const { file, row, col } = error.location;
      entry.set("location", new Map<string, JsonValue>([["file", file], ["row", new JsonNumber(String(row))], ["col", new JsonNumber(String(col))]]));
    }
    if (error.details !== undefined) {
      entry.set("details", new Map<string, JsonValue>([["line", error.details.line], ["idx", new JsonNumber(String(error.details.idx))]]));
    }
    return entry;
  });
  return { stdout: indentJson(new Map([["errors", list]])) + "\n", stderr: "" };
}
