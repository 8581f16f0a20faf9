import type { Context, Handler } from "hono";
import { respondLoaded } from "../../cache/respond";
import type { AppEnv } from "../../env";
import { clockParts, isIsoDate } from "../../lib/calendar";
import { isProblem } from "../../lib/problem";
import type { UpstreamParams } from "../../upstream/client";
import { allowedDates, resolveDate } from "../../upstream/dates";
import { ENDPOINTS, servedIn, type EndpointDef } from "../../upstream/endpoints";
import { checkNameIn, checkWorldIn } from "../../upstream/params";
import { regionByService, REGIONS, type RegionId } from "../../upstream/regions";
import { invalidParameter, keyMissing, nexonErrorFor, refuse, sendNexonError, unknownPath } from "./gateway.errors";
import { NEXON_KEY_HEADER } from "./gateway.routes";

/** Rules that depend on the region, which the row's schemas (every region's alphabet and worlds) cannot say. */
const REGION_RULES: Record<string, (region: RegionId, value: string, field: string) => void> = {
  character_name: checkNameIn,
  guild_name: checkNameIn,
  world_name: checkWorldIn,
};

/** A key a header can carry and the upstream could accept; anything else is refused as the upstream refuses a bad key. */
const PLAUSIBLE_KEY = /^[\x21-\x7e]{1,256}$/;

/**
 * The caller's own NEXON key (`x-nxopen-api-key`), if sent. An empty header
 * counts as none; one no key could look like is 400 OPENAPI00005.
 */
function callerKeyOf(c: Context<AppEnv>): string | undefined {
  const key = c.req.header(NEXON_KEY_HEADER)?.trim();
  if (!key) return undefined;
  if (!PLAUSIBLE_KEY.test(key)) throw refuse(400, "OPENAPI00005", "The NEXON Open API key is not valid.");
  return key;
}

/**
 * The row's parameters from the query, under the upstream's names, as the row's
 * schemas read them (the values `/v1` sends too, so both share cache entries).
 * Unknown parameters are ignored, as the upstream ignores them. Missing,
 * empty or refused → 400 OPENAPI00004.
 */
function readParams(c: Context<AppEnv>, def: EndpointDef, region: RegionId): UpstreamParams {
  for (const name of def.required) if (c.req.query(name) === undefined) throw invalidParameter(`${name} is required.`);
  const params: UpstreamParams = {};
  for (const [name, schema] of Object.entries(def.params)) {
    const raw = c.req.query(name);
    if (raw === undefined) continue;
    // A number schema would read "" as 0: an empty value is refused, never guessed at.
    if (raw === "") throw invalidParameter(`${name} must not be empty.`);
    const parsed = schema.safeParse(raw);
    if (!parsed.success) throw invalidParameter(`Invalid ${name}: ${(parsed.error.issues[0]?.message ?? "not valid").replace(/\.$/, "")}.`);
    const value = String(parsed.data);
    try {
      REGION_RULES[name]?.(region, value, `query.${name}`);
    } catch (err) {
      throw invalidParameter(isProblem(err) ? err.detail.en : `Invalid ${name}.`);
    }
    params[name] = value;
  }
  // History pages by day or by cursor: without either the upstream answers 00004, so it is not asked.
  if (def.date.kind === "history" && params.cursor === undefined && c.req.query("date") === undefined) {
    throw invalidParameter("Either date or cursor is required.");
  }
  return params;
}

/** An instant in the last minute of the region's current day. */
function lateTodayIn(region: RegionId, now: number): number {
  const { minutesOfDay } = clockParts(now, REGIONS[region].utcOffsetMinutes);
  return now + (24 * 60 - 1 - minutesOfDay) * 60_000;
}

/**
 * `date` exactly as sent (no default: rankings included), checked by the
 * row's rule in the region's clock. A day published later today (yesterday
 * before 02:00, today's ranking before 08:30 KST) is what the upstream answers
 * 00009 to; any other refused day is 00004.
 */
function readDate(c: Context<AppEnv>, def: EndpointDef, region: RegionId, now: number): string | undefined {
  const raw = c.req.query("date");
  if (def.date.kind === "none" || raw === undefined) return undefined;
  try {
    return resolveDate(def, region, raw, now);
  } catch (err) {
    const notYet = isIsoDate(raw) && raw > allowedDates(def, region, now).latest && raw <= allowedDates(def, region, lateTodayIn(region, now)).latest;
    if (notYet) throw refuse(400, "OPENAPI00009", "This day's data is still being prepared. Try again later.");
    throw invalidParameter(isProblem(err) ? err.detail.en : "Invalid date.");
  }
}

/** Private data with the caller's key: one upstream call of the client's allowance, the answer passed on and never stored. */
async function answerPrivately(c: Context<AppEnv>, def: EndpointDef, region: RegionId, params: UpstreamParams, date: string | undefined, userKey: string) {
  const services = c.var.services;
  await services.chargeClient(1);
  const answer = await services.upstream.fetchAnswer(def, params, { region, userKey, date });
  c.var.stats.cacheStatus = "BYPASS";
  return c.body(answer.text, 200, { "Content-Type": "application/json", "Cache-Control": "private, no-store", "X-Cache": "BYPASS" });
}

/**
 * The gateway's handler of one row in one region. In the upstream's order of
 * concerns: the game (a region this server has no key for is one it does not
 * have: 00006), the key (private rows: 00005 without one), the parameters
 * (00004 / 00009), then the data: public rows through the shared cache (the
 * caller's key pays for a miss), private rows straight from the upstream.
 */
export function gatewayHandler(def: EndpointDef, region: RegionId): Handler<AppEnv> {
  return async (c) => {
    try {
      c.var.services.requireRegion(region);
      const key = callerKeyOf(c);
      if (def.access === "private" && !key) throw keyMissing();
      const params = readParams(c, def, region);
      const date = readDate(c, def, region, Date.now());
      if (def.access === "private") return await answerPrivately(c, def, region, params, date, key!);
      return await respondLoaded(c, await c.var.services.cache.load({ def, region, params, date }, { callerKey: key }));
    } catch (err) {
      return sendNexonError(c, nexonErrorFor(err, c, def));
    }
  };
}

const GATEWAY_PATH = /^\/nexon\/([^/]+)\/v1\/(.+)$/;

/** Anything under /nexon/ no row answers: 400 OPENAPI00006, naming the region when the path is a row it lacks. */
export const unknownGatewayPath: Handler<AppEnv> = (c) => {
  const [, service, path] = GATEWAY_PATH.exec(c.req.path) ?? [];
  const region = service === undefined ? undefined : regionByService(service);
  const def = ENDPOINTS.find((e) => e.path === path);
  const lacking = region && def && !servedIn(def, region.id);
  return sendNexonError(c, unknownPath(lacking ? `${region.label} has no ${def.path} API.` : undefined).answer);
};
