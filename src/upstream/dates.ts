import { addDays, addYears, isIsoDate, kstParts } from "../lib/kst";
import { invalidField } from "../lib/problem";
import type { DateRule } from "./endpoints";

/** Yesterday's snapshot is published at about 02:00 KST, today's ranking at 08:30 KST. */
export const SNAPSHOT_PUBLISH_MINUTES = 2 * 60;
export const RANKING_PUBLISH_MINUTES = 8 * 60 + 30;

/** The earliest and latest day an endpoint answers for at `now`. */
export function allowedDates(rule: Exclude<DateRule, { kind: "none" }>, now: number): { earliest: string; latest: string } {
  const { date: today, minutesOfDay } = kstParts(now);
  switch (rule.kind) {
    case "snapshot":
      return {
        earliest: rule.earliest,
        latest: addDays(today, minutesOfDay >= SNAPSHOT_PUBLISH_MINUTES ? -1 : -2),
      };
    case "ranking":
      return { earliest: rule.earliest, latest: minutesOfDay >= RANKING_PUBLISH_MINUTES ? today : addDays(today, -1) };
    case "history": {
      const window = addYears(today, -2);
      return { earliest: rule.earliest && rule.earliest > window ? rule.earliest : window, latest: today };
    }
  }
}

/**
 * Checks a `date` against the endpoint's rule before any upstream call, so a date
 * the upstream would refuse costs no quota. Returns the date to send: the given
 * one, or for rankings the latest published day when omitted (undefined = latest).
 */
export function resolveDate(rule: DateRule, date: string | undefined, now: number, field = "query.date"): string | undefined {
  if (rule.kind === "none") return undefined;
  const { earliest, latest } = allowedDates(rule, now);
  if (date === undefined) return rule.kind === "ranking" ? latest : undefined;
  if (!isIsoDate(date)) {
    throw invalidField(field, {
      en: `date must be a real day written YYYY-MM-DD (KST), from ${earliest} to ${latest}.`,
      ko: `date는 YYYY-MM-DD 형식의 실제 날짜(KST)여야 하며 ${earliest}부터 ${latest}까지 가능합니다.`,
    });
  }
  if (date < earliest || date > latest) {
    const why =
      date > latest
        ? rule.kind === "snapshot"
          ? { en: " Days are published the next morning (from 02:00 KST).", ko: " 하루치 데이터는 다음 날 오전 2시(KST)부터 조회할 수 있습니다." }
          : rule.kind === "ranking"
            ? { en: " Today's ranking is published at 08:30 KST.", ko: " 오늘 랭킹은 오전 8시 30분(KST)에 공개됩니다." }
            : { en: "", ko: "" }
        : { en: "", ko: "" };
    throw invalidField(field, {
      en: `date must be from ${earliest} to ${latest} (KST) for this data.${why.en}`,
      ko: `이 데이터의 date는 ${earliest}부터 ${latest}까지(KST) 가능합니다.${why.ko}`,
    });
  }
  return date;
}
