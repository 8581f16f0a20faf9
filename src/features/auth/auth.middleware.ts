import type { MiddlewareHandler } from "hono";
import { getConfig } from "../../config";
import { createDb } from "../../db/client";
import type { AppEnv, AuthUser, Bindings, Variables } from "../../env";
import { bearerOf } from "../../lib/bearer";
import { verifyAccessToken, type AccessTokenClaims } from "../../lib/crypto/jwt";
import { isProblem } from "../../lib/problem";
import { unauthenticated } from "./challenge";
import { isSessionActive } from "./sessions";

/** The env of routes behind requireUser: `c.get("user")` is always set there. */
export interface AuthedEnv extends AppEnv {
  Variables: Variables & { user: AuthUser };
}

const SESSION_ENDED = {
  en: "This session has ended. Sign in again.",
  ko: "세션이 종료되었습니다. 다시 로그인해 주세요.",
};

/**
 * A valid access token whose session is still live: signature and claims, then
 * one D1 read, so a revoked session (logout, password change, refresh-token
 * reuse, deleted account) locks its access tokens out at once.
 */
export async function verifySessionToken(env: Bindings, token: string): Promise<AccessTokenClaims> {
  let claims: AccessTokenClaims;
  try {
    claims = await verifyAccessToken(getConfig(env).tokens, token);
  } catch (err) {
    if (isProblem(err, "TOKEN_EXPIRED")) throw unauthenticated({ code: "TOKEN_EXPIRED", tokenPresented: true, cause: err });
    if (isProblem(err, "UNAUTHENTICATED")) throw unauthenticated({ tokenPresented: true, cause: err });
    throw err;
  }
  if (!(await isSessionActive(createDb(env.DB), claims.sid, claims.sub, Date.now()))) {
    throw unauthenticated({ detail: SESSION_ENDED, tokenPresented: true });
  }
  return claims;
}

/** The user of a presented token; a header that is not `Bearer <token>` is 401 too. */
async function authenticate(env: Bindings, token: string | undefined): Promise<AuthUser> {
  if (!token) throw unauthenticated({ tokenPresented: true });
  const claims = await verifySessionToken(env, token);
  return { id: claims.sub, sessionId: claims.sid };
}

/** 401 unless the request carries a live session's access token; sets `user`. */
export const requireUser: MiddlewareHandler<AuthedEnv> = async (c, next) => {
  const { presented, token } = bearerOf(c);
  if (!presented) throw unauthenticated();
  const user = await authenticate(c.env, token);
  c.set("user", user);
  c.get("stats").userId = user.id;
  // Whatever depends on who asks must never land in a shared cache.
  c.header("Cache-Control", "private, no-store");
  await next();
};

/** Sets `user` when a token is sent (401 if that token is bad); anonymous requests pass as they are. */
export const optionalUser: MiddlewareHandler<AppEnv> = async (c, next) => {
  const { presented, token } = bearerOf(c);
  if (presented) {
    const user = await authenticate(c.env, token);
    c.set("user", user);
    c.get("stats").userId = user.id;
  }
  await next();
};
