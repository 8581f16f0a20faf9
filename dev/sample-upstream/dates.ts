import { addDays, clockParts, daysBetween, isIsoDate } from "../../src/lib/calendar";
import { earliestIn, endpoint } from "../../src/upstream/endpoints";
import { REGIONS, type RegionId } from "../../src/upstream/regions";
import { fail } from "./errors";

/**
 * The first day any character data exists (character/basic's earliest `date` in
 * the endpoint table); growth curves are measured from it. Every other earliest
 * day is read from its endpoint's row (routes.ts).
 */
export const CHARACTER_START: string = earliestIn(endpoint("character", "basic"), "kms")!;

/** The same for each region (its own clock): where its characters' growth curves start. */
export const REGION_START: Record<RegionId, string> = Object.fromEntries(
  (Object.keys(REGIONS) as RegionId[]).map((r) => [r, earliestIn(endpoint("character", "basic"), r) ?? REGIONS[r].firstDay]),
) as Record<RegionId, string>;

/** Today's ranking appears at 08:30 KST (rankings are KMS-only); snapshots follow the region's rule. */
const RANKING_READY_MINUTES = 8 * 60 + 30;

/** What one request knows about "now", in the asked region's clock. */
export interface Clock {
  region: RegionId;
  today: string;
  minutesOfDay: number;
  /** Emulate the publish delays (00009 before the data is ready). */
  publishDelays: boolean;
}

export function clockAt(now: number, publishDelays: boolean, region: RegionId = "kms"): Clock {
  const { date, minutesOfDay } = clockParts(now, REGIONS[region].utcOffsetMinutes);
  return { region, today: date, minutesOfDay, publishDelays };
}

/** Whole days since the region's first day: the x axis of every growth curve. */
export const dayIndex = (date: string, region: RegionId = "kms"): number => daysBetween(REGION_START[region], date);

/** The region's UTC offset as timestamps write it: +09:00 (KST), +08:00. */
export function zoneOf(region: RegionId): string {
  const minutes = REGIONS[region].utcOffsetMinutes;
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? "-" : "+"}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

/** Midnight of a day in the region's clock, e.g. 2025-01-21T00:00+08:00. */
export const midnightIn = (day: string, region: RegionId): string => `${day}T00:00${zoneOf(region)}`;

/** The body's `date`: null for latest, else midnight of the asked day in the region's clock. */
export const bodyDate = (date: string | null, region: RegionId = "kms"): string | null => (date === null ? null : midnightIn(date, region));

/** A KST timestamp as the upstream writes them, e.g. 2025-11-20T10:00+09:00. */
export function kstStamp(date: string, minutes: number, withSeconds = false): string {
  const hh = String(Math.floor(minutes / 60) % 24).padStart(2, "0");
  const mm = String(Math.floor(minutes) % 60).padStart(2, "0");
  const ss = withSeconds ? `:${String(Math.floor(minutes * 60) % 60).padStart(2, "0")}` : "";
  return `${date}T${hh}:${mm}${ss}+09:00`;
}

/**
 * A snapshot `date`: omitted → null (latest); else a finished day (the region's clock) no
 * earlier than `earliest`. Yesterday's appears at the region's publish minute (02:00 local).
 */
export function snapshotDate(raw: string | null, earliest: string, clock: Clock): string | null {
  if (raw === null) return null;
  if (!isIsoDate(raw) || raw < earliest || raw >= clock.today) fail("OPENAPI00004");
  const ready = REGIONS[clock.region].snapshotPublishMinutes;
  if (clock.publishDelays && raw === addDays(clock.today, -1) && clock.minutesOfDay < ready) fail("OPENAPI00009");
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
