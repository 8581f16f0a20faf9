import { z } from "@hono/zod-openapi";
import { defineRoute, OPTIONAL_BEARER, problemResponses, PUBLIC_DATA_ERRORS } from "../../lib/openapi";
import { LINK_HEADER, pageSchema, paginationQuery } from "../../lib/pagination";
import { endpoint } from "../../upstream/endpoints";
import { EXAMPLE_DATE, EXAMPLES } from "../../upstream/examples";
import { UPSTREAM_EXAMPLES } from "../../upstream/examples.generated";
import { characterNameParam, dateParam, ocidParam, refreshParam, regionParam } from "../../upstream/params";
import { signedIn } from "../me/me.routes";
import { REGION_IDS } from "../../upstream/regions";
import { valuesFrom } from "./snapshots";
import { MAX_TRACKED_PER_USER } from "./tracked";

const ProgressItemSchema = z
  .object({
    date: z.string().openapi({ example: "2025-06-01" }),
    character_level: z.number().int().nullable(),
    character_exp: z.number().nullable(),
    character_exp_rate: z.number().nullable().openapi({ description: "Percent toward the next level" }),
    combat_power: z.number().nullable(),
  })
  .openapi("ProgressItem");

/** The example character's EXAMPLE_DATE, read from the sample upstream's basic and stat answers as the series reads them. */
const PROGRESS_EXAMPLE = {
  ocid: EXAMPLES.kms.ocid,
  from: EXAMPLE_DATE,
  to: EXAMPLE_DATE,
  items: [
    {
      date: EXAMPLE_DATE,
      ...valuesFrom(
        "kms",
        UPSTREAM_EXAMPLES[endpoint("character", "basic").path]?.kms ?? null,
        UPSTREAM_EXAMPLES[endpoint("character", "stat").path]?.kms ?? null,
      ),
    },
  ],
};

export const progressRoute = defineRoute({
  method: "get",
  path: "/v1/characters/{ocid}/progress",
  tags: ["Tracking"],
  security: OPTIONAL_BEARER,
  operationId: "getCharacterProgress",
  summary: "A character's level, exp and combat power day by day",
  description:
    "One item per day of the region's clock (KST; UTC+8 in MSEA and TMS), in order (null values on a day without data). At most 31 days a request; " +
    "default: the last 7 available days. Stored days come from our database; missing days are fetched once and kept.",
  request: {
    params: z.object({ ocid: ocidParam }),
    query: z.object({ from: dateParam.optional(), to: dateParam.optional(), region: regionParam, refresh: refreshParam }),
  },
  responses: {
    200: {
      description: "The series",
      content: {
        "application/json": {
          schema: z
            .object({ ocid: z.string(), from: z.string(), to: z.string(), items: z.array(ProgressItemSchema) })
            .openapi("Progress"),
          example: PROGRESS_EXAMPLE,
        },
      },
    },
    ...problemResponses(...PUBLIC_DATA_ERRORS),
  },
});

const TrackedSchema = z
  .object({
    region: z.enum(REGION_IDS),
    ocid: z.string(),
    character_name: z.string().nullable(),
    created_at: z.string().openapi({ description: "When tracking started (ISO 8601)" }),
  })
  .openapi("TrackedCharacter");

const TrackRequestSchema = z
  .object({ ocid: ocidParam.optional(), character_name: characterNameParam.optional(), region: regionParam })
  .refine((b) => (b.ocid === undefined) !== (b.character_name === undefined), {
    message: "give exactly one of ocid or character_name",
    path: ["ocid"],
  })
  // One example for the whole body: its fields' own would send both ocid and character_name, which is refused.
  .openapi("TrackRequest", { example: { character_name: EXAMPLES.kms.character_name, region: "kms" } });

export const trackRoute = defineRoute({
  ...signedIn,
  tags: ["Tracking"],
  method: "post",
  path: "/v1/me/tracked",
  operationId: "trackCharacter",
  summary: "Start tracking a character",
  description: `By ocid or by name, in a region (default kms). At most ${MAX_TRACKED_PER_USER} per user; tracking the same character twice is 409.`,
  request: { body: { required: true, content: { "application/json": { schema: TrackRequestSchema } } } },
  responses: {
    201: { description: "Now tracked", content: { "application/json": { schema: TrackedSchema } } },
    ...problemResponses(400, 401, 404, 409, 413, 415, 429, 500, 502, 503, 504),
  },
});

export const listTrackedRoute = defineRoute({
  ...signedIn,
  tags: ["Tracking"],
  method: "get",
  path: "/v1/me/tracked",
  operationId: "listTrackedCharacters",
  summary: "The characters you track, newest first",
  description: "One page of the characters you track, each with its region; the Link header points to the next, prev, first and last pages.",
  request: { query: z.object(paginationQuery) },
  responses: {
    200: {
      description: "One page",
      headers: LINK_HEADER,
      content: { "application/json": { schema: pageSchema(TrackedSchema, "TrackedCharacterPage") } },
    },
    ...problemResponses(400, 401, 429, 500),
  },
});

export const untrackRoute = defineRoute({
  ...signedIn,
  tags: ["Tracking"],
  method: "delete",
  path: "/v1/me/tracked/{ocid}",
  operationId: "untrackCharacter",
  summary: "Stop tracking a character",
  description: "Stops tracking the character with this ocid in `region` (default kms). 404 NOT_FOUND when you do not track it.",
  request: { params: z.object({ ocid: ocidParam }), query: z.object({ region: regionParam }) },
  responses: {
    204: { description: "No longer tracked" },
    ...problemResponses(400, 401, 404, 429, 500),
  },
});
