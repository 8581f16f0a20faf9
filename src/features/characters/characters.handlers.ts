import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { respondLoaded } from "../../cache/respond";
import type { AppEnv } from "../../env";
import { endpoint, type EndpointDef } from "../../upstream/endpoints";
import type { RegionId } from "../../upstream/regions";
import { loadProfile, parseSections } from "./characters.profile";
import { checkDate, fetchSection, lookupOcid, requireSectionIn } from "./characters.service";
import { refreshRequested } from "../auth/refresh";
import type { lookupRoute, profileByNameRoute, profileRoute, sectionRoute } from "./characters.routes";

/** The profile's date bounds are basic's: every section's earliest day is at or after it. */
const PROFILE_RULE = endpoint("character", "basic");

export const lookupCharacter: RouteHandler<typeof lookupRoute, AppEnv> = async (c) => {
  const { name, region } = c.req.valid("query");
  const { ocid, loaded } = await lookupOcid(c, region, name, { refresh: await refreshRequested(c) });
  return respondLoaded(c, loaded, { ocid, character_name: name });
};

/** The handler of one section's route (sectionRoute). */
export function sectionHandler(def: EndpointDef): RouteHandler<ReturnType<typeof sectionRoute>, AppEnv> {
  return async (c) => {
    const { ocid } = c.req.valid("param");
    // Only the skill route has `grade`.
    const query: { date?: string; grade?: string; region: RegionId } = c.req.valid("query");
    requireSectionIn(def, query.region);
    const date = checkDate(def, query.region, query.date);
    c.var.services.requireRegion(query.region);
    const loaded = await fetchSection(c, { def, region: query.region, ocid, date, grade: query.grade }, { refresh: await refreshRequested(c) });
    return respondLoaded(c, loaded);
  };
}

interface ProfileQuery {
  sections?: string;
  date?: string;
  region: RegionId;
}

/** Everything about a profile request that can be refused is refused here, before any upstream call. */
function checkProfileQuery(c: Context<AppEnv>, { sections, date, region }: ProfileQuery) {
  const day = checkDate(PROFILE_RULE, region, date);
  const specs = parseSections(sections, region, day);
  c.var.services.requireRegion(region);
  return { day, specs };
}

async function respondProfile(c: Context<AppEnv>, ocid: string, query: ProfileQuery) {
  const { day, specs } = checkProfileQuery(c, query);
  return respondLoaded(c, await loadProfile(c, query.region, ocid, day, specs, await refreshRequested(c)));
}

export const getProfile: RouteHandler<typeof profileRoute, AppEnv> = async (c) => {
  const { ocid } = c.req.valid("param");
  return respondProfile(c, ocid, c.req.valid("query"));
};

export const getProfileByName: RouteHandler<typeof profileByNameRoute, AppEnv> = async (c) => {
  const { name } = c.req.valid("param");
  const query = c.req.valid("query");
  // Validate everything before the name lookup costs an upstream call.
  checkProfileQuery(c, query);
  const { ocid } = await lookupOcid(c, query.region, name, { refresh: await refreshRequested(c), field: "param.name" });
  return respondProfile(c, ocid, query);
};
