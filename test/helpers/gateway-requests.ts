/**
 * Seeded generators of realistic gateway and agent-to-agent requests for the policy pack
 * (policies/): RBAC with inherited and unknown roles, tools of every sensitivity level, servers
 * owned by teams, time windows (timestamps around every window edge, several UTC offsets, weekdays
 * and weekends), CIDR allow-lists (addresses inside and outside each list, IPv4 and IPv6, some
 * unparsable), secret-looking parameters at any depth, and a few malformed requests.
 *
 * Requests come in sessions: the same user, tool, parameters and address again a few seconds or
 * minutes later, as a gateway sees them, so a decision cache gets hits, and hits across a time
 * window's edge.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** mulberry32: small, seeded, the same sequence in every runtime. */
export class Rng {
  #state: number;
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)]!;
  }
  some<T>(items: readonly T[], max: number): T[] {
    const out: T[] = [];
    for (let i = this.int(0, max); i > 0; i--) {
      const item = this.pick(items);
      if (!out.includes(item)) out.push(item);
    }
    return out;
  }
}

const roles = ["guest", "viewer", "contractor", "developer", "senior_developer", "oncall", "sre", "security", "admin", "intern"];
const levels = ["public", "low", "medium", "high", "critical"];
const teams = ["platform", "payments", "data", "ml"];
// Local times (UTC unless an offset says otherwise) around every window edge of data.json.
const clock = [
  "05:58:30", "05:59:59", "06:00:00", "07:59:00", "07:59:59", "08:00:00", "08:59:30", "09:00:00", "12:30:00",
  "16:58:00", "16:59:59", "17:00:00", "17:58:45", "17:59:59", "18:00:00", "21:57:00", "21:59:59", "22:00:00",
  "23:30:00", "00:15:00", "03:00:00",
];
const offsets = ["Z", "Z", "Z", "Z", "+02:00", "-05:00", "+05:30"];
const addresses = [
  "10.0.0.1", "10.10.0.1", "10.10.255.255", "10.11.0.0", "10.255.255.255", "11.0.0.0", "172.16.0.1", "172.31.255.255",
  "172.32.0.0", "192.168.1.20", "192.169.0.1", "8.8.8.8", "fd00:10::1", "fd00:11::1", "fe80::1", "not-an-ip",
];
const plainKeys = ["query", "limit", "max_tokens", "tokenizer", "path", "region", "password_policy", "keyword", "repo"];
const secretKeys = ["password", "Password", "API_KEY", "apiKey", "token", "db_password", "github-token", "githubToken", "client_secret", "Authorization", "session_id", "credentials"];

function parameters(rng: Rng, depth: number): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (let i = rng.int(0, 4); i > 0; i--) {
    const key = rng.chance(0.35) ? rng.pick(secretKeys) : rng.pick(plainKeys);
    if (depth < 2 && rng.chance(0.2)) out[key] = parameters(rng, depth + 1);
    else if (depth < 2 && rng.chance(0.1)) out[key] = [parameters(rng, depth + 1), rng.int(0, 9), "x"];
    else out[key] = rng.chance(0.5) ? `v${rng.int(0, 99)}` : rng.int(-5, 500);
  }
  return out;
}

/** RFC 3339 text of a moment in June 2025 (2025-06-02 is a Monday), given as seconds since 2025-06-01T00:00:00 local, and an offset. */
function stamp(seconds: number, offset: string): string {
  const base = Date.UTC(2025, 5, 1) / 1000;
  const local = new Date((base + seconds) * 1000).toISOString().slice(0, 19);
  return `${local}${offset}`;
}

function localSeconds(day: number, hms: string): number {
  const [h, m, s] = hms.split(":").map(Number) as [number, number, number];
  return (day - 1) * 86400 + h * 3600 + m * 60 + s;
}

interface Session {
  request: Record<string, Json>;
  seconds: number;
  offset: string;
}

/** Gateway requests, `repeatRate` of them repeating an earlier session a little later. */
export class GatewayRequests {
  readonly #rng: Rng;
  readonly #sessions: Session[] = [];
  readonly #repeatRate: number;

  constructor(seed: number, repeatRate = 0.5) {
    this.#rng = new Rng(seed);
    this.#repeatRate = repeatRate;
  }

