/**
 * Starts a private `redis-server` (Debian's) on a free loopback port for one test file, in Bun, Deno
 * and Node alike, and stops it afterwards. Nothing is written to disk (`--save ""`, no AOF).
 *
 *   const redis = await startRedisServer();   // after(() => redis.stop())
 *   redis.url                                  // redis://127.0.0.1:<port>
 *   await redis.stop(); await redis.start();   // the fault tests: gone, then back on the same port
 *
 * A missing `redis-server` fails loudly; set SARK_SKIP_REDIS=1 to skip the Redis tests instead
 * (`redisSkip` is the `skip` option for them). REDIS_SERVER_BIN names another binary.
 */
import { type ChildProcess, spawn } from "node:child_process";
import net from "node:net";
import process from "node:process";
import { freePort } from "./free-port.ts";

export const redisSkip: string | false = process.env.SARK_SKIP_REDIS === "1"
  ? "SARK_SKIP_REDIS=1: Redis tests skipped"
  : false;

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** True while the server process runs. */
  readonly running: boolean;
  /** Starts the server again on the same port (after `stop`). */
  start(): Promise<void>;
  /** Kills the server and waits for it to exit. */
  stop(): Promise<void>;
  /** Suspends the process (SIGSTOP): connections stay open but nothing answers. */
  freeze(): void;
  /** Resumes a frozen server (SIGCONT); nothing when it is not frozen. */
  thaw(): void;
}

const START_TIMEOUT_MS = 15_000;

export async function startRedisServer(binary = process.env.REDIS_SERVER_BIN ?? "redis-server"): Promise<RedisServer> {
  let lastError: unknown;
  // A free port can be taken between finding it and the server binding it: try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const server = new LocalRedis(binary, port);
    try {
      await server.start();
      return server;
    } catch (err) {
      lastError = err;
      await server.stop();
      if (err instanceof RedisMissingError) throw err;
    }
  }
  throw lastError;
}

class RedisMissingError extends Error {}

class LocalRedis implements RedisServer {
  readonly port: number;
  readonly url: string;
  readonly #binary: string;
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  #output = "";
  /** Kills the server if the test process exits without stopping it, so no server outlives its tests. */
  #killOnExit: (() => void) | undefined;
  #frozen = false;

  constructor(binary: string, port: number) {
    this.#binary = binary;
    this.port = port;
    this.url = `redis://127.0.0.1:${port}`;
  }

  get running(): boolean {
    return this.#child !== undefined;
  }

  async start(): Promise<void> {
    if (this.#child) throw new Error(`redis-server already running on port ${this.port}`);
    this.#output = "";
    const args = ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];
    const child = spawn(this.#binary, args, { stdio: ["ignore", "pipe", "pipe"] });
    this.#child = child;
    let spawnError: Error | undefined;
    let exitCode: number | null | undefined;
    this.#exited = new Promise<void>((resolve) => {
      child.once("error", (err) => {
        spawnError = err;
        resolve();
      });
      child.once("exit", (code) => {
        exitCode = code;
        resolve();
      });
    });
    const keep = (chunk: Buffer) => {
      this.#output = (this.#output + chunk.toString()).slice(-4000);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    const killOnExit = () => {
      try {
        if (child.pid !== undefined) process.kill(child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    };
    this.#killOnExit = killOnExit;
    process.once("exit", killOnExit);

    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (spawnError || exitCode !== undefined) {
        this.#child = undefined;
        process.removeListener("exit", killOnExit);
        this.#killOnExit = undefined;
        const code = (spawnError as NodeJS.ErrnoException | undefined)?.code;
        if (code === "ENOENT") {
          throw new RedisMissingError(
            `${this.#binary} not found on PATH: install Debian's redis-server (scripts/setup), or set SARK_SKIP_REDIS=1`,
          );
        }
        throw new Error(`redis-server exited (${spawnError?.message ?? `code ${exitCode}`}): ${this.#output}`);
      }
      if (await ping(this.port)) return;
      await sleep(25);
    }
    await this.stop();
    throw new Error(`redis-server on port ${this.port} did not answer PING within ${START_TIMEOUT_MS} ms: ${this.#output}`);
  }

  // Signals go through process.kill: Deno's ChildProcess.kill sends nothing once it has sent any signal.
  freeze(): void {
    this.#signal("SIGSTOP");
    this.#frozen = true;
  }

  thaw(): void {
    if (!this.#frozen) return;
    this.#signal("SIGCONT");
    this.#frozen = false;
  }

  #signal(signal: NodeJS.Signals): void {
    const pid = this.#child?.pid;
    if (pid === undefined) throw new Error("redis-server is not running");
    process.kill(pid, signal);
  }

  async stop(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    this.#child = undefined;
    this.#frozen = false;
    if (child.pid !== undefined) {
      try {
        process.kill(child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    await this.#exited;
    child.stdout?.destroy();
    child.stderr?.destroy();
    if (this.#killOnExit) process.removeListener("exit", this.#killOnExit);
    this.#killOnExit = undefined;
  }
}


/** True when a Redis on `port` answers PING with +PONG. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.createConnection({ host: "127.0.0.1", port });
    let reply = "";
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.on("data", (chunk) => {
      reply += chunk.toString();
      if (reply.includes("\r\n")) done(reply.startsWith("+PONG"));
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
