import type { Context, MiddlewareHandler } from "hono";
import { getConfig } from "../config";
import type { AppEnv } from "../env";
import { bearerOf } from "../lib/bearer";
import { verifyAccessToken } from "../lib/crypto/jwt";
import { clientIp, enforceRateLimit } from "../lib/rate-limit";

/** Who a request's upstream calls are charged to (src/runtime/allowance): the key its requests count under. */
export interface ClientIdentity {
  /** `user:<id>` for a signed-in user, else `client:<address>` (IPv6 by its /64). */
  key: string;
  signedIn: boolean;
}

declare module "hono" {
  interface ContextVariableMap {
    /** Set by rateLimitClients on `/v1/*`; absent elsewhere (nothing is charged then). */
    client?: ClientIdentity;
  }
}

/**
 * The user id of a Bearer access token whose signature and claims verify, else
 * undefined. No D1 read: a revoked session's token still counts against its
 * user here (the route's own auth check turns it away), and a bad, expired or
 * missing token simply counts against the client's IP.
 */
async function signedInUserId(c: Context<AppEnv>): Promise<string | undefined> {
  const { token } = bearerOf(c);
  if (!token) return undefined;
  try {
    return (await verifyAccessToken(getConfig(c.env).tokens, token)).sub;
  } catch {
    return undefined;
  }
}

/**
 * Per-client limits for the API (SPEC: rate-limited per client). Signed-in
 * callers count per user against RATE_LIMIT_AUTHED (the higher allowance, and
 * it follows them across networks); everyone else counts per CF-Connecting-IP
 * against RATE_LIMIT_PUBLIC. Over the limit → 429 RATE_LIMITED + Retry-After.
 * The same key is the client's identity for its allowance of upstream calls
 * (`client`, read by the services when the cache charges them).
 */
export const rateLimitClients: MiddlewareHandler<AppEnv> = async (c, next) => {
  const userId = await signedInUserId(c);
  const client: ClientIdentity = userId ? { key: `user:${userId}`, signedIn: true } : { key: `client:${clientIp(c)}`, signedIn: false };
  c.set("client", client);
  await enforceRateLimit(userId ? c.env?.RATE_LIMIT_AUTHED : c.env?.RATE_LIMIT_PUBLIC, client.key);
  await next();
};
