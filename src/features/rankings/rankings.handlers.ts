import type { Context } from "hono";
import { loadPublic } from "../../cache/load";
import { respondLoaded } from "../../cache/respond";
import type { AppEnv } from "../../env";
import { resolveDate } from "../../upstream/dates";
import type { EndpointDef } from "../../upstream/endpoints";
import { RANKING_DEFAULTS } from "./rankings.routes";

type ValidQuery = { valid: (target: "query") => Record<string, string | number | undefined> };

export function rankingHandler(def: EndpointDef) {
  return async (c: Context<AppEnv>) => {
    const query = (c.req as unknown as ValidQuery).valid("query");
    const params: Record<string, string | undefined> = {};
    for (const name of Object.keys(def.params)) {
      const value = query[name] ?? RANKING_DEFAULTS[name];
      params[name] = value === undefined ? undefined : String(value);
    }
    const date = resolveDate(def.date, query.date as string | undefined, Date.now());
    return respondLoaded(c, await loadPublic(c, { def, params, date }));
  };
}
