/**
 * `npm run bench:load`: a bounded mixed workload against `wrangler dev` on loopback
 * (cached reads, cache misses, logins, writes), reporting throughput, p50/p99 per
 * kind and errors. Target: no errors and no 5xx. Knobs: BENCH_LOAD_REQUESTS (1000),
 * BENCH_LOAD_CONCURRENCY (16), BENCH_LATENCY_MS (50, the fake upstream's latency).
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
const WATCHDOG_MS = 5 * 60 * 1000;

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
    mkdirSync(join(root, "bench", "results"), { recursive: true });
    writeFileSync(join(root, "bench", "results", "load.json"), `${JSON.stringify(result, null, 2)}\n`);

    console.log(`| Kind | Requests | p50 | p99 | Errors |\n| --- | --- | --- | --- | --- |`);
    for (const k of kinds) console.log(`| ${k.kind} | ${k.requests} | ${k.p50_ms} ms | ${k.p99_ms} ms | ${k.errors} |`);
    console.log(`| **all** | ${TOTAL} in ${result.seconds} s = **${result.throughput_rps} req/s** | ${result.p50_ms} ms | ${result.p99_ms} ms | ${result.errors} (5xx: ${result.status_5xx}) |`);
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
