import { and, desc, eq, gt, inArray, lte } from "drizzle-orm";
import type { Config } from "../../config";
import type { Db } from "../../db/client";
import { loginFailures } from "../../db/schema";
import { ProblemError } from "../../lib/problem";

/**
 * Failed sign-ins are counted per login name (username key or e-mail, as typed)
 * and per client (CF-Connecting-IP) over a sliding window. Past the limit every
 * attempt is refused, even with the right password, until enough failures age
 * out. A refused attempt is not counted, so waiting always works.
 */
export type LoginThrottle = Config["loginThrottle"];

export interface LoginAttemptKeys {
  /** Lower-cased username or e-mail, exactly as the client signed in with it. */
  login: string;
  client: string;
}

const THROTTLED = {
  en: "Too many failed sign-in attempts. Wait a while and try again.",
  ko: "로그인 실패가 너무 많습니다. 잠시 후 다시 시도해 주세요.",
};

/** Seconds until the next attempt is allowed; 0 when it is allowed now. */
export async function secondsUntilLoginAllowed(
  db: Db,
  keys: LoginAttemptKeys,
  limits: LoginThrottle,
  now: number,
): Promise<number> {
  const windowMs = limits.windowSeconds * 1000;
  const recent = (scope: "username" | "client", key: string, max: number) =>
    db
      .select({ at: loginFailures.at })
      .from(loginFailures)
      .where(and(eq(loginFailures.scope, scope), eq(loginFailures.key, key), gt(loginFailures.at, now - windowMs)))
      .orderBy(desc(loginFailures.at))
      .limit(max);
  const [byLogin, byClient] = await db.batch([
    recent("username", keys.login, limits.perUsername),
    recent("client", keys.client, limits.perClient),
  ]);
  // Blocked while `max` failures are in the window; the max-th newest is the one
  // whose expiry brings the count below the limit.
  const wait = (rows: { at: number }[], max: number) => {
    const unblocking = rows[max - 1];
    return unblocking ? Math.max(1, Math.ceil((unblocking.at + windowMs - now) / 1000)) : 0;
  };
  return Math.max(wait(byLogin, limits.perUsername), wait(byClient, limits.perClient));
}

export async function assertLoginAllowed(db: Db, keys: LoginAttemptKeys, limits: LoginThrottle, now: number) {
  const retryAfter = await secondsUntilLoginAllowed(db, keys, limits, now);
  if (retryAfter > 0) {
    throw new ProblemError("RATE_LIMITED", { detail: THROTTLED, headers: { "Retry-After": String(retryAfter) } });
  }
}

/** Counts one failure for both keys and drops their failures that left the window. */
export async function recordLoginFailure(db: Db, keys: LoginAttemptKeys, limits: LoginThrottle, now: number) {
  const expired = now - limits.windowSeconds * 1000;
  const prune = (scope: "username" | "client", key: string) =>
    db
      .delete(loginFailures)
      .where(and(eq(loginFailures.scope, scope), eq(loginFailures.key, key), lte(loginFailures.at, expired)));
  await db.batch([
    db.insert(loginFailures).values([
      { scope: "username", key: keys.login, at: now },
      { scope: "client", key: keys.client, at: now },
    ]),
    prune("username", keys.login),
    prune("client", keys.client),
  ]);
}

/**
 * Forgets failures for these login names (after a successful sign-in, or when the
 * account is deleted). Per-client counts stay: one good password must not reset
 * a client that is guessing other accounts.
 */
export function clearLoginFailures(db: Db, logins: string[]) {
  return db
    .delete(loginFailures)
    .where(and(eq(loginFailures.scope, "username"), inArray(loginFailures.key, logins)));
}
