import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { pageRequest, respondPage } from "../../lib/pagination";
import { loadProgress, progressRange } from "./progress";
import { listTracked, trackCharacter, untrack } from "./tracked";
import type { AuthedEnv } from "../auth/auth.middleware";
import { refreshRequested } from "../auth/refresh";
import type { listTrackedRoute, progressRoute, trackRoute, untrackRoute } from "./tracking.routes";

export const getProgress: RouteHandler<typeof progressRoute, AppEnv> = async (c) => {
  const { ocid } = c.req.valid("param");
  const { from: rawFrom, to: rawTo, region } = c.req.valid("query");
  const { from, to } = progressRange(region, rawFrom, rawTo, Date.now());
  c.var.services.requireRegion(region);
  const refresh = await refreshRequested(c);
  const { items, complete } = await loadProgress(c, { region, ocid }, from, to, { refresh });
  // Past days are settled, but a missing day may still be filled later: share briefly. Never share a refresh
  // (it depends on who asks) nor a series with days the upstream failed to answer (their nulls are not "no data").
  c.header("Cache-Control", refresh || !complete ? "private, no-store" : "public, max-age=300");
  return c.json({ ocid, from, to, items }, 200);
};

export const track: RouteHandler<typeof trackRoute, AuthedEnv> = async (c) => {
  const item = await trackCharacter(c, c.get("user").id, c.req.valid("json"));
  return c.json(item, 201);
};

export const getTracked: RouteHandler<typeof listTrackedRoute, AuthedEnv> = async (c) => {
  const page = pageRequest(c.req.valid("query"));
  const { items, total } = await listTracked(c.env.DB, c.get("user").id, page);
  return c.json(respondPage(c, page, items, total), 200);
};

export const deleteTracked: RouteHandler<typeof untrackRoute, AuthedEnv> = async (c) => {
  await untrack(c.env.DB, c.get("user").id, { ocid: c.req.valid("param").ocid, region: c.req.valid("query").region });
  return c.body(null, 204);
};
