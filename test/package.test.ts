import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { packageRoot } from "../src/native/load.ts";
import { onlyOnce } from "./helpers/once.ts";

// `npm pack`, install the tarball into an empty project, and load it natively in Bun,
// Deno and Node with a PATH that holds only the three runtimes: no Zig, no C compiler.
test("package: the npm tarball loads natively in bun, deno and node without zig or cc", onlyOnce, () => {
  const root = packageRoot();
  const work = mkdtempSync(join(tmpdir(), "sark-pack-"));
  try {
    const packed = execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], {
      cwd: root,
      encoding: "utf8",
    });
    const [pack] = JSON.parse(packed) as Array<{ filename: string; files: Array<{ path: string }> }>;
    assert.ok(pack, "npm pack reported no tarball");
    const { filename, files } = pack;
    const paths = files.map((f) => f.path);
    for (const must of ["dist/mod.js", "dist/mod.d.ts", "src/mod.ts", "dist-libs/linux-x64-gnu/libsark_native.so", "dist-libs/win32-x64/sark_native.dll", "dist-libs/darwin-arm64/sark_native.node"]) {
      assert.ok(paths.includes(must), `tarball lacks ${must}`);
    }
    assert.ok(!paths.some((p) => p.startsWith("zig/") || p.startsWith("test/") || p.startsWith("zig-out/")), "tarball carries build sources");

    const app = join(work, "app");
    mkdirSync(app);
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--offline", join(work, filename)], { cwd: app, stdio: "pipe" });
    writeFileSync(
      join(app, "check.mjs"),
      `import { nativeInfo, normalizeJson } from "sark-native";
const info = nativeInfo();
console.log(JSON.stringify({ info, out: info.available ? normalizeJson('{"b":1.0,"a":12345678901234567890123}') : null }));`,
    );

    // A PATH with only the runtimes in it.
    const bin = join(work, "bin");
    mkdirSync(bin);
    const modulesBin = join(root, "node_modules", ".bin");
    symlinkSync(process.execPath, join(bin, "node"));
    for (const name of ["bun", "deno"]) symlinkSync(join(modulesBin, name), join(bin, name));
    const env = { PATH: bin, HOME: process.env.HOME ?? work, NO_COLOR: "1" };
    for (const tool of ["zig", "cc", "gcc", "clang"]) assert.ok(!readdirSync(bin).includes(tool));

    const runs: Record<string, string[]> = {
      node: ["node", "check.mjs"],
      bun: ["bun", "check.mjs"],
      deno: ["deno", "run", "--allow-ffi", "--allow-read", "--allow-env", "check.mjs"],
    };
    for (const [runtime, [cmd, ...args]] of Object.entries(runs)) {
      const stdout = execFileSync(join(bin, cmd!), args, { cwd: app, env, encoding: "utf8" });
      const { info, out } = JSON.parse(stdout.trim().split("\n").at(-1)!) as {
        info: { available: boolean; runtime: string; path: string; error?: string };
        out: string;
      };
      assert.equal(info.error, undefined, `${runtime}: ${info.error}`);
      assert.equal(info.available, true, runtime);
      assert.equal(info.runtime, runtime);
      assert.ok(info.path.startsWith(join(app, "node_modules", "sark-native", "dist-libs")), `${runtime} loaded ${info.path}`);
      assert.equal(out, '{"a":12345678901234567890123,"b":1.0}', runtime);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
