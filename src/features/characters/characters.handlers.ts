import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { respondLoaded } from "../../cache/respond";
import type { AppEnv } from "../../env";
import { SECTIONS, type EndpointDef } from "../../upstream/endpoints";
import { loadProfile, parseSections } from "./characters.profile";
import { checkDate, fetchSection, lookupOcid } from "./characters.service";
import { refreshRequested } from "../auth/refresh";
import type { lookupRoute, profileByNameRoute, profileRoute, sectionRoute } from "./characters.routes";

/** Earliest day of any section: the aggregate's date bounds. */
const PROFILE_RULE = SECTIONS.find((d) => d.name === "basic")!;

export const lookupCharacter: RouteHandler<typeof lookupRoute, AppEnv> = async (c) => {
  const { name } = c.req.valid("query");
  const { ocid, loaded } = await lookupOcid(c, name, { refresh: await refreshRequested(c) });
  return respondLoaded(c, loaded, { ocid, character_name: name });
};

/** The handler of one section's route (sectionRoute). */
export function sectionHandler(def: EndpointDef): RouteHandler<ReturnType<typeof sectionRoute>, AppEnv> {
  return async (c) => {
    const { ocid } = c.req.valid("param");
    // Only the skill route has `grade`.
    const query: { date?: string; grade?: string } = c.req.valid("query");
    const date = checkDate(def, query.date);
    const loaded = await fetchSection(c, { def, ocid, date, grade: query.grade }, { refresh: await refreshRequested(c) });
    return respondLoaded(c, loaded);
  };
}

async function respondProfile(c: Context<AppEnv>, ocid: string, rawSections: string | undefined, rawDate: string | undefined) {
  const date = checkDate(PROFILE_RULE, rawDate);
  const specs = parseSections(rawSections, date);
  return respondLoaded(c, await loadProfile(c, ocid, date, specs, await refreshRequested(c)));
}

export const getProfile: RouteHandler<typeof profileRoute, AppEnv> = async (c) => {
  const { ocid } = c.req.valid("param");
  const { sections, date } = c.req.valid("query");
  return respondProfile(c, ocid, sections, date);
};

export const getProfileByName: RouteHandler<typeof profileByNameRoute, AppEnv> = async (c) => {
  const { name } = c.req.valid("param");
  const { sections, date } = c.req.valid("query");
  // Validate everything before the name lookup costs an upstream call.
  parseSections(sections, checkDate(PROFILE_RULE, date));
  const { ocid } = await lookupOcid(c, name, { refresh: await refreshRequested(c) });
  return respondProfile(c, ocid, sections, date);
};
