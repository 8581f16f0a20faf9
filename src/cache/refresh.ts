import type { Context } from "hono";
import type { AppEnv } from "../env";
import { optionalUser } from "../features/auth/auth.middleware";
import { unauthenticated } from "../features/auth/challenge";
import { enforceRateLimit } from "../lib/rate-limit";

const decisions = new WeakMap<Context<AppEnv>, Promise<boolean>>();

const REFRESH_NEEDS_SIGN_IN = {
  en: "refresh=true is for signed-in users. Sign in, or leave refresh out to get the cached data.",
  ko: "refresh=true는 로그인한 사용자만 쓸 수 있습니다. 로그인하거나 refresh 없이 요청해 캐시된 데이터를 받아 주세요.",
};

async function decide(c: Context<AppEnv>): Promise<boolean> {
  if (c.req.query("refresh") !== "true") return false;
  await optionalUser(c, async () => {});
  const user = c.get("user");
  if (!user) throw unauthenticated({ detail: REFRESH_NEEDS_SIGN_IN });
  // Each refresh costs upstream calls: counted per user, apart from their other requests.
  await enforceRateLimit(c.env.RATE_LIMIT_AUTHED, `refresh:${user.id}`);
  return true;
}

/**
 * Whether this request bypasses the fresh cached copy (`?refresh=true`): only for
 * a signed-in user (anonymous → 401), rate-limited per user. Decided once per
 * request, however many upstream answers it loads (the profile loads 25).
 */
export function refreshRequested(c: Context<AppEnv>): Promise<boolean> {
  let decision = decisions.get(c);
  if (!decision) {
    decision = decide(c);
    decisions.set(c, decision);
  }
  return decision;
}

/** A child invocation inherits its parent's already-made decision. */
export function inheritRefresh(c: Context<AppEnv>, refresh: boolean): void {
  decisions.set(c, Promise.resolve(refresh));
}
