import { z } from "@hono/zod-openapi";
import { defineRoute, problemResponses } from "../../lib/openapi";

export const HealthSchema = z
  .object({
    status: z.enum(["ok", "degraded"]),
    version: z.string(),
    checks: z.object({
      d1: z.enum(["ok", "fail"]),
      kv: z.enum(["ok", "fail"]),
    }),
  })
  .openapi("Health");

export const healthRoute = defineRoute({
  method: "get",
  path: "/health",
  tags: ["Meta"],
  summary: "Liveness and dependency checks",
  description: "Checks D1 and KV. 503 when any check fails.",
  responses: {
    200: { description: "Every check passed", content: { "application/json": { schema: HealthSchema } } },
    503: { description: "A check failed", content: { "application/json": { schema: HealthSchema } } },
    ...problemResponses(429, 500),
  },
});
