import { createRoute, z } from "@hono/zod-openapi";
import { problemResponses } from "../../lib/openapi";
import { dateParam, ocidParam } from "../../upstream/params";

const ProgressItemSchema = z
  .object({
    date: z.string().openapi({ example: "2025-06-01" }),
    character_level: z.number().int().nullable(),
    character_exp: z.number().nullable(),
    character_exp_rate: z.number().nullable().openapi({ description: "Percent toward the next level" }),
    combat_power: z.number().nullable(),
  })
  .openapi("ProgressItem");

export const progressRoute = createRoute({
  method: "get",
  path: "/v1/characters/{ocid}/progress",
  tags: ["Tracking"],
  operationId: "getCharacterProgress",
  summary: "A character's level, exp and combat power day by day",
  description:
    "One item per KST day in order (null values on a day without data). At most 31 days a request; " +
    "default: the last 7 available days. Stored days come from our database; missing days are fetched once and kept.",
  request: {
    params: z.object({ ocid: ocidParam }),
    query: z.object({ from: dateParam.optional(), to: dateParam.optional() }),
  },
  responses: {
    200: {
      description: "The series",
      content: {
        "application/json": {
          schema: z
            .object({ ocid: z.string(), from: z.string(), to: z.string(), items: z.array(ProgressItemSchema) })
            .openapi("Progress"),
        },
      },
    },
    ...problemResponses(400, 404, 429, 500, 502, 503, 504),
  },
});
