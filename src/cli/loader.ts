/**
 * Loads `-d` paths as `opa eval -d` does: a .rego file is a module whose id is its path
 * (as given, or joined below the directory given); any other file given by name, and every
 * .json file found in a directory, is base data. Data found in a directory is mounted at the
 * path of its folder below that directory (`a/b/data.json` at `data.a.b`); data given by name
 * is mounted at the root. Documents are merged; two that set the same key, unless both are
 * objects, are a "merge error". Directories are walked in lexical order, as Go's filepath.Walk.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join, relative, sep } from "node:path";
import type { OutputError } from "./errors.ts";
import { compareCodePoints, isObject, type JsonObject, JsonSyntaxError, type JsonValue, parseJson } from "./json.ts";

export interface Loaded {
  /** Module id (path) to source. */
  modules: Record<string, string>;
  /** Every file (or path given) in load order, once per time it is loaded, to report errors in OPA's order. */
  order: string[];
  /** The merged base document. */
  data: JsonObject;
  /** Files that could not be read, parsed or merged; with these OPA stops before compiling. */
  errors: LoadError[];
}

export interface LoadError {
  /** The index in `order` of the file the error is about. */
  at: number;
  error: OutputError;
}

export function loadPaths(paths: readonly string[]): Loaded {
  const loaded: Loaded = { modules: {}, order: [], data: new Map(), errors: [] };
  for (const path of paths) {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(path).isDirectory();
    } catch (err) {
      loaded.order.push(path);
      fail(loaded, `stat ${path}: ${systemMessage(err)}`);
      continue;
    }
    if (isDirectory) walk(path, path, loaded);
    else loadFile(path, [], loaded);
  }
  return loaded;
}

/** Go's text for a system error ("no such file or directory"), from Node's error code. */
export function systemMessage(err: unknown): string {
  const code = (err as { code?: string }).code;
  const known: Record<string, string> = {
    ENOENT: "no such file or directory",
    EACCES: "permission denied",
    EISDIR: "is a directory",
    ENOTDIR: "not a directory",
    ELOOP: "too many levels of symbolic links",
  };
  return (code ? known[code] : undefined) ?? (err instanceof Error ? err.message : String(err));
}

function walk(root: string, dir: string, loaded: Loaded): void {
  let names: string[];
  try {
    names = readdirSync(dir).sort(compareCodePoints);
  } catch (err) {
    loaded.order.push(dir);
    fail(loaded, `open ${dir}: ${systemMessage(err)}`);
    return;
  }
  for (const name of names) {
    const path = join(dir, name);
    let isDirectory = false;
    try {
      isDirectory = statSync(path).isDirectory();
    } catch {
      // a dangling link: treated as a file, whose read fails below when it is one we load
    }
    if (isDirectory) {
      walk(root, path, loaded);
      continue;
    }
    const ext = extname(name);
    if (ext !== ".rego" && ext !== ".json" && ext !== ".yaml" && ext !== ".yml") continue;
    const folder = relative(root, dir);
    loadFile(path, folder === "" ? [] : folder.split(sep), loaded);
  }
}

function loadFile(path: string, mount: string[], loaded: Loaded): void {
  loaded.order.push(path);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    fail(loaded, `open ${path}: ${systemMessage(err)}`);
    return;
  }
  const ext = extname(path);
  if (ext === ".rego") {
    loaded.modules[path] = text;
    return;
  }
  if (ext === ".yaml" || ext === ".yml") {
    fail(loaded, `${path}: YAML data files are not supported by sark (use JSON)`);
    return;
  }
  let doc: JsonValue;
  try {
    doc = parseJson(text);
  } catch (err) {
    if (!(err instanceof JsonSyntaxError)) throw err;
    fail(loaded, `${path}: ${err.message}`);
    return;
  }
  for (let i = mount.length - 1; i >= 0; i--) doc = new Map([[mount[i]!, doc]]);
  if (!isObject(doc)) {
    fail(loaded, `${path}: document must be of type object`);
    return;
  }
  if (conflicts(loaded.data, doc)) {
    fail(loaded, `${path}: merge error`);
    return;
  }
  merge(loaded.data, doc);
}

/** An error about the file loaded last. */
function fail(loaded: Loaded, message: string): void {
  loaded.errors.push({ at: loaded.order.length - 1, error: { message } });
}

/** True when merging `b` into `a` would overwrite something: a shared key whose values are not both objects. */
function conflicts(a: JsonObject, b: JsonObject): boolean {
  for (const [key, value] of b) {
    const existing = a.get(key);
    if (existing === undefined) continue;
    if (!isObject(existing) || !isObject(value) || conflicts(existing, value)) return true;
  }
  return false;
}

function merge(a: JsonObject, b: JsonObject): void {
  for (const [key, value] of b) {
    const existing = a.get(key);
    if (existing !== undefined && isObject(existing) && isObject(value)) merge(existing, value);
    else a.set(key, value);
  }
}
