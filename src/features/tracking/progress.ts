import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { addDays, dateRange, daysBetween } from "../../lib/calendar";
import { invalidField, isProblem, ProblemError } from "../../lib/problem";
import { allowedDates, resolveDate } from "../../upstream/dates";
import type { RegionId } from "../../upstream/regions";
import { fetchSection } from "../characters/characters.service";
import {
  BASIC,
  nullOnNoData,
  readSnapshots,
  snapshotFromUpstream,
  storeSnapshots,
  type CharacterRef,
  type DatedSnapshot,
  type SnapshotValues,
} from "./snapshots";

export const MAX_PROGRESS_DAYS = 31;
export const DEFAULT_PROGRESS_DAYS = 7;

const EMPTY: SnapshotValues = { character_level: null, character_exp: null, character_exp_rate: null, combat_power: null };

/** from/to validated like every dated route, in the region's clock; defaults: the last 7 available days. */
export function progressRange(region: RegionId, rawFrom: string | undefined, rawTo: string | undefined, now: number): { from: string; to: string } {
  const { latest } = allowedDates(BASIC, region, now);
  const to = resolveDate(BASIC, region, rawTo, now, "query.to") ?? latest;
  const from = resolveDate(BASIC, region, rawFrom, now, "query.from") ?? addDays(to, -(DEFAULT_PROGRESS_DAYS - 1));
  if (from > to) {
    throw invalidField("query.from", { en: "from must not be after to.", ko: "from은 to보다 늦을 수 없습니다." });
  }
  if (daysBetween(from, to) + 1 > MAX_PROGRESS_DAYS) {
    throw invalidField("query.from", {
      en: `A progress request covers at most ${MAX_PROGRESS_DAYS} days.`,
      ko: `진행 기록은 한 번에 최대 ${MAX_PROGRESS_DAYS}일까지 조회할 수 있습니다.`,
    });
  }
  return { from, to };
}

/** The series, and whether every day was answered (false: some days are null because the upstream failed). */
export interface ProgressSeries {
  items: DatedSnapshot[];
  complete: boolean;
}

/**
 * A character's daily series: days already in D1 come from D1; missing days are
 * fetched (basic + stat, concurrently, through the cache, client budget and
 * subrequest limit; `refresh` skips the fresh cached copies), stored in one batch
 * and returned. Days the upstream could not answer are null and not stored, so a
 * later request fills them: such a series is not `complete`.
 */
export async function loadProgress(c: Context<AppEnv>, character: CharacterRef, from: string, to: string, { refresh = false } = {}): Promise<ProgressSeries> {
  const stored = await readSnapshots(c.env.DB, character, from, to);
  const missing = dateRange(from, to).filter((d) => !stored.has(d));
  const load = nullOnNoData(async (def, region, ocid, date) => (await fetchSection(c, { def, region, ocid, date }, { refresh })).body);
  const fetched = await Promise.allSettled(missing.map((date) => snapshotFromUpstream(load, character, date)));

  const failures = fetched.flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
  if (stored.size === 0 && failures.length === missing.length && failures.length > 0) {
    // Nothing known and nothing fetched: answer with the reason (e.g. unknown ocid → 404).
    const first = failures[0];
    throw isProblem(first) ? first : new ProblemError("UPSTREAM_UNAVAILABLE");
  }

  const rows = missing.flatMap((date, i) => {
    const r = fetched[i]!;
    return r.status === "fulfilled" ? [{ ...character, date, values: r.value }] : [];
  });
  await storeSnapshots(c.env.DB, rows);
  const fresh = new Map(rows.map((r) => [r.date, r.values]));
  const items = dateRange(from, to).map((date) => ({ date, ...(stored.get(date) ?? fresh.get(date) ?? EMPTY) }));
  return { items, complete: failures.length === 0 };
}
