import { z } from "@hono/zod-openapi";
import { defineRoute, OPTIONAL_BEARER, problemResponses, ProblemSchema, PUBLIC_DATA_ERRORS } from "../../lib/openapi";
import { bodySchemaFor, earliestIn, regionsOf, SECTIONS, type EndpointDef } from "../../upstream/endpoints";
import { EXAMPLE_DATE, EXAMPLE_SECTIONS, EXAMPLES } from "../../upstream/examples";
import { UPSTREAM_EXAMPLES } from "../../upstream/examples.generated";
import { SKILL_GRADES } from "../../upstream/game-data";
import { characterNameParam, dateParam, ocidParam, refreshParam, regionParam, skillGradeParam } from "../../upstream/params";
import { REGIONS, type RegionId } from "../../upstream/regions";

const pascal = (name: string) => name.replace(/(^|-)(\w)/g, (_, __, ch: string) => ch.toUpperCase());

export const lookupRoute = defineRoute({
  method: "get",
  path: "/v1/characters/lookup",
  tags: ["Characters"],
  security: OPTIONAL_BEARER,
  operationId: "lookupCharacter",
  cacheable: true,
  summary: "Find a character's ocid by name",
  description:
    "The ocid the other character routes take, for a name in the region (which letters a name may use depends on the region). " +
    "An unknown name is 404 CHARACTER_NOT_FOUND.",
  request: { query: z.object({ name: characterNameParam, region: regionParam, refresh: refreshParam }) },
  responses: {
    200: {
      description: "The character's ocid",
      content: {
        "application/json": {
          schema: z.object({ ocid: z.string(), character_name: z.string() }).openapi("CharacterLookup"),
          example: { ocid: EXAMPLES.kms.ocid, character_name: EXAMPLES.kms.character_name },
        },
      },
    },
    ...problemResponses(...PUBLIC_DATA_ERRORS),
  },
});

const sectionQuery = z.object({ date: dateParam.optional(), region: regionParam, grade: skillGradeParam, refresh: refreshParam });

/** "KMS from 2023-12-21, MSEA from 2025-04-20, …": where and since when a section has dated data. */
function availability(def: EndpointDef): string {
  const upper = (r: RegionId) => r.toUpperCase();
  const regions = regionsOf(def);
  const missing = (Object.keys(REGIONS) as RegionId[]).filter((r) => !regions.includes(r));
  const since = regions.map((r) => `${upper(r)} from ${earliestIn(def, r)}`).join(", ");
  return `Dated data exists ${since} (each region's own clock).${missing.length ? ` Not in ${missing.map(upper).join(" or ")} (404).` : ""} `;
}

/** One route per section, derived from the endpoint table, each with its own response schema. */
export function sectionRoute(def: EndpointDef) {
  const isSkill = def.params.character_skill_grade !== undefined;
  return defineRoute({
    method: "get",
    path: `/v1/characters/{ocid}/${def.name}`,
    tags: ["Characters"],
    security: OPTIONAL_BEARER,
    operationId: `getCharacter${pascal(def.name)}`,
    cacheable: true,
    summary: `Character section: ${def.name}`,
    description:
      `The upstream \`${def.path}\` body, unchanged. ` +
      availability(def) +
      "A day without data is 404 NO_DATA; an unknown ocid is 404 CHARACTER_NOT_FOUND.",
    request: {
      params: z.object({ ocid: ocidParam }),
      query: isSkill ? sectionQuery : sectionQuery.omit({ grade: true }),
    },
    responses: {
      200: {
        description: `The ${def.name} section`,
        content: { "application/json": { schema: bodySchemaFor(def), example: UPSTREAM_EXAMPLES[def.path]?.kms } },
      },
      ...problemResponses(...PUBLIC_DATA_ERRORS),
    },
  });
}

export const SECTION_ROUTES = SECTIONS.map((def) => ({ def, route: sectionRoute(def) }));