  next(): Json {
    const rng = this.#rng;
    if (this.#sessions.length > 0 && rng.chance(this.#repeatRate)) {
      const session = rng.pick(this.#sessions);
      // Seconds to a few minutes later: inside a cached decision's TTL, sometimes across a window edge.
      session.seconds += rng.pick([0, 1, 5, 30, 59, 60, 61, 120, 299, 300, 600, 901]);
      const request = structuredClone(session.request);
      (request["context"] as Record<string, Json>)["timestamp"] = stamp(session.seconds, session.offset);
      return request;
    }
    const seconds = localSeconds(rng.int(2, 8), rng.pick(clock));
    const offset = rng.pick(offsets);
    const request = this.#fresh(stamp(seconds, offset));
    if (rng.chance(0.5)) {
      this.#sessions.push({ request, seconds, offset });
      if (this.#sessions.length > 200) this.#sessions.shift();
    }
    return structuredClone(request);
  }

  #fresh(timestamp: string): Record<string, Json> {
    const rng = this.#rng;
    const action = rng.chance(0.04)
      ? rng.pick(["gateway:tool:delete", 7] as Json[])
      : rng.pick(["gateway:tool:invoke", "gateway:tool:invoke", "gateway:tool:invoke", "gateway:server:access", "gateway:tool:list"]);
    const user: Record<string, Json> = { id: rng.chance(0.02) ? "" : `user-${rng.int(1, 40)}`, roles: rng.some(roles, 3), teams: rng.some(teams, 2) };
    if (rng.chance(0.02)) user["roles"] = "admin";
    if (rng.chance(0.05)) delete user["teams"];
    const context: Record<string, Json> = { timestamp: rng.chance(0.02) ? "June 2nd" : timestamp, ip: rng.pick(addresses) };
    if (rng.chance(0.3)) context["request_id"] = `req-${rng.int(1, 1e6)}`;
    const request: Record<string, Json> = { user, action, context };
    if (action !== "gateway:server:access" || rng.chance(0.2)) {
      request["tool"] = { name: `tool-${rng.int(1, 12)}`, sensitivity_level: rng.chance(0.03) ? "secret" : rng.pick(levels) };
    }
    if (action === "gateway:server:access" || rng.chance(0.4)) {
      request["server"] = { name: `server-${rng.int(1, 5)}`, owner_team: rng.pick(teams) };
    }
    if (rng.chance(0.6)) request["parameters"] = rng.chance(0.02) ? ["password"] : parameters(rng, 0);
    return request;
  }
}

const trust = ["low", "medium", "high", "critical"];
const capabilities = ["invoke", "delegate", "receive", "accept_delegation", "search"];
const limits: Record<string, number> = { low: 60, medium: 600, high: 3600, critical: 36000 };

/** Agent-to-agent calls; some repeat an earlier call exactly (same counts), as retries do. */
export class A2ARequests {
  readonly #rng: Rng;
  readonly #seen: Json[] = [];

  constructor(seed: number) {
    this.#rng = new Rng(seed);
  }

  next(): Json {
    const rng = this.#rng;
    if (this.#seen.length > 0 && rng.chance(0.3)) return structuredClone(rng.pick(this.#seen));
    const request = this.#fresh();
    this.#seen.push(request);
    if (this.#seen.length > 200) this.#seen.shift();
    return structuredClone(request);
  }

  #fresh(): Json {
    const rng = this.#rng;
    const sourceTrust = rng.chance(0.03) ? "supreme" : rng.pick(trust);
    const limit = limits[sourceTrust] ?? 100;
    const count = rng.chance(0.6) ? rng.int(0, limit - 1) : rng.pick([0, limit - 1, limit, limit + 5]);
    const source: Record<string, Json> = {
      id: `agent-${rng.int(1, 20)}`,
      trust_level: sourceTrust,
      capabilities: rng.chance(0.75) ? ["invoke", "delegate", ...rng.some(capabilities, 2)] : rng.some(capabilities, 3),
      owner_id: `u-${rng.int(1, 5)}`,
      request_count_last_hour: rng.chance(0.03) ? "many" : count,
    };
    const target: Record<string, Json> = {
      id: rng.chance(0.02) ? "" : `agent-${rng.int(1, 20)}`,
      // mostly a level the source may call
      trust_level: rng.chance(0.6) ? rng.pick(trust.slice(0, Math.max(1, trust.indexOf(sourceTrust) + 1))) : rng.pick(trust),
      capabilities: rng.chance(0.7) ? ["receive", "accept_delegation"] : rng.some(capabilities, 3),
      owner_id: `u-${rng.int(1, 5)}`,
    };
    const context: Record<string, Json> = {
      workflow_id: `wf-${rng.int(1, 50)}`,
      delegation_depth: rng.chance(0.03) ? -1 : rng.chance(0.6) ? rng.int(0, 1) : rng.int(0, 6),
    };
    if (rng.chance(0.7)) context["user_id"] = `u-${rng.int(1, 5)}`;
    if (rng.chance(0.03)) delete context["workflow_id"];
    const action = rng.chance(0.05) ? "a2a:result" : rng.pick(["a2a:invoke", "a2a:delegate"]);
    return { source_agent: source, target_agent: target, action, context };
  }
}
