import { z } from "@hono/zod-openapi";
import { defineRoute, OPTIONAL_BEARER, problemResponses, PUBLIC_DATA_ERRORS } from "../../lib/openapi";
import { bodySchemaFor, endpoint } from "../../upstream/endpoints";
import { dateParam, guildNameParam, oguildIdParam, refreshParam, worldNameParam } from "../../upstream/params";

export const guildLookupRoute = defineRoute({
  method: "get",
  path: "/v1/guilds/lookup",
  tags: ["Guilds"],
  security: OPTIONAL_BEARER,
  operationId: "lookupGuild",
  summary: "Find a guild's id by name and world",
  request: { query: z.object({ name: guildNameParam, world_name: worldNameParam, refresh: refreshParam }) },
  responses: {
    200: {
      description: "The guild's id",
      content: {
        "application/json": {
          schema: z.object({ oguild_id: z.string(), guild_name: z.string(), world_name: z.string() }).openapi("GuildLookup"),
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
  summary: "A guild's basic information",
  request: { params: z.object({ oguild_id: oguildIdParam }), query: z.object({ date: dateParam.optional(), refresh: refreshParam }) },
  responses: {
    200: { description: "The upstream guild/basic body", content: { "application/json": { schema: bodySchemaFor(endpoint("guild", "basic")) } } },
    ...problemResponses(...PUBLIC_DATA_ERRORS),
  },
});
