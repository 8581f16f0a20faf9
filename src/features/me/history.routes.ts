import { z } from "@hono/zod-openapi";
import { defineRoute, problemResponses } from "../../lib/openapi";
import { bodySchemaFor, endpointsIn, type EndpointDef } from "../../upstream/endpoints";
import { UPSTREAM_EXAMPLES } from "../../upstream/examples.generated";
import { cursorParam, dateParam, historyCountParam } from "../../upstream/params";
import { signedIn } from "./me.routes";

export const DEFAULT_HISTORY_COUNT = 10;

const HistoryQuerySchema = z
  .object({
    count: historyCountParam
      .default(DEFAULT_HISTORY_COUNT)
      .openapi({ description: `Rows per page (10–1000), default ${DEFAULT_HISTORY_COUNT}`, default: DEFAULT_HISTORY_COUNT }),
    date: dateParam
      .optional()
      .openapi({ description: "A day in KST (YYYY-MM-DD), today included, within the last two years. Default: today." }),
    cursor: cursorParam.optional().openapi({ description: "next_cursor from the previous page (instead of date)" }),
  })
  .superRefine((q, ctx) => {
    if (q.date !== undefined && q.cursor !== undefined) {
      ctx.addIssue({ code: "custom", path: ["cursor"], message: "give either date or cursor, not both" });
    }
  });

/** One route per history kind, from the endpoint table (its response schema included). */
export function historyRoute(def: EndpointDef) {
  const title = def.name[0]!.toUpperCase() + def.name.slice(1);
  return defineRoute({
    ...signedIn,
    method: "get",
    path: `/v1/me/history/${def.name}`,
    operationId: `getMy${title}History`,
    summary: `Your ${def.name} history`,
    description:
      "Needs a registered NEXON key (409 NEXON_KEY_REQUIRED otherwise). Your rows of one KST day, newest first, " +
      "as NEXON sends them: page with `cursor=<next_cursor>` (same count) until next_cursor is null. " +
      "Give `date` or `cursor`, not both.",
    request: { query: HistoryQuerySchema },
    responses: {
      200: {
        description: `One page of ${def.name} history`,
        content: { "application/json": { schema: bodySchemaFor(def), example: UPSTREAM_EXAMPLES[def.path]?.kms } },
      },
      ...problemResponses(400, 401, 409, 429, 500, 502, 503, 504),
    },
  });
}

export const HISTORY_ROUTES = endpointsIn("history").map((def) => ({ def, route: historyRoute(def) }));
