/**
 * Benchmarks of the cache and the profile fan-out, in one run (`npm run bench`):
 * a local fake upstream (the sample upstream behind a Node http server, with a
 * fixed latency, counting calls) and `wrangler dev` pointed at it, both on
 * loopback only. Everything started here is stopped here; every load is bounded.
 * Results: bench/results/latest.json (git-ignored) and a markdown table on stdout.
 *
 * Knobs (environment): BENCH_LATENCY_MS (100), BENCH_CONCURRENCY (16),
 * BENCH_REQUESTS (requests per throughput round, 1500).
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { root, runWrangler, startWrangler } from "../scripts/wrangler-cli.mjs";
import { NexonClient } from "../src/upstream/client";
import { SECTIONS, type EndpointDef } from "../src/upstream/endpoints";
import { createSampleUpstream, SAMPLE_CHARACTERS } from "../src/upstream/sample";
import { populationCharacter } from "../src/upstream/sample/characters";

const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 100);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1500);
const COALESCED_REQUESTS = 50;
const TARGETS = { fanout: 1.5, warmCalls: 0, coalescedCalls: 1, hitRatio: 0.7, gzipKiB: 300 };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const cleanups: (() => void | Promise<void>)[] = [];

// ---- fake upstream ----------------------------------------------------------

const SERVICE_KEY = "bench-service-key";
const upstream = { calls: 0, inFlight: 0, maxInFlight: 0 };
const sample = createSampleUpstream();

interface Canned {
  status: number;
  headers: Record<string, string>;
  text: string;
}

async function answerOf(pathAndQuery: string, headers: Headers): Promise<Canned> {
  const res = await sample(new Request(`http://127.0.0.1${pathAndQuery}`, { headers }));
  return { status: res.status, headers: Object.fromEntries(res.headers), text: await res.text() };
}

/** Answers built before the clock starts, so the fake upstream's own CPU is not what gets measured. */
const prepared = new Map<string, Canned>();

async function prepare(defs: readonly EndpointDef[], ocids: readonly string[]) {
  const client = new NexonClient({ baseUrl: "http://127.0.0.1", serviceKey: SERVICE_KEY, rps: 1, fetcher: () => Promise.reject(new Error("unused")) });
  for (const ocid of ocids) {
    for (const def of defs) {
      const url = new URL(client.buildUrl(def, { ocid }, undefined));
      const path = url.pathname + url.search;
      prepared.set(path, await answerOf(path, new Headers({ "x-nxopen-api-key": SERVICE_KEY })));
    }
  }
}

function startUpstream(): Promise<number> {
  const server = http.createServer((req, res) => {
    upstream.calls += 1;
    upstream.inFlight += 1;
    upstream.maxInFlight = Math.max(upstream.maxInFlight, upstream.inFlight);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
    const url = req.url ?? "/";
    // Headers leave LATENCY_MS after the request arrived: that is what the Worker waits for.
    const canned = prepared.get(url);
    const answer = canned ? Promise.resolve(canned) : answerOf(url, headers);
    void Promise.all([answer, sleep(LATENCY_MS)])
      .then(([a]) => {
        const bytes = Buffer.from(a.text);
        res.writeHead(a.status, { ...a.headers, "content-length": String(bytes.length) });
        res.end(bytes);
      })
      .catch(() => {
        res.writeHead(500);
        res.end();
      })
      .finally(() => (upstream.inFlight -= 1));
  });
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));
}

