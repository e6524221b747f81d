/**
 * Loads OPA's YAML conformance cases (`v1/test/cases/testdata/v1` of OPA's source) the way
 * OPA's own loader does: `util.Unmarshal`, i.e. sigs.k8s.io/yaml's YAMLToJSON on go-yaml v2
 * (YAML 1.1: `yes`/`no`/`on`/`off`/`y`/`n` are booleans, `0755` is octal), then JSON with
 * exact numbers.
 *
 * Numbers follow go-yaml v2 too: an integer that fits int64 or uint64 is kept exactly, a larger
 * one (and every float) goes through a float64 first, exactly as OPA's expected values do.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { parseAllDocuments } from "yaml";
import { Num, type Value, type ValueMap } from "./value.ts";

/** One case (an item of a file's `cases:` list). Field names follow OPA's `cases.TestCase`. */
export interface ConformanceCase {
  /** `<dir>/<file>#<note>`; a note repeated within one file gets `#2`, `#3`... appended. */
  readonly key: string;
  /** The suite directory, e.g. `aggregates`. */
  readonly dir: string;
  /** The file relative to the suite, e.g. `aggregates/test-aggregates-0001.yaml`. */
  readonly file: string;
  readonly note: string;
  readonly query: string;
  readonly modules: readonly string[];
  readonly data: ValueMap | undefined;
  readonly input: Value | undefined;
  /** The input as a Rego term (can hold sets); overrides `input`. */
  readonly inputTerm: string | undefined;
  /** Rows of bindings; `[]` means undefined. */
  readonly wantResult: readonly ValueMap[] | undefined;
  readonly wantErrorCode: string | undefined;
  readonly wantError: string | undefined;
  /** In OPA's struct but unused by its runner (a case with only this fails there too). */
  readonly wantDefined: boolean | undefined;
  readonly sortBindings: boolean;
  readonly ignoreGeneratedVars: boolean;
  readonly strictError: boolean;
  readonly experimentalKeywords: boolean;
  readonly env: Readonly<Record<string, string>>;
}

/** A case file that OPA's loader would reject too. */
export class CaseFormatError extends Error {
  readonly file: string;
  constructor(file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = "CaseFormatError";
    this.file = file;
  }
}

const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

/** go-yaml v2 has no timestamps (decoded into interface{} they stay strings) and no sexagesimal `1:30` numbers. */
function goYamlLacks(tag: { tag: string; format?: string }): boolean {
  return tag.tag === "tag:yaml.org,2002:timestamp" || tag.format === "TIME";
}

/** Parses one YAML case file. `file` is its path relative to the suite (`dir/name.yaml`). */
export function parseCaseFile(text: string, file: string): ConformanceCase[] {
  const bom = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const docs = parseAllDocuments(bom, {
    version: "1.1",
    intAsBigInt: true,
    uniqueKeys: false,
    customTags: (tags) => tags.filter((t) => typeof t === "string" || !goYamlLacks(t)),
  });
  if (!Array.isArray(docs)) return [];
  const doc = docs[0];
  if (!doc) return [];
  if (doc.errors.length > 0) throw new CaseFormatError(file, doc.errors.map((e) => e.message).join("; "));
  // go-yaml reads the first document only.
  const root = fromYaml(doc.toJS({ mapAsMap: true, maxAliasCount: -1 }), file);
  if (root === null) return [];
  if (!(root instanceof Map)) throw new CaseFormatError(file, "not a mapping");
  const list = root.get("cases");
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new CaseFormatError(file, "cases is not a list");
  const dir = file.split("/")[0] ?? file;
  const seen = new Map<string, number>();
  return list.map((item: Value, i: number) => {
    if (!(item instanceof Map)) throw new CaseFormatError(file, `case ${i} is not a mapping`);
    const c = caseFrom(item, file, dir);
    const base = `${file}#${c.note}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return { ...c, key: n === 1 ? base : `${base}#${n}` };
  });
}

