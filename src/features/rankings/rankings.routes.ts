import { z } from "@hono/zod-openapi";
import { defineRoute, OPTIONAL_BEARER, problemResponses, PUBLIC_DATA_ERRORS } from "../../lib/openapi";
import { bodySchemaFor, endpointsIn, type EndpointDef } from "../../upstream/endpoints";
import { UPSTREAM_EXAMPLES } from "../../upstream/examples.generated";
import { dateParam, refreshParam } from "../../upstream/params";

/** Filters with a default (the upstream requires them; SPEC: default 0). */
export const RANKING_DEFAULTS: Record<string, string> = { ranking_type: "0", difficulty: "0" };

/** One route per ranking, its filters taken from the endpoint table under the upstream's names. */
export function rankingRoute(def: EndpointDef) {
  // No examples on filters: a prefilled `ocid` or `guild_name` would narrow what a "try it out" shows.
  const filters = Object.fromEntries(Object.entries(def.params).map(([name, schema]) => [name, schema.optional().openapi({ example: undefined })]));
  return defineRoute({
    method: "get",
    path: `/v1/rankings/${def.name}`,
    tags: ["Rankings"],
    security: OPTIONAL_BEARER,
    operationId: `get${def.name[0]!.toUpperCase()}${def.name.slice(1)}Ranking`,
    cacheable: true,
    summary: `${def.name} ranking`,
    description:
      "The upstream ranking body (200 rows a page). `date` defaults to the latest published day " +
      "(today's ranking appears at 08:30 KST); data exists from 2023-12-22.",
    request: { query: z.object({ ...filters, date: dateParam.optional(), refresh: refreshParam }) },
    responses: {
      200: {
        description: `The ${def.name} ranking`,
        content: { "application/json": { schema: bodySchemaFor(def), example: UPSTREAM_EXAMPLES[def.path]?.kms } },
      },
      ...problemResponses(...PUBLIC_DATA_ERRORS),
    },
  });
}

export const RANKING_ROUTES = endpointsIn("ranking").map((def) => ({ def, route: rankingRoute(def) }));
