/**
 * `npm run bench:load`: bounded workloads against `wrangler dev` on loopback.
 * 1. Mixed: cached reads, cache misses, logins, writes; throughput, p50/p99 per
 *    kind and errors. Target: no errors and no 5xx.
 * 2. The upstream budget: a Worker with NEXON_RPS=50 (BENCH_LOAD_BUDGET_RPS) gets a
 *    burst of 120 concurrent cold sections (BENCH_LOAD_BURST), each from its own
 *    client, then BENCH_LOAD_BUDGET_CLIENTS (16) clients asking for cold profiles
 *    of random past dates for BENCH_LOAD_BUDGET_SECONDS (20). Reports what the fake
 *    upstream saw (the most calls in any one second, against NEXON_RPS), the share
 *    of 429s and the 5xx count.
 * Knobs also: BENCH_LOAD_REQUESTS (1000), BENCH_LOAD_CONCURRENCY (16),
 * BENCH_LATENCY_MS (50, the fake upstream's latency).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { root } from "../scripts/wrangler-cli.mjs";
import { SAMPLE_CHARACTERS } from "../dev/sample-upstream";
import { populationCharacter } from "../dev/sample-upstream/characters";
import { cleanup, load, percentile, request, round, startUpstream, startWorker, workerTail, type Answer } from "./harness";

const TOTAL = Number(process.env.BENCH_LOAD_REQUESTS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_LOAD_CONCURRENCY ?? 16);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 50);
const USERS = 20;
const PASSWORD = "bench-password-123";
const WATCHDOG_MS = 8 * 60 * 1000;
const BUDGET_RPS = Number(process.env.BENCH_LOAD_BUDGET_RPS ?? 50);
const BURST = Number(process.env.BENCH_LOAD_BURST ?? 120);
const BUDGET_CLIENTS = Number(process.env.BENCH_LOAD_BUDGET_CLIENTS ?? 16);
const BUDGET_SECONDS = Number(process.env.BENCH_LOAD_BUDGET_SECONDS ?? 20);
const DAY_MS = 24 * 60 * 60 * 1000;

/** The most of `times` (ms) in any window of `windowMs`. */
function mostInAnyWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let first = 0, last = 0; last < sorted.length; last++) {
    while (sorted[last]! - sorted[first]! >= windowMs) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

/** A past day the profile has data on: between 2024-02-01 and a week ago. */
function randomPastDate(): string {
  const from = Date.parse("2024-02-01T00:00:00Z");
  const to = Date.now() - 7 * DAY_MS;
  return new Date(from + Math.floor(Math.random() * ((to - from) / DAY_MS)) * DAY_MS).toISOString().slice(0, 10);
}

const share = (part: number, whole: number) => (whole === 0 ? 0 : round(part / whole, 3));

/** Phase 2 (see the header): the deployment-wide upstream budget under load. */
async function measureBudget(upstream: Awaited<ReturnType<typeof startUpstream>>) {
  const base = await startWorker(upstream.port, { vars: { NEXON_RPS: String(BUDGET_RPS) } });
  must(await request(base, "/health"), "warm-up");

  upstream.arrivals.length = 0;
  const burst = await Promise.all(Array.from({ length: BURST }, (_, i) => request(base, `/v1/characters/${populationCharacter(3400 + i).ocid}/basic`)));
  const burstArrivals = [...upstream.arrivals];

  upstream.arrivals.length = 0;
  const answers: Answer[] = [];
  const stopAt = performance.now() + BUDGET_SECONDS * 1000;
  let next = 0;
  await Promise.all(
    Array.from({ length: BUDGET_CLIENTS }, async (_, client) => {
      const ip = `198.51.100.${client + 1}`;
      while (performance.now() < stopAt) {
        const ocid = populationCharacter(3600 + (next++ % 490)).ocid;
        answers.push(await request(base, `/v1/characters/${ocid}?date=${randomPastDate()}`, { headers: { "CF-Connecting-IP": ip } }));
      }
    }),
  );
  const arrivals = [...upstream.arrivals];
  const span = arrivals.length > 1 ? (Math.max(...arrivals) - Math.min(...arrivals)) / 1000 : 0;
  const count = (pick: (a: Answer) => boolean) => answers.filter(pick).length;
  return {
    nexon_rps: BUDGET_RPS,
    burst: {
      requests: BURST,
      upstream_calls: burstArrivals.length,
      most_upstream_calls_in_any_second: mostInAnyWindow(burstArrivals, 1000),
      statuses: burst.reduce<Record<number, number>>((acc, a) => ({ ...acc, [a.status]: (acc[a.status] ?? 0) + 1 }), {}),
    },
    profiles: {
      clients: BUDGET_CLIENTS,
      seconds: BUDGET_SECONDS,
      requests: answers.length,
      ok: count((a) => a.status === 200),
      share_429: share(count((a) => a.status === 429), answers.length),
      status_5xx: count((a) => a.status >= 500),
      upstream_calls: arrivals.length,
      upstream_calls_per_second: span > 0 ? round(arrivals.length / span, 1) : 0,
      most_upstream_calls_in_any_second: mostInAnyWindow(arrivals, 1000),
      statuses: answers.reduce<Record<number, number>>((acc, a) => ({ ...acc, [a.status]: (acc[a.status] ?? 0) + 1 }), {}),
    },
    /** One answer body of each status other than 200, to see what went wrong. */
    examples: Object.fromEntries([...burst, ...answers].filter((a) => a.status !== 200).map((a) => [a.status, a.body.slice(0, 300)])),
  };
}

type Kind = "cached read" | "miss" | "login" | "write";
/** Out of 20: 12 cached reads, 3 misses, 2 logins, 3 writes. */
const MIX: Kind[] = [...Array(12).fill("cached read"), ...Array(3).fill("miss"), ...Array(2).fill("login"), ...Array(3).fill("write")];
const CACHED = SAMPLE_CHARACTERS.flatMap((c) => ["basic", "stat", "union", "popularity"].map((s) => `/v1/characters/${c.ocid}/${s}`));

function must(answer: Answer, what: string): Answer {
  if (answer.status >= 300) throw new Error(`${what}: HTTP ${answer.status} ${answer.body.slice(0, 300)}`);
  return answer;
}

async function setUp(base: string) {
  const users: { username: string; token: string }[] = [];
  for (let i = 0; i < USERS; i++) {
    const username = `bench_${i}_${Date.now().toString(36)}`;
    must(await request(base, "/v1/auth/register", { method: "POST", body: { username, email: `${username}@example.com`, password: PASSWORD } }), "register");
    const token = JSON.parse(must(await request(base, "/v1/auth/token", { method: "POST", body: { username, password: PASSWORD } }), "login").body).access_token as string;
    users.push({ username, token });
  }
  for (const path of CACHED) must(await request(base, path), "warm-up");
  return users;
}

async function main() {
  const watchdog = setTimeout(() => {
    console.error("bench:load took too long; stopping");
    void cleanup().then(() => process.exit(1));
  }, WATCHDOG_MS);
  try {
    const upstream = await startUpstream(LATENCY_MS);
    const base = await startWorker(upstream.port, { migrate: true });
    const users = await setUp(base);
    const callsBefore = upstream.stats.calls;

    const byKind = new Map<Kind, Answer[]>();
    const run = await load(CONCURRENCY, TOTAL, async (i) => {
      const kind = MIX[i % MIX.length]!;
      const user = users[i % USERS]!;
      const auth = { Authorization: `Bearer ${user.token}` };
      const answer =
        kind === "cached read"
          ? await request(base, CACHED[i % CACHED.length]!)
          : kind === "miss"
            ? await request(base, `/v1/characters/${populationCharacter(2000 + (i % 1000)).ocid}/basic`)
            : kind === "login"
              ? await request(base, "/v1/auth/token", { method: "POST", body: { username: user.username, password: PASSWORD } })
              : await request(base, "/v1/me/tracked", { method: "POST", headers: auth, body: { ocid: populationCharacter(3000 + (i % 1000)).ocid } });
      byKind.set(kind, [...(byKind.get(kind) ?? []), answer]);
      return answer;
    });

    const all = [...byKind.values()].flat();
    const errors = all.filter((a) => a.status >= 400);
    const fiveXX = all.filter((a) => a.status >= 500);
    const kinds = [...byKind.entries()].map(([kind, answers]) => ({
      kind,
      requests: answers.length,
      p50_ms: round(percentile(answers.map((a) => a.ms), 50), 1),
      p99_ms: round(percentile(answers.map((a) => a.ms), 99), 1),
      errors: answers.filter((a) => a.status >= 400).length,
    }));
    const result = {
      measured_at: new Date().toISOString(),
      requests: TOTAL,
      concurrency: CONCURRENCY,
      upstream_latency_ms: LATENCY_MS,
      seconds: round(run.seconds),
      throughput_rps: round(run.rps, 1),
      p50_ms: round(percentile(run.latencies, 50), 1),
      p99_ms: round(percentile(run.latencies, 99), 1),
      errors: errors.length,
      status_5xx: fiveXX.length,
      statuses: run.statuses,
      upstream_calls: upstream.stats.calls - callsBefore,
      kinds,
    };
    const budget = await measureBudget(upstream);
    mkdirSync(join(root, "bench", "results"), { recursive: true });
    writeFileSync(join(root, "bench", "results", "load.json"), `${JSON.stringify({ ...result, budget }, null, 2)}\n`);

    console.log(`| Kind | Requests | p50 | p99 | Errors |\n| --- | --- | --- | --- | --- |`);
    for (const k of kinds) console.log(`| ${k.kind} | ${k.requests} | ${k.p50_ms} ms | ${k.p99_ms} ms | ${k.errors} |`);
    console.log(`| **all** | ${TOTAL} in ${result.seconds} s = **${result.throughput_rps} req/s** | ${result.p50_ms} ms | ${result.p99_ms} ms | ${result.errors} (5xx: ${result.status_5xx}) |`);
    const b = budget;
    console.log(`\n| Upstream budget (NEXON_RPS=${b.nexon_rps}) | Result |\n| --- | --- |`);
    console.log(`| ${b.burst.requests} concurrent cold sections, one client each: most upstream calls in any second | ${b.burst.most_upstream_calls_in_any_second} (statuses ${JSON.stringify(b.burst.statuses)}) |`);
    console.log(`| ${b.profiles.clients} clients, cold profiles of random past dates for ${b.profiles.seconds} s: requests | ${b.profiles.requests} (${b.profiles.ok} × 200, statuses ${JSON.stringify(b.profiles.statuses)}) |`);
    console.log(`| the same: upstream calls a second (mean) / most in any second | ${b.profiles.upstream_calls_per_second} / ${b.profiles.most_upstream_calls_in_any_second} |`);
    console.log(`| the same: share of 429 / 5xx | ${b.profiles.share_429} / ${b.profiles.status_5xx} |`);
    if (b.burst.most_upstream_calls_in_any_second > BUDGET_RPS || b.profiles.most_upstream_calls_in_any_second > BUDGET_RPS) {
      console.error(`the upstream saw more than NEXON_RPS=${BUDGET_RPS} calls in one second`);
      process.exitCode = 1;
    }
    if (errors.length > 0) {
      console.error("errors:", errors.slice(0, 5).map((a) => `${a.status} ${a.body.slice(0, 200)}`));
      process.exitCode = 1;
    }
  } finally {
    clearTimeout(watchdog);
    await cleanup();
  }
}

main().catch((err: unknown) => {
  console.error(workerTail.join("").slice(-4000));
  console.error(err);
  process.exitCode = 1;
});