function caseFrom(m: ValueMap, file: string, dir: string): Omit<ConformanceCase, "key"> {
  const where = (field: string) => `${field} of case ${JSON.stringify(m.get("note") ?? "?")}`;
  const str = (field: string): string | undefined => {
    const v = m.get(field);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "string") throw new CaseFormatError(file, `${where(field)} is not a string`);
    return v;
  };
  const bool = (field: string): boolean | undefined => {
    const v = m.get(field);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "boolean") throw new CaseFormatError(file, `${where(field)} is not a boolean`);
    return v;
  };
  const modulesRaw = m.get("modules");
  let modules: string[] = [];
  if (modulesRaw !== undefined && modulesRaw !== null) {
    if (!Array.isArray(modulesRaw) || !modulesRaw.every((x) => typeof x === "string")) {
      throw new CaseFormatError(file, `${where("modules")} is not a list of strings`);
    }
    modules = modulesRaw as string[];
  }
  const data = m.get("data");
  if (data !== undefined && data !== null && !(data instanceof Map)) throw new CaseFormatError(file, `${where("data")} is not a mapping`);
  const want = m.get("want_result");
  let wantResult: ValueMap[] | undefined;
  if (want !== undefined && want !== null) {
    if (!Array.isArray(want) || !want.every((r) => r instanceof Map)) {
      throw new CaseFormatError(file, `${where("want_result")} is not a list of mappings`);
    }
    wantResult = want as ValueMap[];
  }
  const envRaw = m.get("env");
  const env: Record<string, string> = {};
  if (envRaw instanceof Map) {
    for (const [k, v] of envRaw) {
      if (typeof v !== "string") throw new CaseFormatError(file, `${where("env")} values must be strings`);
      env[k] = v;
    }
  }
  const input = m.get("input");
  return {
    dir,
    file,
    note: str("note") ?? "",
    query: str("query") ?? "",
    modules,
    data: data instanceof Map ? data : undefined,
    // A null input is a nil pointer in OPA's struct: no input at all.
    input: input === null ? undefined : input,
    inputTerm: str("input_term"),
    wantResult,
    wantErrorCode: str("want_error_code"),
    wantError: str("want_error"),
    wantDefined: bool("want_defined"),
    sortBindings: bool("sort_bindings") ?? false,
    ignoreGeneratedVars: bool("ignore_generated_vars") ?? false,
    strictError: bool("strict_error") ?? false,
    experimentalKeywords: bool("experimental_keywords") ?? false,
    env,
  };
}

/** Converts what the YAML library produced into the value model with go-yaml v2 + YAMLToJSON's rules. */
function fromYaml(x: unknown, file: string): Value {
  if (x === null || x === undefined) return null;
  switch (typeof x) {
    case "boolean":
    case "string":
      return x;
    case "bigint":
      // go-yaml: int64, else uint64, else float64.
      if (x >= INT64_MIN && x <= UINT64_MAX) return new Num(x.toString());
      return new Num(String(Number(x)));
    case "number":
      if (!Number.isFinite(x)) throw new CaseFormatError(file, `${x} cannot be represented in JSON`);
      return new Num(Object.is(x, -0) ? "0" : String(x));
    default:
      break;
  }
  if (Array.isArray(x)) return x.map((e: unknown) => fromYaml(e, file));
  if (x instanceof Map) {
    const out = new Map<string, Value>();
    for (const [k, v] of x as Map<unknown, unknown>) out.set(yamlKey(k, file), fromYaml(v, file));
    return out;
  }
  throw new CaseFormatError(file, `unsupported YAML value: ${Object.prototype.toString.call(x)}`);
}

/** YAMLToJSON's key conversion. Float keys use Go's float32 formatting there; none occur in the suite. */
function yamlKey(k: unknown, file: string): string {
  switch (typeof k) {
    case "string":
      return k;
    case "bigint":
    case "number":
    case "boolean":
      return String(k);
    default:
      throw new CaseFormatError(file, `unsupported map key: ${String(k)}`);
  }
}

/** The suite's directories (sorted). */
export function listDirs(suite: string): string[] {
  return readdirSync(suite, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/** All cases of one directory, files in lexical order (as OPA's `filepath.Walk`), cases in file order. */
export function loadDir(suite: string, dir: string): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  for (const path of walk(join(suite, dir))) {
    const file = relative(suite, path).split(sep).join("/");
    out.push(...parseCaseFile(readFileSync(path, "utf8"), file));
  }
  return out;
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...walk(path));
    else out.push(path);
  }
  return out;
}

const TEST_ONLY_BUILTIN = /\btest\.sleep\s*\(/;

/**
 * Why a case can only run inside OPA's Go test binary (undefined when it can run anywhere):
 * `test.sleep` is a builtin that `v1/topdown/topdown_test.go` registers for itself.
 */
export function harnessOnly(c: Pick<ConformanceCase, "modules" | "query">): string | undefined {
  if (TEST_ONLY_BUILTIN.test(c.query) || c.modules.some((m) => TEST_ONLY_BUILTIN.test(m))) {
    return "uses test.sleep, a builtin that only OPA's Go test binary registers";
  }
  return undefined;
}
