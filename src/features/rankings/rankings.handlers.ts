import type { RouteHandler } from "@hono/zod-openapi";
import { respondLoaded } from "../../cache/respond";
import type { AppEnv } from "../../env";
import { refreshRequested } from "../auth/refresh";
import { resolveDate } from "../../upstream/dates";
import type { EndpointDef } from "../../upstream/endpoints";
import { RANKING_DEFAULTS, type rankingRoute } from "./rankings.routes";

/** The handler of one ranking's route: its filters go upstream under their own names. */
export function rankingHandler(def: EndpointDef): RouteHandler<ReturnType<typeof rankingRoute>, AppEnv> {
  return async (c) => {
    const query = c.req.valid("query");
    const filters: Record<string, unknown> = query;
    const params: Record<string, string | undefined> = {};
    for (const name of Object.keys(def.params)) {
      const value = filters[name] ?? RANKING_DEFAULTS[name];
      params[name] = value === undefined ? undefined : String(value);
    }
    const date = resolveDate(def, "kms", query.date, Date.now());
    return respondLoaded(c, await c.var.services.cache.load({ def, region: "kms", params, date }, { refresh: await refreshRequested(c) }));
  };
}
