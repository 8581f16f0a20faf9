import { z } from "@hono/zod-openapi";
import { defineRoute, OPTIONAL_BEARER, problemResponses, ProblemSchema, PUBLIC_DATA_ERRORS } from "../../lib/openapi";
import { bodySchemaFor, earliestIn, regionsOf, SECTIONS, type EndpointDef } from "../../upstream/endpoints";
import { characterNameParam, dateParam, ocidParam, refreshParam, regionParam, skillGradeParam } from "../../upstream/params";
import { REGIONS, type RegionId } from "../../upstream/regions";

const pascal = (name: string) => name.replace(/(^|-)(\w)/g, (_, __, ch: string) => ch.toUpperCase());

export const lookupRoute = defineRoute({
  method: "get",
  path: "/v1/characters/lookup",
  tags: ["Characters"],
  security: OPTIONAL_BEARER,
  operationId: "lookupCharacter",
  summary: "Find a character's ocid by name",
  request: { query: z.object({ name: characterNameParam, region: regionParam, refresh: refreshParam }) },
  responses: {
    200: {
      description: "The character's ocid",
      content: {
        "application/json": {
          schema: z.object({ ocid: z.string(), character_name: z.string() }).openapi("CharacterLookup"),
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
      200: { description: `The ${def.name} section`, content: { "application/json": { schema: bodySchemaFor(def) } } },
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
    example: "basic,stat,item-equipment,skill:6",
  });

const ProfileSchema = z
  .object({
    ocid: z.string(),
    date: z.string().nullable().openapi({ description: "The asked day, or null for the latest data" }),
    fetched_at: z.string().openapi({ description: "When this answer was assembled (ISO 8601)" }),
    sections: z
      .object(Object.fromEntries(SECTIONS.map((def) => [def.name, bodySchemaFor(def).nullable().optional()])))
      .catchall(z.unknown())
      .openapi({ description: "Each requested section's body, or null when it failed (see errors)" }),
    errors: z.record(z.string(), ProblemSchema).openapi({ description: "Problems of the sections that failed" }),
  })
  .openapi("CharacterProfile");

const profileResponses = {
  200: { description: "The requested sections", content: { "application/json": { schema: ProfileSchema } } },
  ...problemResponses(...PUBLIC_DATA_ERRORS),
};

export const profileRoute = defineRoute({
  method: "get",
  path: "/v1/characters/{ocid}",
  tags: ["Characters"],
  security: OPTIONAL_BEARER,
  operationId: "getCharacterProfile",
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
  summary: "A character's sections by name (resolves the ocid first)",
  request: {
    params: z.object({ name: characterNameParam }),
    query: z.object({ sections: sectionsQuery, date: dateParam.optional(), region: regionParam, refresh: refreshParam }),
  },
  responses: profileResponses,
});
