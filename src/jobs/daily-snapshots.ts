import { getConfig } from "../config";
import type { Bindings } from "../env";
import { addDays } from "../lib/calendar";
import { describeError, log } from "../lib/logging";
import { SubrequestLimiter } from "../runtime/subrequests";
import { createNexonClient } from "../upstream/connect";
import { allowedDates } from "../upstream/dates";
import {
  BASIC,
  snapshotFromUpstream,
  storeSnapshots,
  type CharacterRef,
  type SectionLoader,
} from "../features/tracking/snapshots";
import { REGION_IDS, type RegionId } from "../upstream/regions";

export interface SnapshotRunOptions {
  now?: number;
  /** Days back to fill (newest first): a run that was cut off is finished by the next ones. */
  days?: number;
  /** Stop starting new work after this many ms; what is left is "remaining". */
  timeBudgetMs?: number;
  /** Characters fetched at once (each costs two upstream calls). */
  concurrency?: number;
}

export interface SnapshotRunSummary {
  /** Each served region's days this run looked at, newest first. */
  dates: Partial<Record<RegionId, string[]>>;
  tracked: number;
  missing: number;
  written: number;
  failed: number;
  remaining: number;
}

type Pair = CharacterRef & { date: string };

/**
 * Distinct tracked characters lacking a snapshot for any of their region's
 * `days`, as (region, ocid, date), newest day first. `days` lists each region's
 * own published days (their clocks differ).
 */
async function missingPairs(d1: D1Database, days: { region: RegionId; date: string }[]): Promise<{ tracked: number; pairs: Pair[] }> {
  if (days.length === 0) return { tracked: 0, pairs: [] };
  const placeholders = days.map(() => "(?, ?)").join(",");
  const { results } = await d1
    .prepare(
      `WITH days(region, date) AS (VALUES ${placeholders}),
            tracked AS (SELECT DISTINCT region, ocid FROM tracked_characters)
       SELECT tracked.region AS region, tracked.ocid AS ocid, days.date AS date,
              (SELECT COUNT(*) FROM tracked) AS tracked
       FROM tracked JOIN days ON days.region = tracked.region
       WHERE NOT EXISTS (
         SELECT 1 FROM character_snapshots s WHERE s.region = tracked.region AND s.ocid = tracked.ocid AND s.date = days.date)
       ORDER BY days.date DESC, tracked.region, tracked.ocid`,
    )
    .bind(...days.flatMap((d) => [d.region, d.date]))
    .all<{ region: RegionId; ocid: string; date: string; tracked: number }>();
  const tracked =
    results[0]?.tracked ?? (await d1.prepare("SELECT COUNT(*) AS n FROM (SELECT DISTINCT region, ocid FROM tracked_characters)").first<number>("n")) ?? 0;
  return { tracked, pairs: results.map(({ region, ocid, date }) => ({ region, ocid, date })) };
}

/**
 * The daily Cron Trigger's work: one snapshot per distinct tracked character per
 * day its region has published (each region by its own clock; regions this
 * deployment has no key for are skipped). Idempotent (existing days are skipped and never rewritten),
 * within the NEXON_RPS budget (the client's) and the six-subrequest limit,
 * and resumable: whatever a cut-off run leaves missing, the next run picks up.
 */
export async function runDailySnapshots(env: Bindings, options: SnapshotRunOptions = {}): Promise<SnapshotRunSummary> {
  const now = options.now ?? Date.now();
  const started = Date.now();
  const timeBudgetMs = options.timeBudgetMs ?? 10 * 60 * 1000;
  const concurrency = Math.max(1, Math.min(options.concurrency ?? 3, 3));
  getConfig(env); // fail loudly (MISCONFIGURED, logged) before touching anything
  const limiter = new SubrequestLimiter();
  const client = createNexonClient(env, { gate: (task) => limiter.run(task) });
  const dates: SnapshotRunSummary["dates"] = {};
  for (const region of REGION_IDS.filter((r) => client.serves(r))) {
    const { latest } = allowedDates(BASIC, region, now);
    dates[region] = Array.from({ length: options.days ?? 3 }, (_, i) => addDays(latest, -i));
  }
  const load: SectionLoader = async (def, region, ocid, date) => {
    const answer = await client.fetchAnswer(def, { ocid }, { region, date });
    return answer.empty ? null : answer.body;
  };

  const days = Object.entries(dates).flatMap(([region, list]) => list.map((date) => ({ region: region as RegionId, date })));
  const { tracked, pairs } = await missingPairs(env.DB, days);
  let written = 0;
  let failed = 0;
  let next = 0;
  const worker = async () => {
    while (next < pairs.length && Date.now() - started < timeBudgetMs) {
      const pair = pairs[next++]!;
      try {
        const values = await snapshotFromUpstream(load, pair, pair.date);
        // Not `written += await …`: that would read `written` before the await and lose concurrent counts.
        const stored = await storeSnapshots(env.DB, [{ ...pair, values }]);
        written += stored;
      } catch (err) {
        failed += 1;
        log("warn", "snapshot_failed", { region: pair.region, ocid: pair.ocid, date: pair.date, ...describeError(err) });
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));

  const summary = { dates, tracked, missing: pairs.length, written, failed, remaining: pairs.length - next };
  log("info", "daily_snapshots", { ...summary });
  return summary;
}
