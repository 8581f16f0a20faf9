import { todayIn } from "../upstream/dates";
import type { CacheClass, EndpointDef } from "../upstream/endpoints";
import type { RegionId } from "../upstream/regions";

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** How long an upstream answer may be served, in seconds from when it was fetched. */
export interface CachePolicy {
  /** Served as it is (HIT) for this long. */
  freshSeconds: number;
  /** Then served STALE for this long while one background call revalidates it. */
  staleWhileRevalidateSeconds: number;
  /** Then (counted from the end of freshness) served STALE only when the upstream fails. */
  staleIfErrorSeconds: number;
}

/** A finished day never changes upstream. */
export const PAST_DAY_POLICY: CachePolicy = { freshSeconds: 30 * DAY, staleWhileRevalidateSeconds: 0, staleIfErrorSeconds: 0 };

/** The latest data of each public cache class (SPEC: Caching). */
export const LATEST_POLICY: Record<Exclude<CacheClass, "private">, CachePolicy> = {
  // The upstream refreshes character data about every 15 minutes.
  section: { freshSeconds: 15 * MINUTE, staleWhileRevalidateSeconds: HOUR, staleIfErrorSeconds: DAY },
  identity: { freshSeconds: DAY, staleWhileRevalidateSeconds: 0, staleIfErrorSeconds: 0 },
  ranking: { freshSeconds: HOUR, staleWhileRevalidateSeconds: 0, staleIfErrorSeconds: 0 },
  "notice-list": { freshSeconds: 10 * MINUTE, staleWhileRevalidateSeconds: 0, staleIfErrorSeconds: 0 },
  "notice-detail": { freshSeconds: DAY, staleWhileRevalidateSeconds: 0, staleIfErrorSeconds: 0 },
};

/**
 * The policy for one upstream answer, from the endpoint table's cache class and
 * the asked day: a day before today (in the region's clock) is immutable;
 * otherwise the class's latest-data policy. null = never cached by us (private
 * data: the user's own key).
 */
export function cachePolicyFor(def: EndpointDef, region: RegionId, date: string | undefined, now: number): CachePolicy | null {
  if (def.access === "private" || def.cache === "private") return null;
  if (date !== undefined && date < todayIn(region, now)) return PAST_DAY_POLICY;
  return LATEST_POLICY[def.cache];
}

/**
 * Whether an answer may be stored. An empty snapshot of a past day is a stable
 * fact (404 NO_DATA for good); an empty name lookup is not: the name may be taken
 * tomorrow, so it is asked again next time.
 */
export function isStorable(def: EndpointDef, empty: boolean): boolean {
  return !(empty && def.cache === "identity");
}
