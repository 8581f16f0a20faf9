import type { Context } from "hono";
import { getConfig } from "../../config";
import type { AppEnv } from "../../env";
import { spendAllowance } from "../../runtime/allowance/spend";
import { unauthenticated } from "./challenge";
import { optionalUser } from "./auth.middleware";

declare module "hono" {
  interface ContextVariableMap {
    /** This request's `?refresh=true` decision, once made (refreshRequested). */
    refresh: Promise<boolean>;
  }
}

const REFRESH_NEEDS_SIGN_IN = {
  en: "refresh=true is for signed-in users. Sign in, or leave refresh out to get the cached data.",
  ko: "refresh=true는 로그인한 사용자만 쓸 수 있습니다. 로그인하거나 refresh 없이 요청해 캐시된 데이터를 받아 주세요.",
};

async function decide(c: Context<AppEnv>): Promise<boolean> {
  if (c.req.query("refresh") !== "true") return false;
  await optionalUser(c, async () => {});
  const user = c.get("user");
  if (!user) throw unauthenticated({ detail: REFRESH_NEEDS_SIGN_IN });
  // Each refresh costs upstream calls: REFRESH_PER_MINUTE per user, apart from their other requests.
  await spendAllowance(c.env.CLIENT_ALLOWANCE, `refresh:${user.id}`, 1, getConfig(c.env).allowance.refreshesPerMinute);
  return true;
}

/**
 * Whether this request skips the fresh cached copy (`?refresh=true`): only for a
 * signed-in user (anonymous → 401), at most REFRESH_PER_MINUTE per user. Handlers call it
 * after validating their input and before loading anything; it is decided once
 * per request, however many answers the request loads.
 */
export function refreshRequested(c: Context<AppEnv>): Promise<boolean> {
  const known = c.get("refresh");
  if (known) return known;
  const decision = decide(c);
  c.set("refresh", decision);
  return decision;
}
