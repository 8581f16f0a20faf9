import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { loadProgress, progressRange } from "./progress";
import type { progressRoute } from "./tracking.routes";

export const getProgress: RouteHandler<typeof progressRoute, AppEnv> = async (c) => {
  const { ocid } = c.req.valid("param");
  const { from: rawFrom, to: rawTo } = c.req.valid("query");
  const { from, to } = progressRange(rawFrom, rawTo, Date.now());
  const items = await loadProgress(c, ocid, from, to);
  // Past days are settled, but a missing day may still be filled later: share briefly.
  c.header("Cache-Control", "public, max-age=300");
  return c.json({ ocid, from, to, items }, 200);
};
