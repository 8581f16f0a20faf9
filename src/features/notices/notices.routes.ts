import { z } from "@hono/zod-openapi";
import { defineRoute, OPTIONAL_BEARER, problemResponses, PUBLIC_DATA_ERRORS } from "../../lib/openapi";
import { bodySchemaFor, endpointsIn } from "../../upstream/endpoints";
import { EXAMPLE_NOTICE_IDS, EXAMPLE_NOTICE_TYPE } from "../../upstream/examples";
import { UPSTREAM_EXAMPLES } from "../../upstream/examples.generated";
import { NOTICE_TYPES } from "../../upstream/game-data";
import { noticeIdParam, refreshParam } from "../../upstream/params";

const noticeType = z.enum(NOTICE_TYPES).openapi({ description: "Which notice board", example: EXAMPLE_NOTICE_TYPE });
const lists = endpointsIn("notice");
const details = endpointsIn("notice-detail");

export const noticeListRoute = defineRoute({
  method: "get",
  path: "/v1/notices",
  tags: ["Notices"],
  security: OPTIONAL_BEARER,
  operationId: "listNotices",
  cacheable: true,
  summary: "The 20 most recent notices of a board",
  description:
    "The upstream list of the board (`general` by default), newest first, unchanged: its list field is named after the board " +
    "(`notice`, `update_notice`, `event_notice`, `cashshop_notice`). Their ids open the details (/v1/notices/{type}/{notice_id}).",
  request: { query: z.object({ type: noticeType.default("general"), refresh: refreshParam }) },
  responses: {
    200: {
      description: "The upstream notice list body (its list field depends on the board)",
      content: { "application/json": { schema: z.union(lists.map((d) => bodySchemaFor(d))), example: UPSTREAM_EXAMPLES.notice?.kms } },
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
  cacheable: true,
  summary: "One notice (only while it is on its board's current list)",
  description:
    "The upstream detail of a notice (its HTML `contents` included), with the `notice_id` asked for added. " +
    "The upstream answers only for notices on the board's current list: any other id is 404 NOT_FOUND.",
  request: { params: z.object({ type: noticeType, notice_id: noticeIdParam }), query: z.object({ refresh: refreshParam }) },
  responses: {
    200: {
      description: "The upstream notice detail body, plus the notice_id asked for",
      content: {
        "application/json": {
          schema: z.union(details.map((d) => bodySchemaFor(d).extend({ notice_id: z.number().int() }))),
          example: { ...UPSTREAM_EXAMPLES["notice/detail"]?.kms, notice_id: EXAMPLE_NOTICE_IDS[EXAMPLE_NOTICE_TYPE] },
        },
      },
    },
    ...problemResponses(...PUBLIC_DATA_ERRORS),
  },
});