const sectionsQuery = z
  .string()
  .max(1000)
  .optional()
  .openapi({
    description:
      "Comma-separated section names; `skill:<grade>` for a skill grade (e.g. `basic,stat,skill:6`). " +
      "Default: every section of the region except skill that exists on the asked date.",
    example: EXAMPLE_SECTIONS,
  });

/**
 * The keys a profile answers under, exactly as `sections=` names them: each section's
 * name, and skill once per grade asked (`skill:6`); never a bare `skill`.
 */
const PROFILE_KEYS = SECTIONS.flatMap((def) =>
  def.params.character_skill_grade === undefined ? [{ key: def.name, def }] : SKILL_GRADES.map((grade) => ({ key: `skill:${grade}`, def })),
);

/**
 * A union with null rather than `.nullable()`: the latter carries the body's component
 * name along and makes the shared component itself nullable, so every single-section
 * 200 would read as `T | null`.
 */
const sectionOrNull = (def: EndpointDef) => z.union([bodySchemaFor(def), z.null()]).optional();

const ProfileSchema = z
  .object({
    ocid: z.string(),
    date: z.string().nullable().openapi({ description: "The asked day, or null for the latest data" }),
    fetched_at: z.string().openapi({ description: "When this answer was assembled (ISO 8601)" }),
    sections: z
      .strictObject(Object.fromEntries(PROFILE_KEYS.map(({ key, def }) => [key, sectionOrNull(def)])))
      .openapi({ description: "Each requested section's body under its name in `sections=`, or null when it failed (see errors)" }),
    errors: z
      .strictObject(Object.fromEntries(PROFILE_KEYS.map(({ key }) => [key, ProblemSchema.optional()])))
      .openapi({ description: "The problem of each section that failed, under the same key" }),
  })
  .openapi("CharacterProfile");

/** The example character's EXAMPLE_SECTIONS on EXAMPLE_DATE, from the sample upstream's answers (examples.generated.ts). */
const PROFILE_EXAMPLE = {
  ocid: EXAMPLES.kms.ocid,
  date: EXAMPLE_DATE,
  // Assembled the next morning (KST), once the day's data is out.
  fetched_at: new Date(Date.parse(`${EXAMPLE_DATE}T00:00:00+09:00`) + 33 * 3_600_000).toISOString(),
  sections: Object.fromEntries(
    EXAMPLE_SECTIONS.split(",").map((key) => [key, UPSTREAM_EXAMPLES[PROFILE_KEYS.find((k) => k.key === key)!.def.path]?.kms]),
  ),
  errors: {},
};

const profileResponses = {
  200: { description: "The requested sections", content: { "application/json": { schema: ProfileSchema, example: PROFILE_EXAMPLE } } },
  ...problemResponses(...PUBLIC_DATA_ERRORS),
};

export const profileRoute = defineRoute({
  method: "get",
  path: "/v1/characters/{ocid}",
  tags: ["Characters"],
  security: OPTIONAL_BEARER,
  operationId: "getCharacterProfile",
  cacheable: true,
  summary: "Many sections of a character in one call",
  description:
    "Fetches every requested section concurrently (about one upstream round trip). One failing section does not " +
    "fail the call; when all fail the same way the call answers with that error, and with 502 when all fail upstream.",
  request: {
    params: z.object({ ocid: ocidParam }),
    query: z.object({ sections: sectionsQuery, date: dateParam.optional(), region: regionParam, refresh: refreshParam }),
  },
  responses: profileResponses,
});

export const profileByNameRoute = defineRoute({
  method: "get",
  path: "/v1/characters/by-name/{name}",
  tags: ["Characters"],
  security: OPTIONAL_BEARER,
  operationId: "getCharacterProfileByName",
  cacheable: true,
  summary: "A character's sections by name (resolves the ocid first)",
  description:
    "Resolves the name to its ocid (as /v1/characters/lookup does), then answers as /v1/characters/{ocid}. " +
    "An unknown name is 404 CHARACTER_NOT_FOUND.",
  request: {
    params: z.object({ name: characterNameParam }),
    query: z.object({ sections: sectionsQuery, date: dateParam.optional(), region: regionParam, refresh: refreshParam }),
  },
  responses: profileResponses,
});
