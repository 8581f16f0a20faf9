import type { Context } from "hono";
import { respondLoaded } from "../../cache/respond";
import type { AppEnv } from "../../env";
import { ProblemError } from "../../lib/problem";
import { SECTION_NAMES, SECTIONS, type EndpointDef } from "../../upstream/endpoints";
import { loadProfile, parseSections } from "./characters.profile";
import { checkDate, fetchSection, lookupOcid } from "./characters.service";

/** Earliest day of any section: the aggregate's date bounds. */
const PROFILE_RULE = SECTIONS.find((d) => d.name === "basic")!;

type Valid = { valid: (target: "param" | "query") => Record<string, string | undefined> };
const validOf = (c: Context<AppEnv>) => (c.req as unknown as Valid).valid.bind(c.req);

export async function lookupCharacter(c: Context<AppEnv>) {
  const { name } = validOf(c)("query") as { name: string };
  const { ocid, loaded } = await lookupOcid(c, name);
  return respondLoaded(c, loaded, { ocid, character_name: name });
}

export function sectionHandler(def: EndpointDef) {
  return async (c: Context<AppEnv>) => {
    const { ocid } = validOf(c)("param") as { ocid: string };
    const query = validOf(c)("query");
    const date = checkDate(def, query.date);
    const loaded = await fetchSection(c, { def, ocid, date, grade: query.grade });
    return respondLoaded(c, loaded);
  };
}

async function respondProfile(c: Context<AppEnv>, ocid: string, rawSections: string | undefined, rawDate: string | undefined) {
  const date = checkDate(PROFILE_RULE, rawDate);
  const specs = parseSections(rawSections, date);
  return respondLoaded(c, await loadProfile(c, ocid, date, specs));
}

export async function getProfile(c: Context<AppEnv>) {
  const { ocid } = validOf(c)("param") as { ocid: string };
  const { sections, date } = validOf(c)("query");
  return respondProfile(c, ocid, sections, date);
}

export async function getProfileByName(c: Context<AppEnv>) {
  const { name } = validOf(c)("param") as { name: string };
  const { sections, date } = validOf(c)("query");
  // Validate everything before the name lookup costs an upstream call.
  parseSections(sections, checkDate(PROFILE_RULE, date));
  const { ocid } = await lookupOcid(c, name);
  return respondProfile(c, ocid, sections, date);
}

/** /v1/characters/{ocid}/{unknown}: 404 that lists the sections that exist. */
export function unknownSection(c: Context<AppEnv>): Response {
  const section = c.req.param("section") ?? "";
  throw new ProblemError("NOT_FOUND", {
    detail: {
      en: `There is no section "${section.slice(0, 64)}". Valid sections: ${SECTION_NAMES.join(", ")}.`,
      ko: `"${section.slice(0, 64)}" 섹션은 없습니다. 가능한 섹션: ${SECTION_NAMES.join(", ")}.`,
    },
    extra: { valid_sections: SECTION_NAMES },
  });
}
