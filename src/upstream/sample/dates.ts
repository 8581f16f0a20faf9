import { addDays, daysBetween, isIsoDate, kstParts } from "../../lib/kst";
import { fail } from "./errors";

/** The first day any character data exists; growth curves are measured from it. */
export const CHARACTER_START = "2023-12-21";
export const RANKING_START = "2023-12-22";

/** Earliest `date` per snapshot endpoint (nexon-upstream.md §3); others start at CHARACTER_START. */
export const EARLIEST: Record<string, string> = {
  "character/other-stat": "2025-08-21",
  "character/ring-exchange-skill-equipment": "2025-08-21",
  "user/union-artifact": "2024-01-18",
  "user/union-champion": "2025-02-20",
};

/** Yesterday's snapshot appears at 02:00 KST, today's ranking at 08:30 KST. */
const SNAPSHOT_READY_MINUTES = 2 * 60;
const RANKING_READY_MINUTES = 8 * 60 + 30;

/** What one request knows about "now". */
export interface Clock {
  today: string;
  minutesOfDay: number;
  /** Emulate the publish delays (00009 before the data is ready). */
  publishDelays: boolean;
}

export function clockAt(now: number, publishDelays: boolean): Clock {
  const { date, minutesOfDay } = kstParts(now);
  return { today: date, minutesOfDay, publishDelays };
}

/** Whole days since CHARACTER_START: the x axis of every growth curve. */
export const dayIndex = (date: string): number => daysBetween(CHARACTER_START, date);

/** The body's `date`: null for latest, else midnight KST of the asked day. */
export const bodyDate = (date: string | null): string | null => (date === null ? null : `${date}T00:00+09:00`);

/** A KST timestamp as the upstream writes them, e.g. 2025-11-20T10:00+09:00. */
export function kstStamp(date: string, minutes: number, withSeconds = false): string {
  const hh = String(Math.floor(minutes / 60) % 24).padStart(2, "0");
  const mm = String(Math.floor(minutes) % 60).padStart(2, "0");
  const ss = withSeconds ? `:${String(Math.floor(minutes * 60) % 60).padStart(2, "0")}` : "";
  return `${date}T${hh}:${mm}${ss}+09:00`;
}

/** A snapshot `date`: omitted → null (latest); else a finished KST day no earlier than `earliest`. */
export function snapshotDate(raw: string | null, earliest: string, clock: Clock): string | null {
  if (raw === null) return null;
  if (!isIsoDate(raw) || raw < earliest || raw >= clock.today) fail("OPENAPI00004");
  if (clock.publishDelays && raw === addDays(clock.today, -1) && clock.minutesOfDay < SNAPSHOT_READY_MINUTES) fail("OPENAPI00009");
  return raw;
}

/** A ranking `date`: required; today is allowed (from 08:30 KST when delays are emulated). */
export function rankingDate(raw: string | null, clock: Clock): string {
  if (raw === null || !isIsoDate(raw) || raw < RANKING_START || raw > clock.today) fail("OPENAPI00004");
  if (clock.publishDelays && raw === clock.today && clock.minutesOfDay < RANKING_READY_MINUTES) fail("OPENAPI00009");
  return raw;
}

/** A history `date`: today allowed, nothing before the endpoint's first day. */
export function historyDate(raw: string, earliest: string | undefined, clock: Clock): string {
  if (!isIsoDate(raw) || raw > clock.today || (earliest !== undefined && raw < earliest)) fail("OPENAPI00004");
  return raw;
}
