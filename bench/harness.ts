/**
 * What every benchmark needs: a fake NEXON upstream on loopback (the sample
 * upstream behind a configurable latency, counting calls), `wrangler dev` pointed
 * at it with throwaway secrets and storage, a keep-alive HTTP client, and cleanup
 * of everything started. Loopback only; every loop is bounded by its caller.
 */
import { randomBytes } from "node:crypto";
import { accessSync, constants, mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { root, runWrangler, startWrangler } from "../scripts/wrangler-cli.mjs";
import { createSampleUpstream } from "../dev/sample-upstream";

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const cleanups: (() => void | Promise<void>)[] = [];

/** Stops everything started so far, newest first. Safe to call twice. */
export async function cleanup(): Promise<void> {
  agent.destroy();
  for (const fn of cleanups.reverse()) await fn();
  cleanups.length = 0;
}

// ---- fake upstream ----------------------------------------------------------

export const SERVICE_KEY = "bench-service-key";

export interface Canned {
  status: number;
  /** Content-Length included. */
  headers: Record<string, string>;
  bytes: Buffer;
}

export interface FakeUpstream {
  port: number;
  stats: { calls: number; inFlight: number; maxInFlight: number };
  /** When each call arrived (performance.now() of this process, the same clock as Answer.started): cleared by the caller. */
  arrivals: number[];
  /** Answers built before the clock starts, so the fake's own CPU is not what gets measured. */
  prepared: Map<string, Canned>;
  answerOf(pathAndQuery: string, headers?: Headers): Promise<Canned>;
}

export async function startUpstream(latencyMs: number): Promise<FakeUpstream> {
  const sample = createSampleUpstream();
  const stats = { calls: 0, inFlight: 0, maxInFlight: 0 };
  const arrivals: number[] = [];
  const prepared = new Map<string, Canned>();
  const answerOf = async (pathAndQuery: string, headers = new Headers({ "x-nxopen-api-key": SERVICE_KEY })): Promise<Canned> => {
    const res = await sample(new Request(`http://127.0.0.1${pathAndQuery}`, { headers }));
    const bytes = Buffer.from(await res.arrayBuffer());
    return { status: res.status, headers: { ...Object.fromEntries(res.headers), "content-length": String(bytes.length) }, bytes };
  };
  const server = http.createServer((req, res) => {
    arrivals.push(performance.now());
    stats.calls += 1;
    stats.inFlight += 1;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    const url = req.url ?? "/";
    // Headers leave `latencyMs` after the request arrived: that is what the Worker waits for.
    // A prepared answer is bytes and headers ready to write: the fake's CPU is not what is measured.
    const canned = prepared.get(url);
    const answer = canned ? Promise.resolve(canned) : answerOf(url, new Headers(Object.entries(req.headers).filter((h): h is [string, string] => typeof h[1] === "string")));
    void Promise.all([answer, sleep(latencyMs)])
      .then(([a]) => {
        res.writeHead(a.status, a.headers);
        res.end(a.bytes);
      })
      .catch(() => {
        res.writeHead(500);
        res.end();
      })
      .finally(() => (stats.inFlight -= 1));
  });
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const port = await new Promise<number>((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));
  return { port, stats, arrivals, prepared, answerOf };
}

export function freePort(): Promise<number> {
  const probe = http.createServer();
  return new Promise((resolve) =>
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    }),
  );
}

// ---- wrangler dev -----------------------------------------------------------

/** The last lines wrangler dev printed (shown when something fails). */
export const workerTail: string[] = [];

/**
 * Whether `wrangler dev` runs its local observability collector (BENCH_LOCAL_OBSERVABILITY,
 * default "false"). The collector is a JavaScript tail worker in the Worker's own
 * workerd process that receives every event of every invocation (onset, each
 * subrequest's span, each log line, the outcome) for wrangler's local logs and
 * traces view. It is a development tool: a deployed Worker's logs and traces
 * are collected outside its isolate, not by JavaScript on its thread. Off, the
 * benchmark measures the Worker and not the tool; bench/README.md also gives
 * a run with it on.
 */
const LOCAL_OBSERVABILITY = process.env.BENCH_LOCAL_OBSERVABILITY === "true" ? "true" : "false";

