/**
 * Reading JSON text without converting it: values are kept as slices of the text, so numbers
 * beyond 2^53 (and `1.0`, `1e3`) pass through exactly as OPA wrote them.
 * The text must be valid JSON (it comes from OPA); malformed text throws `SyntaxError`.
 */

/** The entries of the object starting at `start` (after whitespace), each value as raw text. */
export function rawObjectEntries(text: string, start = 0): [key: string, raw: string][] {
  let i = skipSpace(text, start);
  expect(text, i, "{");
  i = skipSpace(text, i + 1);
  const entries: [string, string][] = [];
  if (text[i] === "}") return entries;
  for (;;) {
    const keyEnd = skipValue(text, i);
    const key = JSON.parse(text.slice(i, keyEnd)) as string;
    i = skipSpace(text, keyEnd);
    expect(text, i, ":");
    const valueStart = skipSpace(text, i + 1);
    const valueEnd = skipValue(text, valueStart);
    entries.push([key, text.slice(valueStart, valueEnd)]);
    i = skipSpace(text, valueEnd);
    if (text[i] === "}") return entries;
    expect(text, i, ",");
    i = skipSpace(text, i + 1);
  }
}

/** The items of the array `raw` (a JSON array's text), each as raw text. */
export function rawArrayItems(raw: string): string[] {
  let i = skipSpace(raw, 0);
  expect(raw, i, "[");
  i = skipSpace(raw, i + 1);
  const items: string[] = [];
  if (raw[i] === "]") return items;
  for (;;) {
    const end = skipValue(raw, i);
    items.push(raw.slice(i, end));
    i = skipSpace(raw, end);
    if (raw[i] === "]") return items;
    expect(raw, i, ",");
    i = skipSpace(raw, i + 1);
  }
}

/** The offset just after the JSON value starting at `i`. */
export function skipValue(text: string, i: number): number {
  const c = text[i];
  if (c === '"') {
    for (let j = i + 1; j < text.length; j++) {
      if (text[j] === "\\") j++;
      else if (text[j] === '"') return j + 1;
    }
    throw new SyntaxError("unterminated string in JSON");
  }
  if (c === "{" || c === "[") {
    let depth = 0;
    for (let j = i; j < text.length; j++) {
      const d = text[j];
      if (d === '"') {
        j = skipValue(text, j) - 1;
      } else if (d === "{" || d === "[") {
        depth++;
      } else if (d === "}" || d === "]") {
        if (--depth === 0) return j + 1;
      }
    }
    throw new SyntaxError("unterminated JSON value");
  }
  let j = i;
  while (j < text.length && /[-+.0-9a-zA-Z]/.test(text[j]!)) j++;
  if (j === i) throw new SyntaxError(`unexpected ${JSON.stringify(text[i] ?? "end")} in JSON at ${i}`);
  return j;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && (text[i] === " " || text[i] === "\n" || text[i] === "\r" || text[i] === "\t")) i++;
  return i;
}

function expect(text: string, i: number, c: string): void {
  if (text[i] !== c) throw new SyntaxError(`expected ${JSON.stringify(c)} in JSON at ${i}`);
}
