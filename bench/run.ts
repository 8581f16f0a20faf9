/**
 * Benchmarks of the cache and the profile fan-out, in one run (`npm run bench`):
 * a local fake upstream (the sample upstream behind a Node http server, with a
 * fixed latency, counting calls) and `wrangler dev` pointed at it, both on
 * loopback only. Everything started here is stopped here; every load is bounded.
 * Results: bench/results/latest.json (git-ignored) and a markdown table on stdout.
 *
 * Knobs (environment): BENCH_LATENCY_MS (100), BENCH_CONCURRENCY (16),
 * BENCH_REQUESTS (requests per throughput round, 1500), BENCH_WARM_UPS (rounds
 * of cold requests of other characters before the measured ones, 10), BENCH_STATE_DIR
 * (where the throwaway local state lives: /dev/shm when there is one; bench/harness.ts),
 * BENCH_LOCAL_OBSERVABILITY (wrangler's local observability collector, "false";
 * bench/harness.ts says why).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { root, runWrangler } from "../scripts/wrangler-cli.mjs";
import { NexonClient } from "../src/upstream/client";
import { SECTIONS, sectionsIn, type EndpointDef } from "../src/upstream/endpoints";
import { REGIONS, type RegionId } from "../src/upstream/regions";
import { addDays } from "../src/lib/calendar";
import { SAMPLE_CHARACTERS, sampleCharactersIn } from "../dev/sample-upstream";
import { populationCharacter } from "../dev/sample-upstream/characters";
import {
  cleanup,
  get,
  load as loadWith,
  percentile,
  round,
  SERVICE_KEY,
  sleep,
  startFloorWorker,
  startUpstream,
  startWorker,
  workerTail,
  type Answer,
  type FakeUpstream,
} from "./harness";

const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 100);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1500);
const COALESCED_REQUESTS = 50;
/** What issue #16 holds the code to: a cold profile costs about one section's time; the bundle shrinks below 216 KiB gzip. */
const TARGETS = { fanout: 1.2, warmCalls: 0, coalescedCalls: 1, hitRatio: 0.7, gzipKiB: 216 };
/** Cold profiles measured with a hand-made mechanism off (measureWithout). */
const SWITCHED_OFF_PROFILES = 7;

let fake: FakeUpstream;

/** Builds upstream URLs only: the same paths the Worker will ask for. */
const urls = new NexonClient({ baseUrl: "http://127.0.0.1", serviceKeys: { kms: SERVICE_KEY }, rps: 1, fetcher: () => Promise.reject(new Error("unused")) });

/** The upstream path and query of `def` for `ocid` in `region` (latest data unless `date`). */
function upstreamPath(def: EndpointDef, ocid: string, region: RegionId = "kms", date?: string): string {
  const url = new URL(urls.buildUrl(def, region, { ocid }, date));
  return url.pathname + url.search;
}

/** Upstream answers built before the clock starts, so the fake's own CPU is not what gets measured. */
async function prepare(defs: readonly EndpointDef[], ocids: readonly string[], region: RegionId = "kms", dates: readonly (string | undefined)[] = [undefined]) {
  for (const ocid of ocids) {
    for (const date of dates) {
      for (const def of defs) {
        const path = upstreamPath(def, ocid, region, date);
        fake.prepared.set(path, await fake.answerOf(path));
      }
    }
  }
}

/** `total` GETs of `path`, CONCURRENCY at a time. */
const load = (base: string, path: string, total: number) => loadWith(CONCURRENCY, total, () => get(base, path));

/**
 * Where one request's time went, from the fake upstream's clock (the same
 * process as the client): until its first upstream call arrived, until its
 * last one did, and after the last answer left the upstream (`LATENCY_MS`
 * after that call arrived) until the client had the whole response.
 */
interface Timeline {
  first_call_ms: number;
  last_call_ms: number;
  after_last_answer_ms: number;
}

