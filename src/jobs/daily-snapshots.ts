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
  type SectionLoader,
} from "../features/tracking/snapshots";

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
  dates: string[];
  tracked: number;
  missing: number;
  written: number;
  failed: number;
  remaining: number;
}

/** Distinct tracked ocids lacking a snapshot for any of `dates`, as (ocid, date) pairs, newest day first. */
async function missingPairs(d1: D1Database, dates: string[]): Promise<{ tracked: number; pairs: { ocid: string; date: string }[] }> {
  const placeholders = dates.map(() => "(?)").join(",");
  const { results } = await d1
    .prepare(
      `WITH days(date) AS (VALUES ${placeholders}),
            tracked AS (SELECT DISTINCT ocid FROM tracked_characters)
       SELECT tracked.ocid AS ocid, days.date AS date,
              (SELECT COUNT(*) FROM tracked) AS tracked
       FROM tracked CROSS JOIN days
       WHERE NOT EXISTS (SELECT 1 FROM character_snapshots s WHERE s.ocid = tracked.ocid AND s.date = days.date)
       ORDER BY days.date DESC, tracked.ocid`,
    )
    .bind(...dates)
    .all<{ ocid: string; date: string; tracked: number }>();
  const tracked = results[0]?.tracked ?? (await d1.prepare("SELECT COUNT(DISTINCT ocid) AS n FROM tracked_characters").first<number>("n")) ?? 0;
  return { tracked, pairs: results.map(({ ocid, date }) => ({ ocid, date })) };
}

/**
 * The daily Cron Trigger's work: one snapshot per distinct tracked character per
 * published day. Idempotent (existing days are skipped and never rewritten),
 * within the NEXON_RPS budget (the client's) and the six-subrequest limit,
 * and resumable: whatever a cut-off run leaves missing, the next run picks up.
 */
export async function runDailySnapshots(env: Bindings, options: SnapshotRunOptions = {}): Promise<SnapshotRunSummary> {
  const now = options.now ?? Date.now();
  const started = Date.now();
  const timeBudgetMs = options.timeBudgetMs ?? 10 * 60 * 1000;
  const concurrency = Math.max(1, Math.min(options.concurrency ?? 3, 3));
  const { latest } = allowedDates(BASIC, "kms", now);
  const dates = Array.from({ length: options.days ?? 3 }, (_, i) => addDays(latest, -i));

  getConfig(env); // fail loudly (MISCONFIGURED, logged) before touching anything
  const limiter = new SubrequestLimiter();
  const client = createNexonClient(env, { gate: (task) => limiter.run(task) });
  const load: SectionLoader = async (def, ocid, date) => {
    const answer = await client.fetchAnswer(def, { ocid }, { region: "kms", date });
    return answer.empty ? null : answer.body;
  };

  const { tracked, pairs } = await missingPairs(env.DB, dates);
  let written = 0;
  let failed = 0;
  let next = 0;
  const worker = async () => {
    while (next < pairs.length && Date.now() - started < timeBudgetMs) {
      const pair = pairs[next++]!;
      try {
        const values = await snapshotFromUpstream(load, pair.ocid, pair.date);
        // Not `written += await …`: that would read `written` before the await and lose concurrent counts.
        const stored = await storeSnapshots(env.DB, [{ ...pair, values }]);
        written += stored;
      } catch (err) {
        failed += 1;
        log("warn", "snapshot_failed", { ocid: pair.ocid, date: pair.date, ...describeError(err) });
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));

  const summary = { dates, tracked, missing: pairs.length, written, failed, remaining: pairs.length - next };
  log("info", "daily_snapshots", { ...summary });
  return summary;
}
