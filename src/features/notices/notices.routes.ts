import { z } from "@hono/zod-openapi";
import { defineRoute, OPTIONAL_BEARER, problemResponses, PUBLIC_DATA_ERRORS } from "../../lib/openapi";
import { bodySchemaFor, endpointsIn } from "../../upstream/endpoints";
import { NOTICE_TYPES } from "../../upstream/game-data";
import { noticeIdParam, refreshParam } from "../../upstream/params";

const noticeType = z.enum(NOTICE_TYPES).openapi({ description: "Which notice board" });
const lists = endpointsIn("notice");
const details = endpointsIn("notice-detail");

export const noticeListRoute = defineRoute({
  method: "get",
  path: "/v1/notices",
  tags: ["Notices"],
  security: OPTIONAL_BEARER,
  operationId: "listNotices",
  summary: "The 20 most recent notices of a board",
  request: { query: z.object({ type: noticeType.default("general"), refresh: refreshParam }) },
  responses: {
    200: {
      description: "The upstream notice list body (its list field depends on the board)",
      content: { "application/json": { schema: z.union(lists.map((d) => bodySchemaFor(d))) } },
    },
    ...problemResponses(400, 401, 429, 500, 502, 503, 504),
  },
});

export const noticeDetailRoute = defineRoute({
  method: "get",
  path: "/v1/notices/{type}/{notice_id}",
  tags: ["Notices"],
  security: OPTIONAL_BEARER,
  operationId: "getNotice",
  summary: "One notice (only while it is on its board's current list)",
  request: { params: z.object({ type: noticeType, notice_id: noticeIdParam }), query: z.object({ refresh: refreshParam }) },
  responses: {
    200: {
      description: "The upstream notice detail body, plus the notice_id asked for",
      content: {
        "application/json": {
          schema: z.union(details.map((d) => bodySchemaFor(d).extend({ notice_id: z.number().int() }))),
        },
      },
    },
    ...problemResponses(...PUBLIC_DATA_ERRORS),
  },
});
