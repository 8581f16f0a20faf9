import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { invalidField } from "../../lib/problem";
import { clientIp, enforceRateLimit } from "../../lib/rate-limit";
import type { AuthedEnv } from "./auth.middleware";
import { verifySessionToken } from "./auth.middleware";
import type { logoutRoute, refreshRoute, registerRoute, tokenRoute, verifyRoute } from "./auth.routes";
import { authContext, refreshSession, registerUser, signIn } from "./auth.service";
import { findSessionOfRefreshToken, revokeSessionStatement, revokeUserSessionsStatement } from "./sessions";
import { publicUser } from "./users";

/** Token responses are never cached anywhere (RFC 6749 §5.1). */
const NO_STORE = { "Cache-Control": "no-store" };

export const register: RouteHandler<typeof registerRoute, AppEnv> = async (c) => {
  await enforceRateLimit(c.env.RATE_LIMIT_PUBLIC, `register:${clientIp(c)}`);
  const user = await registerUser(authContext(c), c.req.valid("json"));
  return c.json(publicUser(user), 201, NO_STORE);
};

export const token: RouteHandler<typeof tokenRoute, AppEnv> = async (c) => {
  return c.json(await signIn(authContext(c), c.req.valid("json")), 200, NO_STORE);
};

export const refresh: RouteHandler<typeof refreshRoute, AppEnv> = async (c) => {
  return c.json(await refreshSession(authContext(c), c.req.valid("json").refresh_token), 200, NO_STORE);
};

export const verify: RouteHandler<typeof verifyRoute, AppEnv> = async (c) => {
  const claims = await verifySessionToken(c.env, c.req.valid("json").token);
  return c.json({ valid: true as const, sub: claims.sub, exp: claims.exp }, 200, NO_STORE);
};

export const logout: RouteHandler<typeof logoutRoute, AuthedEnv> = async (c) => {
  const user = c.get("user");
  const { db, now } = authContext(c);
  const session = await findSessionOfRefreshToken(db, c.req.valid("json").refresh_token);
  if (!session || session.userId !== user.id) {
    throw invalidField("body.refresh_token", {
      en: "This refresh token does not belong to your account.",
      ko: "이 리프레시 토큰은 내 계정의 것이 아닙니다.",
    });
  }
  if (c.req.valid("query").all === "true") await revokeUserSessionsStatement(db, user.id, "logout_all", now);
  else await revokeSessionStatement(db, session.sessionId, "logout", now);
  return c.body(null, 204);
};
