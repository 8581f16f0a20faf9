import { addDays, addYears, clockParts, isIsoDate } from "../lib/calendar";
import { invalidField } from "../lib/problem";
import { earliestIn, type EndpointDef } from "./endpoints";
import { REGIONS, type RegionId } from "./regions";

/** Today's ranking is published at 08:30 KST (rankings exist only in KMS). */
export const RANKING_PUBLISH_MINUTES = 8 * 60 + 30;

/** Today in the region's clock. */
export function todayIn(region: RegionId, now: number): string {
  return clockParts(now, REGIONS[region].utcOffsetMinutes).date;
}

/** The earliest and latest day an endpoint answers for in `region` at `now` (days in the region's clock). */
export function allowedDates(def: EndpointDef, region: RegionId, now: number): { earliest: string; latest: string } {
  const facts = REGIONS[region];
  const { date: today, minutesOfDay } = clockParts(now, facts.utcOffsetMinutes);
  const first = earliestIn(def, region) ?? facts.firstDay;
  switch (def.date.kind) {
    case "none":
    case "snapshot":
      return { earliest: first, latest: addDays(today, minutesOfDay >= facts.snapshotPublishMinutes ? -1 : -2) };
    case "ranking":
      return { earliest: first, latest: minutesOfDay >= RANKING_PUBLISH_MINUTES ? today : addDays(today, -1) };
    case "history": {
      const window = addYears(today, -2);
      const earliest = earliestIn(def, region);
      return { earliest: earliest && earliest > window ? earliest : window, latest: today };
    }
  }
}

/** Why a day after `latest` is refused, in the player's words. */
function whyNotYet(def: EndpointDef, region: RegionId): { en: string; ko: string } {
  const { clock, snapshotPublishMinutes } = REGIONS[region];
  const hour = String(snapshotPublishMinutes / 60).padStart(2, "0");
  if (def.date.kind === "snapshot") {
    return { en: ` Days are published the next morning (from ${hour}:00 ${clock}).`, ko: ` 하루치 데이터는 다음 날 오전 ${Number(hour)}시(${clock})부터 조회할 수 있습니다.` };
  }
  if (def.date.kind === "ranking") return { en: " Today's ranking is published at 08:30 KST.", ko: " 오늘 랭킹은 오전 8시 30분(KST)에 공개됩니다." };
  return { en: "", ko: "" };
}

/**
 * Checks a `date` against the endpoint's rule in `region` before any upstream
 * call, so a date the upstream would refuse costs no quota. Returns the date to
 * send: the given one, or for rankings the latest published day when omitted
 * (undefined = latest).
 */
export function resolveDate(def: EndpointDef, region: RegionId, date: string | undefined, now: number, field = "query.date"): string | undefined {
  if (def.date.kind === "none") return undefined;
  const { earliest, latest } = allowedDates(def, region, now);
  const { clock } = REGIONS[region];
  if (date === undefined) return def.date.kind === "ranking" ? latest : undefined;
  if (!isIsoDate(date)) {
    throw invalidField(field, {
      en: `date must be a real day written YYYY-MM-DD (${clock}), from ${earliest} to ${latest}.`,
      ko: `date는 YYYY-MM-DD 형식의 실제 날짜(${clock})여야 하며 ${earliest}부터 ${latest}까지 가능합니다.`,
    });
  }
  if (date < earliest || date > latest) {
    const why = date > latest ? whyNotYet(def, region) : { en: "", ko: "" };
    throw invalidField(field, {
      en: `date must be from ${earliest} to ${latest} (${clock}) for this data.${why.en}`,
      ko: `이 데이터의 date는 ${earliest}부터 ${latest}까지(${clock}) 가능합니다.${why.ko}`,
    });
  }
  return date;
}