function freePort(): Promise<number> {
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
const workerTail: string[] = [];

async function startWorker(upstreamPort: number): Promise<string> {
  const port = await freePort();
  const inspector = await freePort();
  const persist = mkdtempSync(join(tmpdir(), "maplestorage-bench-"));
  cleanups.push(() => rmSync(persist, { recursive: true, force: true }));
  const vars = {
    ENVIRONMENT: "development",
    NEXON_API_BASE_URL: `http://127.0.0.1:${upstreamPort}`,
    // The highest NEXON_RPS the config accepts: the budget must not be what is measured.
    NEXON_RPS: "500",
    MAPLESTORY_API_KEY: SERVICE_KEY,
    JWT_SECRET: randomBytes(32).toString("hex"),
    ENCRYPTION_KEY: randomBytes(32).toString("base64"),
  };
  // --log-level warn: a terminal line per request would be part of what gets measured.
  const args = ["dev", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspector), "--persist-to", persist, "--log-level", "warn"];
  for (const [name, value] of Object.entries(vars)) args.push("--var", `${name}:${value}`);
  const child = startWrangler(args, { env: { CI: "true", WRANGLER_SEND_METRICS: "false" } });
  const tail = workerTail;
  const keep = (chunk: Buffer) => {
    tail.push(chunk.toString());
    if (tail.length > 40) tail.shift();
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  cleanups.push(async () => {
    if (child.exitCode !== null || child.pid === undefined) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      child.kill("SIGTERM");
    }
    await Promise.race([exited, sleep(5000)]);
    if (child.exitCode === null) {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
    }
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      if ((await fetch(`${base}/health`)).ok) return base;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`wrangler dev did not start:\n${tail.join("")}`);
}

// ---- HTTP client ------------------------------------------------------------

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY * 4 });
let clientCounter = 0;

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  ms: number;
}

/** One GET; each request from its own client address, so per-client rate limits measure nothing here. */
function get(base: string, path: string): Promise<Answer> {
  clientCounter += 1;
  const ip = `10.${(clientCounter >> 16) & 255}.${(clientCounter >> 8) & 255}.${clientCounter & 255}`;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.get(`${base}${path}`, { agent, headers: { "CF-Connecting-IP": ip } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString(), ms: performance.now() - started }));
      res.on("error", reject);
    });
    req.on("error", reject);
  });
}

