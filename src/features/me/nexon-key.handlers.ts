import type { RouteHandler } from "@hono/zod-openapi";
import { enforceRateLimit } from "../../lib/rate-limit";
import type { AuthedEnv } from "../auth/auth.middleware";
import type { deleteNexonKeyRoute, getNexonKeyRoute, putNexonKeyRoute } from "./nexon-key.routes";
import { deleteNexonKey, meContext, nexonKeyStatus, registerNexonKey } from "./nexon-key.service";

export const putNexonKey: RouteHandler<typeof putNexonKeyRoute, AuthedEnv> = async (c) => {
  const ctx = meContext(c);
  // Each attempt costs an upstream call with a key we do not know yet: per user, not per IP.
  await enforceRateLimit(c.env.RATE_LIMIT_AUTHED, `nexon-key:${ctx.userId}`);
  return c.json(await registerNexonKey(ctx, c.req.valid("json").api_key), 200);
};

export const getNexonKey: RouteHandler<typeof getNexonKeyRoute, AuthedEnv> = async (c) => {
  const { db, userId } = meContext(c);
  return c.json(await nexonKeyStatus(db, userId), 200);
};

export const removeNexonKey: RouteHandler<typeof deleteNexonKeyRoute, AuthedEnv> = async (c) => {
  const { db, userId } = meContext(c);
  await deleteNexonKey(db, userId);
  return c.body(null, 204);
};