/** Sends `path` with the fake's arrival log cleared, and reads the timeline off it. */
async function timed(base: string, path: string): Promise<{ answer: Answer; timeline: Timeline }> {
  fake.arrivals.length = 0;
  const answer = await get(base, path);
  const first = Math.min(...fake.arrivals) - answer.started;
  const last = Math.max(...fake.arrivals) - answer.started;
  return { answer, timeline: { first_call_ms: first, last_call_ms: last, after_last_answer_ms: answer.ms - last - LATENCY_MS } };
}

/** Per-field medians of `timelines`, rounded. */
function medianTimeline(timelines: Timeline[]): Timeline {
  const of = (pick: (t: Timeline) => number) => round(median(timelines.map(pick)), 1);
  return { first_call_ms: of((t) => t.first_call_ms), last_call_ms: of((t) => t.last_call_ms), after_last_answer_ms: of((t) => t.after_last_answer_ms) };
}

function expectOk(answer: Answer, what: string) {
  if (answer.status !== 200) throw new Error(`${what}: HTTP ${answer.status} ${answer.body.slice(0, 300)}`);
}

// ---- the measurements -------------------------------------------------------

const PROFILE_SECTIONS = SECTIONS.filter((def) => def.name !== "skill");
const COLD_PROFILES = 15;
/**
 * Each cold request is measured on an idle Worker: the stores of the one before
 * (24 KV writes, once its answer has been delivered: src/runtime/deferred.ts) are
 * done. They are background work, not part of any answer's latency.
 */
const IDLE_MS = 1000;
/**
 * Rounds of cold requests of other characters first (a section, a six-section
 * profile, a profile: every kind measured below): a long-lived isolate has run
 * its code paths many times (optimised) and holds open connections to the
 * upstream; a fresh `wrangler dev` has neither, and its first requests measure
 * that instead. With three profiles only, the measured ones still got faster
 * over the first five to eight of fifteen (V8 was still optimising), and the
 * first request after switching kinds was slower again.
 */
const WARM_UPS = Number(process.env.BENCH_WARM_UPS ?? 10);
/** Six sections: what one invocation loads by itself (no child), for comparison. */
const SMALL_PROFILE = PROFILE_SECTIONS.slice(0, 6).map((def) => def.name).join(",");
const median = (values: number[]) => percentile(values, 50);

