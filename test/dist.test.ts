import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../src/native/load.ts";
import { onlyOnce } from "./helpers/once.ts";

// What `file` must say of each shipped library: the object format and the CPU.
const expected: Record<string, { lib: string; format: RegExp }> = {
  "linux-x64-gnu": { lib: "libsark_native.so", format: /ELF 64-bit LSB shared object, x86-64/ },
  "linux-arm64-gnu": { lib: "libsark_native.so", format: /ELF 64-bit LSB shared object, ARM aarch64/ },
  "linux-x64-musl": { lib: "libsark_native.so", format: /ELF 64-bit LSB shared object, x86-64/ },
  "linux-arm64-musl": { lib: "libsark_native.so", format: /ELF 64-bit LSB shared object, ARM aarch64/ },
  "darwin-x64": { lib: "libsark_native.dylib", format: /Mach-O 64-bit (x86_64 )?dynamically linked shared library( x86_64)?/ },
  "darwin-arm64": { lib: "libsark_native.dylib", format: /Mach-O 64-bit (arm64 )?dynamically linked shared library( arm64)?/ },
  "win32-x64": { lib: "sark_native.dll", format: /PE32\+ executable \(DLL\).*x86-64/ },
};

for (const [target, { lib, format }] of Object.entries(expected)) {
  test(`dist: ${target} ships a C library and a Node-API addon of the right format`, onlyOnce, () => {
    for (const name of [lib, "sark_native.node"]) {
      const path = join(packageRoot(), "dist-libs", target, name);
      assert.ok(existsSync(path), `${path} is missing: run scripts/build --dist`);
      const description = execFileSync("file", ["-b", path], { encoding: "utf8" });
      assert.match(description, format, `${target}/${name}: ${description}`);
    }
  });
}
