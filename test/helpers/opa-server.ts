/**
 * A real OPA server for tests: `opa run --server` on a free loopback port, started and stopped
 * by the test. The binary is $OPA_BIN or ~/.cache/sark-native/opa-v1.19.0/opa (scripts/setup
 * installs it); a missing binary fails the tests loudly, unless SARK_SKIP_OPA=1 skips them.
 * Same code under Bun, Deno and Node (node:child_process, node:net, fetch).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { envVar } from "../../src/native/runtime.ts";
import { freePort } from "./free-port.ts";

/** For `test(name, opaSkip, fn)`: a reason to skip when SARK_SKIP_OPA=1, else false. */
export const opaSkip: { skip: string | false } = {
  skip: envVar("SARK_SKIP_OPA") === "1" ? "SARK_SKIP_OPA=1" : false,
};

export function opaBinary(): string {
  const path = envVar("OPA_BIN") ?? join(homedir(), ".cache", "sark-native", "opa-v1.19.0", "opa");
  if (!existsSync(path)) {
    throw new Error(`OPA binary not found at ${path}: run scripts/setup, set OPA_BIN, or SARK_SKIP_OPA=1 to skip OPA tests`);
  }
  return path;
}


export class OpaServer {
  readonly port: number;
  readonly url: string;
  #child: ChildProcess | null = null;
  #output = "";

  private constructor(port: number) {
    this.port = port;
    this.url = `http://127.0.0.1:${port}`;
  }

  /** Starts OPA and waits until /health answers. */
  static async start(port?: number): Promise<OpaServer> {
    const server = new OpaServer(port ?? await freePort());
    await server.#launch();
    return server;
  }

  async #launch(): Promise<void> {
    const child = spawn(opaBinary(), ["run", "--server", "--addr", `127.0.0.1:${this.port}`, "--log-level", "error"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.#child = child;
    child.stdout?.on("data", (chunk: Uint8Array) => (this.#output += String(chunk)));
    child.stderr?.on("data", (chunk: Uint8Array) => (this.#output += String(chunk)));
    for (let i = 0; i < 300; i++) {
      if (child.exitCode !== null) throw new Error(`opa exited with ${child.exitCode}: ${this.#output}`);
      try {
        const res = await fetch(`${this.url}/health`);
        await res.body?.cancel();
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`opa did not become healthy on ${this.url}: ${this.#output}`);
  }

  /** Removes every policy and all data, so each test starts from an empty OPA. */
  async reset(): Promise<void> {
    const listed = await fetch(`${this.url}/v1/policies`);
    const { result } = await listed.json() as { result: { id: string }[] };
    for (const { id } of result) {
      const res = await fetch(`${this.url}/v1/policies/${id.split("/").map(encodeURIComponent).join("/")}`, { method: "DELETE" });
      await res.body?.cancel();
    }
    const res = await fetch(`${this.url}/v1/data`, { method: "PUT", body: "{}" });
    await res.body?.cancel();
  }

  /** Kills OPA (SIGKILL: no graceful drain) and waits until it has exited. */
  async kill(): Promise<void> {
    const child = this.#child;
    this.#child = null;
    if (child === null || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGKILL");
    await exited;
  }

  /** Starts OPA again on the same port (empty: no policies, no data). */
  async restart(): Promise<void> {
    await this.kill();
    await this.#launch();
  }

  async stop(): Promise<void> {
    await this.kill();
  }
}
