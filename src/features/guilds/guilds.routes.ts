import { z } from "@hono/zod-openapi";
import { defineRoute, OPTIONAL_BEARER, problemResponses, PUBLIC_DATA_ERRORS } from "../../lib/openapi";
import { bodySchemaFor, endpoint } from "../../upstream/endpoints";
import { EXAMPLES } from "../../upstream/examples";
import { UPSTREAM_EXAMPLES } from "../../upstream/examples.generated";
import { anyWorldNameParam, dateParam, guildNameParam, oguildIdParam, refreshParam, regionParam } from "../../upstream/params";
import { REGION_IDS, REGIONS } from "../../upstream/regions";

const WORLDS_BY_REGION = REGION_IDS.map((r) => `${r.toUpperCase()}: ${REGIONS[r].worlds.join(", ")}`).join("; ");

export const guildLookupRoute = defineRoute({
  method: "get",
  path: "/v1/guilds/lookup",
  tags: ["Guilds"],
  security: OPTIONAL_BEARER,
  operationId: "lookupGuild",
  cacheable: true,
  summary: "Find a guild's id by name and world",
  description: `The world must be one of the region's worlds (${WORLDS_BY_REGION}).`,
  request: { query: z.object({ name: guildNameParam, world_name: anyWorldNameParam, region: regionParam, refresh: refreshParam }) },
  responses: {
    200: {
      description: "The guild's id",
      content: {
        "application/json": {
          schema: z.object({ oguild_id: z.string(), guild_name: z.string(), world_name: z.string() }).openapi("GuildLookup"),
          example: { oguild_id: EXAMPLES.kms.oguild_id, guild_name: EXAMPLES.kms.guild_name, world_name: EXAMPLES.kms.world_name },
        },
      },
    },
    ...problemResponses(...PUBLIC_DATA_ERRORS),
  },
});

export const guildBasicRoute = defineRoute({
  method: "get",
  path: "/v1/guilds/{oguild_id}",
  tags: ["Guilds"],
  security: OPTIONAL_BEARER,
  operationId: "getGuild",
  cacheable: true,
  summary: "A guild's basic information",
  description:
    "The upstream `guild/basic` body, unchanged: on `date` (a finished day in the region's clock) or the latest. " +
    "An unknown guild id is 404 NOT_FOUND.",
  request: {
    params: z.object({ oguild_id: oguildIdParam }),
    query: z.object({ date: dateParam.optional(), region: regionParam, refresh: refreshParam }),
  },
  responses: {
    200: {
      description: "The upstream guild/basic body",
      content: { "application/json": { schema: bodySchemaFor(endpoint("guild", "basic")), example: UPSTREAM_EXAMPLES["guild/basic"]?.kms } },
    },
    ...problemResponses(...PUBLIC_DATA_ERRORS),
  },
});
