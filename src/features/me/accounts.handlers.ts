import type { RouteHandler } from "@hono/zod-openapi";
import { pageRequest, respondPage } from "../../lib/pagination";
import { enforceRateLimit } from "../../lib/rate-limit";
import type { AuthedEnv } from "../auth/auth.middleware";
import { ACHIEVEMENTS, type accountsRoute, type achievementsRoute, type charactersRoute } from "./accounts.routes";
import { accountsAreStale, readAccounts, syncAccounts } from "./accounts.sync";
import { listCharacters } from "./characters.query";
import { getWithUserKey, loadUserKey, meContext } from "./nexon-key.service";

export const getAccounts: RouteHandler<typeof accountsRoute, AuthedEnv> = async (c) => {
  const ctx = meContext(c);
  const key = await loadUserKey(ctx);
  const refresh = c.req.valid("query").refresh === "true";
  if (refresh) await enforceRateLimit(c.env.RATE_LIMIT_AUTHED, `accounts-refresh:${ctx.userId}`);
  const stored = key.accountsSyncedAt;
  const syncedAt =
    refresh || stored === null || accountsAreStale(stored, ctx.now) ? await syncAccounts(ctx, key.apiKey) : stored;
  const items = await readAccounts(ctx.db, ctx.userId);
  return c.json({ items, synced_at: new Date(syncedAt).toISOString() }, 200);
};

export const getCharacters: RouteHandler<typeof charactersRoute, AuthedEnv> = async (c) => {
  const ctx = meContext(c);
  const key = await loadUserKey(ctx);
  if (key.accountsSyncedAt === null) await syncAccounts(ctx, key.apiKey);
  const { sort, page, per_page, ...filters } = c.req.valid("query");
  const request = pageRequest({ page, per_page });
  const { items, total } = await listCharacters(ctx.db, ctx.userId, filters, sort, request);
  return c.json(respondPage(c, request, items, total), 200);
};

export const getAchievements: RouteHandler<typeof achievementsRoute, AuthedEnv> = async (c) => {
  const ctx = meContext(c);
  const key = await loadUserKey(ctx);
  return c.json(await getWithUserKey(ctx, ACHIEVEMENTS, key.apiKey), 200);
};
