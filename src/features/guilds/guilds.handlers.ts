import type { RouteHandler } from "@hono/zod-openapi";
import { respondLoaded } from "../../cache/respond";
import type { AppEnv } from "../../env";
import { refreshRequested } from "../auth/refresh";
import { ProblemError } from "../../lib/problem";
import { resolveDate } from "../../upstream/dates";
import { endpoint } from "../../upstream/endpoints";
import { checkNameIn, checkWorldIn } from "../../upstream/params";
import type { guildBasicRoute, guildLookupRoute } from "./guilds.routes";

const guildIdEndpoint = endpoint("identity", "guild");
const guildBasicEndpoint = endpoint("guild", "basic");

const unknownGuild = () =>
  new ProblemError("NOT_FOUND", { detail: { en: "No guild with that name in that world.", ko: "해당 월드에 그 이름의 길드가 없습니다." } });

export const lookupGuild: RouteHandler<typeof guildLookupRoute, AppEnv> = async (c) => {
  const { name, world_name, region } = c.req.valid("query");
  checkNameIn(region, name, "query.name");
  checkWorldIn(region, world_name, "query.world_name");
  c.var.services.requireRegion(region);
  const loaded = await c.var.services.cache.load(
    { def: guildIdEndpoint, region, params: { guild_name: name, world_name } },
    { refresh: await refreshRequested(c) },
  );
  // An unknown name in a real world is a 200 without an id upstream.
  const id = loaded.body.oguild_id;
  if (typeof id !== "string" || id.length === 0) throw unknownGuild();
  return respondLoaded(c, loaded, { oguild_id: id, guild_name: name, world_name });
};

export const getGuild: RouteHandler<typeof guildBasicRoute, AppEnv> = async (c) => {
  const { oguild_id } = c.req.valid("param");
  const { date: rawDate, region } = c.req.valid("query");
  const date = resolveDate(guildBasicEndpoint, region, rawDate, Date.now());
  c.var.services.requireRegion(region);
  const loaded = await c.var.services.cache.load({ def: guildBasicEndpoint, region, params: { oguild_id }, date }, { refresh: await refreshRequested(c) });
  if (loaded.empty) throw new ProblemError("NO_DATA", { detail: { en: "There is no data for this guild on that date.", ko: "해당 날짜에 이 길드의 데이터가 없습니다." } });
  return respondLoaded(c, loaded);
};