async function measure(base: string) {
  const [, single, coalesced] = SAMPLE_CHARACTERS;
  if (!single || !coalesced) throw new Error("the sample upstream needs three characters");
  // Each warm-up round runs every kind of cold request measured below, each on characters of its own.
  if (!(WARM_UPS >= 0 && WARM_UPS <= 100)) throw new Error("BENCH_WARM_UPS must be 0 to 100 (each round needs characters no other round or measurement uses)");
  const warmUps = Array.from({ length: WARM_UPS }, (_, i) => ({
    section: populationCharacter(700 + i).ocid,
    small: populationCharacter(800 + i).ocid,
    profile: populationCharacter(900 + i).ocid,
  }));
  const profiled = Array.from({ length: COLD_PROFILES }, (_, i) => populationCharacter(1000 + i).ocid);
  const sectioned = Array.from({ length: COLD_PROFILES }, (_, i) => populationCharacter(1300 + i).ocid);
  const small = Array.from({ length: COLD_PROFILES }, (_, i) => populationCharacter(1100 + i).ocid);
  await prepare(PROFILE_SECTIONS, [...warmUps.flatMap((w) => [w.section, w.small, w.profile]), ...profiled, ...sectioned, ...small, single.ocid, coalesced.ocid]);

  // Warm the isolate (module load) without touching any measured key.
  expectOk(await get(base, "/health"), "warm-up");
  for (const warmUp of warmUps) {
    expectOk(await get(base, `/v1/characters/${warmUp.section}/basic`), "warm-up section");
    await sleep(IDLE_MS);
    expectOk(await get(base, `/v1/characters/${warmUp.small}?sections=${SMALL_PROFILE}`), "warm-up six-section profile");
    await sleep(IDLE_MS);
    expectOk(await get(base, `/v1/characters/${warmUp.profile}`), "warm-up profile");
    await sleep(IDLE_MS);
  }

  await sleep(IDLE_MS);

  // 0. One cold section: the Worker's own cost around one upstream round trip.
  let before = fake.stats.calls;
  const one = await get(base, `/v1/characters/${single.ocid}/basic`);
  expectOk(one, "cold section");
  const singleCalls = fake.stats.calls - before;
  await sleep(IDLE_MS);

  // 1. Fan-out: cold aggregates of every default section, each right after a cold
  // single section of another character (medians of both: the ratio is read within one run).
  const colds: Answer[] = [];
  const singles: Answer[] = [];
  const timelines: Timeline[] = [];
  let maxConcurrentUpstream = 0;
  let profileCalls = 0;
  for (const [i, ocid] of profiled.entries()) {
    const section = await get(base, `/v1/characters/${sectioned[i]}/basic`);
    expectOk(section, "cold section");
    singles.push(section);
    await sleep(IDLE_MS);
    fake.stats.maxInFlight = 0;
    before = fake.stats.calls;
    const { answer: cold, timeline } = await timed(base, `/v1/characters/${ocid}`);
    expectOk(cold, "cold profile");
    profileCalls += fake.stats.calls - before;
    colds.push(cold);
    timelines.push(timeline);
    maxConcurrentUpstream = Math.max(maxConcurrentUpstream, fake.stats.maxInFlight);
    await sleep(IDLE_MS);
  }
  const coldCalls = profileCalls / profiled.length;
  const singleMs = median(singles.map((a) => a.ms));
  const smalls: Answer[] = [];
  for (const ocid of small) {
    const answer = await get(base, `/v1/characters/${ocid}?sections=${SMALL_PROFILE}`);
    expectOk(answer, "cold six-section profile");
    smalls.push(answer);
    await sleep(IDLE_MS);
  }
  const cold = colds[0]!;
  const coldMs = median(colds.map((a) => a.ms));
  const coldSections = Object.keys((JSON.parse(cold.body) as { sections: object }).sections).length;

  // 2. Warm profile: the same aggregate again.
  before = fake.stats.calls;
  const warm = await get(base, `/v1/characters/${profiled[0]}`);
  expectOk(warm, "warm profile");
  const warmCalls = fake.stats.calls - before;

  // 3. Coalescing: 50 concurrent identical cold requests.
  before = fake.stats.calls;
  const herd = await Promise.all(Array.from({ length: COALESCED_REQUESTS }, () => get(base, `/v1/characters/${coalesced.ocid}/stat`)));
  herd.forEach((a) => expectOk(a, "coalesced request"));
  const coalescedCalls = fake.stats.calls - before;

  // 4, 5. Hit throughput against /health, same tool and concurrency, alternating rounds.
  const hitPath = `/v1/characters/${single.ocid}/basic`;
  const check = await get(base, hitPath);
  if (check.headers["x-cache"] !== "HIT") throw new Error(`expected a cached section, got X-Cache ${String(check.headers["x-cache"])}`);
  await load(base, "/health", 200);
  await load(base, hitPath, 200);
  before = fake.stats.calls;
  const rounds = { health: [] as Awaited<ReturnType<typeof load>>[], hit: [] as Awaited<ReturnType<typeof load>>[] };
  for (let i = 0; i < 2; i++) {
    rounds.health.push(await load(base, "/health", REQUESTS));
    rounds.hit.push(await load(base, hitPath, REQUESTS));
  }
  const callsDuringHits = fake.stats.calls - before;
  const rps = (rs: { rps: number }[]) => rs.reduce((sum, r) => sum + r.rps, 0) / rs.length;
  const hitLatencies = rounds.hit.flatMap((r) => r.latencies);

  return {
    fanout: {
      sections: coldSections,
      cold_profile_ms: round(coldMs, 1),
      cold_profile_runs_ms: colds.map((a) => round(a.ms, 1)),
      cold_single_section_ms: round(singleMs, 1),
      cold_single_section_runs_ms: singles.map((a) => round(a.ms, 1)),
      ratio_to_single_section: round(coldMs / singleMs),
      cold_six_section_profile_ms: round(median(smalls.map((a) => a.ms)), 1),
      upstream_round_trip_ms: LATENCY_MS,
      ratio: round(coldMs / LATENCY_MS),
      upstream_calls: coldCalls,
      single_section_upstream_calls: singleCalls,
      max_concurrent_upstream_calls: maxConcurrentUpstream,
      x_cache: cold.headers["x-cache"],
      timeline: medianTimeline(timelines),
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

/**
 * The fan-out ratio of another region (MSEA: 22 default sections on the
 * region's own upstream path, key and clock), on the same Worker after the KMS
 * measurements (its code paths are warm). The sample has a few characters per
 * region, so each cold request asks another day of them: a past day is its own
 * cache entry, and costs the upstream the same as the latest data.
 */
async function measureRegionFanout(base: string, region: RegionId) {
  const [profiled, sectioned] = sampleCharactersIn(region);
  if (!profiled || !sectioned) throw new Error(`the sample upstream needs two ${region} characters`);
  const warmUps = 3;
  // Days after every section of the region exists (union-champion: 2025-12-18), well before today.
  const days = Array.from({ length: warmUps + COLD_PROFILES }, (_, i) => addDays("2026-01-05", i));
  const sections = sectionsIn(region).filter((def) => def.name !== "skill");
  await prepare(sections, [profiled.ocid, sectioned.ocid], region, days);
  const profiles: number[] = [];
  const singles: number[] = [];
  let sectionsAnswered = 0;
  for (const [i, date] of days.entries()) {
    const single = await get(base, `/v1/characters/${sectioned.ocid}/basic?region=${region}&date=${date}`);
    expectOk(single, `cold ${region} section`);
    await sleep(IDLE_MS);
    const profile = await get(base, `/v1/characters/${profiled.ocid}?region=${region}&date=${date}`);
    expectOk(profile, `cold ${region} profile`);
    if (profile.headers["x-cache"] !== "MISS") throw new Error(`expected a cold ${region} profile, got X-Cache ${String(profile.headers["x-cache"])}`);
    sectionsAnswered = Object.keys((JSON.parse(profile.body) as { sections: object }).sections).length;
    if (i >= warmUps) {
      singles.push(single.ms);
      profiles.push(profile.ms);
    }
    await sleep(IDLE_MS);
  }
  const profileMs = median(profiles);
  const singleMs = median(singles);

  // The NEXON-compatible gateway asks for data a profile above loaded through /v1: the same cache entry.
  const before = fake.stats.calls;
  const gateway = await get(base, `/nexon/${REGIONS[region].service}/v1/character/stat?ocid=${profiled.ocid}&date=${days.at(-1)}`);
  expectOk(gateway, "gateway hit");
  const gatewayHit = { upstream_calls: fake.stats.calls - before, x_cache: gateway.headers["x-cache"], ms: round(gateway.ms, 1) };

  return {
    region,
    gateway_hit: gatewayHit,
    sections: sectionsAnswered,
    cold_profile_ms: round(profileMs, 1),
    cold_single_section_ms: round(singleMs, 1),
    ratio_to_single_section: round(profileMs / singleMs),
    cold_profile_runs_ms: profiles.map((ms) => round(ms, 1)),
    cold_single_section_runs_ms: singles.map((ms) => round(ms, 1)),
  };
}

/**
 * Cold profiles on a Worker with one hand-made mechanism switched off, so the
 * table shows what each one buys: the fan-out (src/features/characters/fanout,
 * PROFILE_CHILD_INVOCATIONS) and the delay before a response's stores start
 * (src/runtime/deferred.ts, DEFERRED_WORK_DELAY_MS). `firstCharacter` keeps
 * each Worker's characters apart from every other measurement's.
 */
async function measureWithout(vars: Record<string, string>, firstCharacter: number) {
  const base = await startWorker(fake.port, { vars });
  const ocids = Array.from({ length: WARM_UPS + SWITCHED_OFF_PROFILES }, (_, i) => populationCharacter(firstCharacter + i).ocid);
  await prepare(PROFILE_SECTIONS, ocids);
  const runs: number[] = [];
  for (const [i, ocid] of ocids.entries()) {
    const answer = await get(base, `/v1/characters/${ocid}`);
    expectOk(answer, `cold profile with ${JSON.stringify(vars)}`);
    if (i >= WARM_UPS) runs.push(answer.ms);
    await sleep(IDLE_MS);
  }
  return { vars, ms: round(median(runs), 1), runs_ms: runs.map((ms) => round(ms, 1)) };
}

/**
 * The same 24 upstream calls made by the bare reference Worker (bench/floor),
 * all at once with no limit, cache or validation: what `wrangler dev`'s own
 * machinery costs on this machine, so the fan-out ratio can be read against it.
 */
async function measureFloor() {
  const floorBase = await startFloorWorker(fake.port);
  const ocids = Array.from({ length: WARM_UPS + COLD_PROFILES }, (_, i) => populationCharacter(1200 + i).ocid);
  await prepare(PROFILE_SECTIONS, ocids);
  const pathsOf = (ocid: string) => PROFILE_SECTIONS.map((def) => `path=${encodeURIComponent(upstreamPath(def, ocid))}`).join("&");
  const runs: number[] = [];
  const timelines: Timeline[] = [];
  for (const [i, ocid] of ocids.entries()) {
    const { answer, timeline } = await timed(floorBase, `/?${pathsOf(ocid)}`);
    expectOk(answer, "floor worker");
    // As many warm-ups as the profile had.
    if (i >= WARM_UPS) {
      runs.push(answer.ms);
      timelines.push(timeline);
    }
    await sleep(IDLE_MS);
  }
  return { ms: round(median(runs), 1), runs_ms: runs.map((ms) => round(ms, 1)), ratio: round(median(runs) / LATENCY_MS), timeline: medianTimeline(timelines) };
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

const timelineText = (t: Timeline) => `${t.first_call_ms} / ${t.last_call_ms} / ${t.after_last_answer_ms}`;

type Results = Awaited<ReturnType<typeof measure>> & {
  msea: Awaited<ReturnType<typeof measureRegionFanout>>;
  floor: Awaited<ReturnType<typeof measureFloor>>;
  single_invocation: Awaited<ReturnType<typeof measureWithout>>;
  stores_at_once: Awaited<ReturnType<typeof measureWithout>>;
  bundle: ReturnType<typeof bundleSize>;
};

function table(r: Results) {
  const ok = (pass: boolean) => (pass ? "✅" : "❌");
  const rows = [
    [
      "Fan-out: cold profile ÷ cold single section (medians)",
      `${r.fanout.ratio_to_single_section} (${r.fanout.cold_profile_ms} ms / ${r.fanout.cold_single_section_ms} ms, ${r.fanout.sections} sections, ${r.fanout.max_concurrent_upstream_calls} upstream calls in flight at once)`,
      `≤ ${TARGETS.fanout}`,
      ok(r.fanout.ratio_to_single_section <= TARGETS.fanout),
    ],
    ["(same run) cold profile ÷ one upstream round trip", `${r.fanout.ratio}`, "", ""],
    [
      "(same run) MSEA: cold profile ÷ cold single section (medians, past days)",
      `${r.msea.ratio_to_single_section} (${r.msea.cold_profile_ms} ms / ${r.msea.cold_single_section_ms} ms, ${r.msea.sections} sections)`,
      `≤ ${TARGETS.fanout}`,
      ok(r.msea.ratio_to_single_section <= TARGETS.fanout),
    ],
    [
      "(same run) NEXON gateway request for data /v1 already cached (MSEA character/stat): upstream calls",
      `${r.msea.gateway_hit.upstream_calls} (X-Cache: ${r.msea.gateway_hit.x_cache}, ${r.msea.gateway_hit.ms} ms)`,
      "0",
      ok(r.msea.gateway_hit.upstream_calls === 0),
    ],
    [
      "(same run) hand-made: the fan-out (child invocations). Cold profile with PROFILE_CHILD_INVOCATIONS=off ÷ on",
      `${round(r.single_invocation.ms / r.fanout.cold_profile_ms)} (${r.single_invocation.ms} ms / ${r.fanout.cold_profile_ms} ms)`,
      "> 1",
      ok(r.single_invocation.ms > r.fanout.cold_profile_ms),
    ],
    [
      "(same run) hand-made: stores start 100 ms after delivery. Cold profile with DEFERRED_WORK_DELAY_MS=0 ÷ 100",
      `${round(r.stores_at_once.ms / r.fanout.cold_profile_ms)} (${r.stores_at_once.ms} ms / ${r.fanout.cold_profile_ms} ms)`,
      "> 1",
      ok(r.stores_at_once.ms > r.fanout.cold_profile_ms),
    ],
    ["(same run) bare reference Worker, the same 24 calls at once, no limit or cache ÷ one round trip", `${r.floor.ratio} (${r.floor.ms} ms)`, "", ""],
    [
      "(same run) where the cold profile's time went, median ms: until its first upstream call arrived / its last / after the last answer left the upstream until the client had it all",
      `${timelineText(r.fanout.timeline)}; reference Worker ${timelineText(r.floor.timeline)}`,
      "",
      "",
    ],
    ["(same run) cold single section / cold 6-section profile ÷ one round trip", `${round(r.fanout.cold_single_section_ms / LATENCY_MS)} / ${round(r.fanout.cold_six_section_profile_ms / LATENCY_MS)}`, "", ""],
    ["Warm profile: upstream calls", `${r.warm_profile.upstream_calls} (X-Cache: ${r.warm_profile.x_cache})`, `${TARGETS.warmCalls}`, ok(r.warm_profile.upstream_calls === TARGETS.warmCalls)],
    ["Coalescing: upstream calls for 50 concurrent identical cold requests", `${r.coalescing.upstream_calls}`, `${TARGETS.coalescedCalls}`, ok(r.coalescing.upstream_calls === TARGETS.coalescedCalls)],
    ["Hit throughput: cached section ÷ /health (req/s)", `${r.throughput.ratio} (${r.throughput.cached_section_rps} / ${r.throughput.health_rps}, concurrency ${CONCURRENCY})`, `≥ ${TARGETS.hitRatio}`, ok(r.throughput.ratio >= TARGETS.hitRatio)],
    ["Cached hit latency p50 / p99", `${r.hit_latency_ms.p50} ms / ${r.hit_latency_ms.p99} ms`, "", ""],
    ["Bundle, minified / gzip", `${r.bundle.minified_kib} KiB / ${r.bundle.gzip_kib} KiB`, `< ${TARGETS.gzipKiB} KiB gzip`, ok(r.bundle.gzip_kib < TARGETS.gzipKiB)],
  ];
  return ["| Measure | Result | Target | |", "| --- | --- | --- | --- |", ...rows.map((row) => `| ${row.join(" | ")} |`)].join("\n");
}

async function main() {
  process.once("SIGINT", () => void cleanup().then(() => process.exit(130)));
  try {
    fake = await startUpstream(LATENCY_MS);
    const base = await startWorker(fake.port);
    const results = await measure(base);
    const msea = await measureRegionFanout(base, "msea");
    const singleInvocation = await measureWithout({ PROFILE_CHILD_INVOCATIONS: "off" }, 1400);
    const storesAtOnce = await measureWithout({ DEFERRED_WORK_DELAY_MS: "0" }, 1500);
    const floor = await measureFloor();
    await cleanup();
    const bundle = bundleSize();
    const all = { measured_at: new Date().toISOString(), node: process.version, upstream_latency_ms: LATENCY_MS, ...results, msea, single_invocation: singleInvocation, stores_at_once: storesAtOnce, floor, bundle };
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