/** `total` GETs of `path`, `CONCURRENCY` at a time: requests/s and latencies. */
async function load(base: string, path: string, total: number) {
  let issued = 0;
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (issued < total) {
        issued += 1;
        const answer = await get(base, path);
        latencies.push(answer.ms);
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { rps: total / seconds, latencies, statuses: Object.fromEntries(statuses) };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

function expectOk(answer: Answer, what: string) {
  if (answer.status !== 200) throw new Error(`${what}: HTTP ${answer.status} ${answer.body.slice(0, 300)}`);
}

// ---- the measurements -------------------------------------------------------

const PROFILE_SECTIONS = SECTIONS.filter((def) => def.name !== "skill");
const COLD_PROFILES = 5;
/** Six sections: what one invocation loads by itself (no child), for comparison. */
const SMALL_PROFILE = PROFILE_SECTIONS.slice(0, 6).map((def) => def.name).join(",");
const median = (values: number[]) => percentile(values, 50);

async function measure(base: string) {
  const [, single, coalesced] = SAMPLE_CHARACTERS;
  if (!single || !coalesced) throw new Error("the sample upstream needs three characters");
  // Characters of the sample's generated population: one to warm the code paths, then the measured ones.
  const [warmUp, ...profiled] = Array.from({ length: COLD_PROFILES + 1 }, (_, i) => populationCharacter(1000 + i).ocid);
  const small = Array.from({ length: COLD_PROFILES }, (_, i) => populationCharacter(1100 + i).ocid);
  await prepare(PROFILE_SECTIONS, [warmUp!, ...profiled, ...small, single.ocid, coalesced.ocid]);

  // Warm the isolate (module load) without touching any measured key.
  expectOk(await get(base, "/health"), "warm-up");
  expectOk(await get(base, `/v1/characters/${warmUp}`), "warm-up profile");

  // 0. One cold section: the Worker's own cost around one upstream round trip.
  let before = upstream.calls;
  const one = await get(base, `/v1/characters/${single.ocid}/basic`);
  expectOk(one, "cold section");
  const singleCalls = upstream.calls - before;

  // 1. Fan-out: cold aggregates of every default section (median of a few characters).
  const colds: Answer[] = [];
  let maxConcurrentUpstream = 0;
  before = upstream.calls;
  for (const ocid of profiled) {
    upstream.maxInFlight = 0;
    const cold = await get(base, `/v1/characters/${ocid}`);
    expectOk(cold, "cold profile");
    colds.push(cold);
    maxConcurrentUpstream = Math.max(maxConcurrentUpstream, upstream.maxInFlight);
  }
  const coldCalls = (upstream.calls - before) / profiled.length;
  const smalls: Answer[] = [];
  for (const ocid of small) {
    const answer = await get(base, `/v1/characters/${ocid}?sections=${SMALL_PROFILE}`);
    expectOk(answer, "cold six-section profile");
    smalls.push(answer);
  }
  const cold = colds[0]!;
  const coldMs = median(colds.map((a) => a.ms));
  const coldSections = Object.keys((JSON.parse(cold.body) as { sections: object }).sections).length;

  // 2. Warm profile: the same aggregate again.
  await sleep(200);
  before = upstream.calls;
  const warm = await get(base, `/v1/characters/${profiled[0]}`);
  expectOk(warm, "warm profile");
  const warmCalls = upstream.calls - before;

  // 3. Coalescing: 50 concurrent identical cold requests.
  before = upstream.calls;
  const herd = await Promise.all(Array.from({ length: COALESCED_REQUESTS }, () => get(base, `/v1/characters/${coalesced.ocid}/stat`)));
  herd.forEach((a) => expectOk(a, "coalesced request"));
  const coalescedCalls = upstream.calls - before;

  // 4, 5. Hit throughput against /health, same tool and concurrency, alternating rounds.
  const hitPath = `/v1/characters/${single.ocid}/basic`;
  const check = await get(base, hitPath);
  if (check.headers["x-cache"] !== "HIT") throw new Error(`expected a cached section, got X-Cache ${String(check.headers["x-cache"])}`);
  await load(base, "/health", 200);
  await load(base, hitPath, 200);
  before = upstream.calls;
  const rounds = { health: [] as Awaited<ReturnType<typeof load>>[], hit: [] as Awaited<ReturnType<typeof load>>[] };
  for (let i = 0; i < 2; i++) {
    rounds.health.push(await load(base, "/health", REQUESTS));
    rounds.hit.push(await load(base, hitPath, REQUESTS));
  }
  const callsDuringHits = upstream.calls - before;
  const rps = (rs: { rps: number }[]) => rs.reduce((sum, r) => sum + r.rps, 0) / rs.length;
  const hitLatencies = rounds.hit.flatMap((r) => r.latencies);

  return {
    fanout: {
      sections: coldSections,
      cold_profile_ms: round(coldMs, 1),
      cold_profile_runs_ms: colds.map((a) => round(a.ms, 1)),
      cold_single_section_ms: round(one.ms, 1),
      cold_six_section_profile_ms: round(median(smalls.map((a) => a.ms)), 1),
      upstream_round_trip_ms: LATENCY_MS,
      ratio: round(coldMs / LATENCY_MS),
      upstream_calls: coldCalls,
      single_section_upstream_calls: singleCalls,
      max_concurrent_upstream_calls: maxConcurrentUpstream,
      x_cache: cold.headers["x-cache"],
    },
    warm_profile: { upstream_calls: warmCalls, x_cache: warm.headers["x-cache"], ms: round(warm.ms, 1) },
    coalescing: { requests: COALESCED_REQUESTS, upstream_calls: coalescedCalls },
    throughput: {
      concurrency: CONCURRENCY,
      requests_per_round: REQUESTS,
      rounds: 2,
      health_rps: round(rps(rounds.health), 0),
      cached_section_rps: round(rps(rounds.hit), 0),
      ratio: round(rps(rounds.hit) / rps(rounds.health)),
      statuses: { health: rounds.health.map((r) => r.statuses), hit: rounds.hit.map((r) => r.statuses) },
      upstream_calls_during_hits: callsDuringHits,
    },
    hit_latency_ms: { p50: round(percentile(hitLatencies, 50)), p99: round(percentile(hitLatencies, 99)) },
  };
}

function bundleSize() {
  const outdir = mkdtempSync(join(tmpdir(), "maplestorage-bundle-"));
  try {
    const run = runWrangler(["deploy", "--dry-run", "--minify", "--outdir", outdir, "--env", "production"], { capture: true });
    if (run.status !== 0) throw new Error(`wrangler deploy --dry-run failed:\n${run.stderr || run.stdout}`);
    const reported = /Total Upload:\s*([\d.]+)\s*KiB\s*\/\s*gzip:\s*([\d.]+)\s*KiB/.exec(run.stdout + run.stderr);
    const files = readdirSync(outdir).filter((f) => f.endsWith(".js"));
    const bytes = files.map((f) => readFileSync(join(outdir, f)));
    const raw = bytes.reduce((sum, b) => sum + b.length, 0);
    const gzip = bytes.reduce((sum, b) => sum + gzipSync(b, { level: 9 }).length, 0);
    return {
      minified_kib: reported ? Number(reported[1]) : round(raw / 1024),
      gzip_kib: reported ? Number(reported[2]) : round(gzip / 1024),
      worker_js_kib: round(files.reduce((sum, f) => sum + statSync(join(outdir, f)).size, 0) / 1024),
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

function table(r: Awaited<ReturnType<typeof measure>> & { bundle: ReturnType<typeof bundleSize> }) {
  const ok = (pass: boolean) => (pass ? "✅" : "❌");
  const rows = [
    ["Fan-out: cold profile ÷ one upstream round trip", `${r.fanout.ratio} (${r.fanout.cold_profile_ms} ms / ${LATENCY_MS} ms, ${r.fanout.sections} sections, ${r.fanout.max_concurrent_upstream_calls} upstream calls in flight at once)`, `≤ ${TARGETS.fanout}`, ok(r.fanout.ratio <= TARGETS.fanout)],
    ["(same run) cold single section / cold 6-section profile ÷ one round trip", `${round(r.fanout.cold_single_section_ms / LATENCY_MS)} / ${round(r.fanout.cold_six_section_profile_ms / LATENCY_MS)}`, "", ""],
    ["Warm profile: upstream calls", `${r.warm_profile.upstream_calls} (X-Cache: ${r.warm_profile.x_cache})`, `${TARGETS.warmCalls}`, ok(r.warm_profile.upstream_calls === TARGETS.warmCalls)],
    ["Coalescing: upstream calls for 50 concurrent identical cold requests", `${r.coalescing.upstream_calls}`, `${TARGETS.coalescedCalls}`, ok(r.coalescing.upstream_calls === TARGETS.coalescedCalls)],
    ["Hit throughput: cached section ÷ /health (req/s)", `${r.throughput.ratio} (${r.throughput.cached_section_rps} / ${r.throughput.health_rps}, concurrency ${CONCURRENCY})`, `≥ ${TARGETS.hitRatio}`, ok(r.throughput.ratio >= TARGETS.hitRatio)],
    ["Cached hit latency p50 / p99", `${r.hit_latency_ms.p50} ms / ${r.hit_latency_ms.p99} ms`, "", ""],
    ["Bundle, minified / gzip", `${r.bundle.minified_kib} KiB / ${r.bundle.gzip_kib} KiB`, `≤ ${TARGETS.gzipKiB} KiB gzip`, ok(r.bundle.gzip_kib <= TARGETS.gzipKiB)],
  ];
  return ["| Measure | Result | Target | |", "| --- | --- | --- | --- |", ...rows.map((row) => `| ${row.join(" | ")} |`)].join("\n");
}

async function cleanup() {
  agent.destroy();
  for (const fn of cleanups.reverse()) await fn();
  cleanups.length = 0;
}

async function main() {
  process.once("SIGINT", () => void cleanup().then(() => process.exit(130)));
  try {
    const upstreamPort = await startUpstream();
    const base = await startWorker(upstreamPort);
    const results = await measure(base);
    await cleanup();
    const bundle = bundleSize();
    const all = { measured_at: new Date().toISOString(), node: process.version, upstream_latency_ms: LATENCY_MS, ...results, bundle };
    mkdirSync(join(root, "bench", "results"), { recursive: true });
    writeFileSync(join(root, "bench", "results", "latest.json"), `${JSON.stringify(all, null, 2)}\n`);
    console.log(table(all));
  } finally {
    await cleanup();
  }
}

main().catch((err: unknown) => {
  console.error(workerTail.join("").slice(-4000));
  console.error(err);
  process.exitCode = 1;
});
