import type { RouteHandler } from "@hono/zod-openapi";
import { kstToday } from "../../lib/calendar";
import { resolveDate } from "../../upstream/dates";
import type { EndpointDef } from "../../upstream/endpoints";
import type { AuthedEnv } from "../auth/auth.middleware";
import type { historyRoute } from "./history.routes";
import { getWithUserKey, loadUserKey, meContext } from "./nexon-key.service";

/** The upstream page as is. The cursor is private: passed on, never logged or cached. */
export function historyHandler(def: EndpointDef): RouteHandler<ReturnType<typeof historyRoute>, AuthedEnv> {
  return async (c) => {
    const { count, date, cursor } = c.req.valid("query");
    const ctx = meContext(c);
    // A cursor carries its day; otherwise the day is checked before any call (today allowed, two years kept).
    const day = cursor === undefined ? (resolveDate(def, "kms", date, ctx.now) ?? kstToday(ctx.now)) : undefined;
    const key = await loadUserKey(ctx);
    const body = await getWithUserKey(ctx, def, key.apiKey, { count: String(count), cursor }, day);
    return c.json(body, 200);
  };
}