/** Starts `wrangler dev` with `args` on loopback; resolves to its base URL once `readyPath` answers. */
async function startDev(args: string[], readyPath: string): Promise<string> {
  const port = await freePort();
  const inspector = await freePort();
  // --log-level warn: a terminal line per request would be part of what gets measured.
  const all = ["dev", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspector), "--log-level", "warn", ...args];
  const child = startWrangler(all, { env: { CI: "true", WRANGLER_SEND_METRICS: "false", X_LOCAL_OBSERVABILITY: LOCAL_OBSERVABILITY } });
  const keep = (chunk: Buffer) => {
    workerTail.push(chunk.toString());
    if (workerTail.length > 40) workerTail.shift();
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  cleanups.push(async () => {
    if (child.exitCode !== null || child.pid === undefined) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    const kill = (signal: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        child.kill(signal);
      }
    };
    kill("SIGTERM");
    await Promise.race([exited, sleep(5000)]);
    if (child.exitCode === null) kill("SIGKILL");
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      if ((await fetch(`${base}${readyPath}`)).ok) return base;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`wrangler dev did not start:\n${workerTail.join("")}`);
}

/**
 * Where the throwaway local state (KV, D1, the rate limiters) lives: in memory
 * (/dev/shm) where there is one, else the temp dir; BENCH_STATE_DIR overrides.
 * `wrangler dev` emulates the rate-limit binding with a SQLite-backed Durable
 * Object that writes on every call: on this machine's disk that took 3 ms of
 * every request, in memory 1.5-2 ms. Production's limiter and KV reads never
 * wait for a local disk, so the benchmark should not either.
 */
function stateRoot(): string {
  if (process.env.BENCH_STATE_DIR) return process.env.BENCH_STATE_DIR;
  try {
    accessSync("/dev/shm", constants.W_OK);
    return "/dev/shm";
  } catch {
    return tmpdir();
  }
}

/** `wrangler dev` of this Worker on loopback against the fake upstream, with throwaway secrets and storage. */
export async function startWorker(
  upstreamPort: number,
  options: { vars?: Record<string, string>; migrate?: boolean } = {},
): Promise<string> {
  const persist = mkdtempSync(join(stateRoot(), "maplestorage-bench-"));
  cleanups.push(() => rmSync(persist, { recursive: true, force: true }));
  if (options.migrate) {
    const applied = runWrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", persist], { capture: true, env: { CI: "true" } });
    if (applied.status !== 0) throw new Error(`migrations failed:\n${applied.stderr}`);
  }
  const allVars = {
    ENVIRONMENT: "development",
    NEXON_API_BASE_URL: `http://127.0.0.1:${upstreamPort}`,
    // The highest NEXON_RPS the config accepts: the budget must not be what is measured.
    NEXON_RPS: "500",
    MAPLESTORY_API_KEY: SERVICE_KEY,
    // One key per region, as NEXON issues them (each has its own call budget).
    MAPLESTORY_API_KEY_MSEA: `${SERVICE_KEY}-msea`,
    MAPLESTORY_API_KEY_TMS: `${SERVICE_KEY}-tms`,
    JWT_SECRET: randomBytes(32).toString("hex"),
    ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    ...options.vars,
  };
  const args = ["--persist-to", persist];
  for (const [name, value] of Object.entries(allVars)) args.push("--var", `${name}:${value}`);
  return startDev(args, "/health");
}

/** The bare reference Worker (bench/floor/worker.ts) against the same fake upstream. */
export function startFloorWorker(upstreamPort: number): Promise<string> {
  return startDev(
    ["--config", join(root, "bench", "floor", "wrangler.toml"), "--var", `UPSTREAM:http://127.0.0.1:${upstreamPort}`, "--var", `SERVICE_KEY:${SERVICE_KEY}`],
    "/",
  );
}

// ---- HTTP client ------------------------------------------------------------

export const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
let clientCounter = 0;

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  ms: number;
  /** performance.now() when the request was sent. */
  started: number;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
}

/** A fresh client address per call, so per-client rate limits measure nothing here. */
export function nextClientIp(): string {
  clientCounter += 1;
  return `10.${(clientCounter >> 16) & 255}.${(clientCounter >> 8) & 255}.${clientCounter & 255}`;
}

export function request(base: string, path: string, options: RequestOptions = {}): Promise<Answer> {
  const payload = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
  const headers: Record<string, string> = { "CF-Connecting-IP": nextClientIp(), ...options.headers };
  if (payload) {
    headers["content-type"] = "application/json";
    headers["content-length"] = String(payload.length);
  }
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${path}`, { agent, method: options.method ?? "GET", headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        // The clock stops at the last byte, not after this client has decoded the body.
        const ms = performance.now() - started;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString(), ms, started });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(payload);
  });
}

export const get = (base: string, path: string) => request(base, path);

/** `total` calls of `next()`, `concurrency` at a time: requests/s, latencies and statuses. */
export async function load(concurrency: number, total: number, next: (i: number) => Promise<Answer>) {
  let issued = 0;
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (issued < total) {
        const answer = await next(issued++);
        latencies.push(answer.ms);
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { rps: total / seconds, seconds, latencies, statuses: Object.fromEntries(statuses) as Record<number, number> };
}
