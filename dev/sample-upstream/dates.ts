import { addDays, daysBetween, isIsoDate, kstParts } from "../../src/lib/calendar";
import { earliestIn, endpoint } from "../../src/upstream/endpoints";
import { fail } from "./errors";

/**
 * The first day any character data exists (character/basic's earliest `date` in
 * the endpoint table); growth curves are measured from it. Every other earliest
 * day is read from its endpoint's row (routes.ts).
 */
export const CHARACTER_START: string = earliestIn(endpoint("character", "basic"), "kms")!;

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

/** A ranking `date`: required, no earlier than `earliest`; today is allowed (from 08:30 KST when delays are emulated). */
export function rankingDate(raw: string | null, earliest: string, clock: Clock): string {
  if (raw === null || !isIsoDate(raw) || raw < earliest || raw > clock.today) fail("OPENAPI00004");
  if (clock.publishDelays && raw === clock.today && clock.minutesOfDay < RANKING_READY_MINUTES) fail("OPENAPI00009");
  return raw;
}

/** A history `date`: today allowed, nothing before the endpoint's first day. */
export function historyDate(raw: string, earliest: string | undefined, clock: Clock): string {
  if (!isIsoDate(raw) || raw > clock.today || (earliest !== undefined && raw < earliest)) fail("OPENAPI00004");
  return raw;
}
