import { and, eq, or, sql } from "drizzle-orm";
import type { Config } from "../../config";
import type { Db } from "../../db/client";
import { loginFailures } from "../../db/schema";
import { ProblemError } from "../../lib/problem";

/**
 * Sign-in attempts are counted before the password is checked, in one SQL
 * statement, so concurrent attempts cannot all slip under a limit. Over a
 * sliding window (LOGIN_FAILURE_WINDOW_SECONDS), counted per:
 * - (account, client): 5 block that client for that account;
 * - account, from every client: 50 block the account for everyone;
 * - client, across accounts: 30 block that client.
 * An account is a user (its username and e-mail are one account); a login that
 * names no user counts as itself. A blocked attempt is not counted, so waiting
 * always works; a right password takes its own attempt back.
 */
export type LoginThrottle = Config["loginThrottle"];

export interface LoginAttemptKeys {
  /** `user:<id>`, or `login:<name as typed, lower-cased>` when no user has it. */
  account: string;
  /** The client's key (its IPv4 address, or IPv6 /64). */
  client: string;
}

/** The account key of a sign-in: the user when there is one, else the login as typed. */
export const accountKey = (userId: string | undefined, login: string) => (userId ? `user:${userId}` : `login:${login}`);

const THROTTLED = {
  en: "Too many failed sign-in attempts. Wait a while and try again.",
  ko: "로그인 실패가 너무 많습니다. 잠시 후 다시 시도해 주세요.",
};

type Scope = "pair" | "account" | "client";

function scopesOf(keys: LoginAttemptKeys, limits: LoginThrottle): { scope: Scope; key: string; max: number }[] {
  return [
    { scope: "pair", key: `${keys.account} ${keys.client}`, max: limits.perAccountAndClient },
    { scope: "account", key: keys.account, max: limits.perAccount },
    { scope: "client", key: keys.client, max: limits.perClient },
  ];
}

/** Seconds until each blocked scope has one failure fewer than its limit (the largest). */
async function secondsUntilAllowed(db: Db, keys: LoginAttemptKeys, limits: LoginThrottle, now: number): Promise<number> {
  const windowMs = limits.windowSeconds * 1000;
  const waits = await Promise.all(
    scopesOf(keys, limits).map(async ({ scope, key, max }) => {
      // The max-th newest failure is the one whose expiry brings the count below the limit.
      const row = await db
        .select({ at: loginFailures.at })
        .from(loginFailures)
        .where(and(eq(loginFailures.scope, scope), eq(loginFailures.key, key), sql`${loginFailures.at} > ${now - windowMs}`))
        .orderBy(sql`${loginFailures.at} DESC`)
        .limit(1)
        .offset(max - 1)
        .get();
      return row ? Math.max(1, Math.ceil((row.at + windowMs - now) / 1000)) : 0;
    }),
  );
  return Math.max(1, ...waits);
}

/**
 * Counts this attempt as a failure in every scope at once, unless one of them
 * is at its limit: then 429 with Retry-After. Call before checking the password.
 */
export async function countLoginAttempt(db: Db, keys: LoginAttemptKeys, limits: LoginThrottle, now: number): Promise<void> {
  const since = now - limits.windowSeconds * 1000;
  const [pair, account, client] = scopesOf(keys, limits);
  const below = (s: { scope: Scope; key: string; max: number }) =>
    sql`(SELECT count(*) FROM login_failures WHERE scope = ${s.scope} AND key = ${s.key} AND at > ${since}) < ${s.max}`;
  const counted = await db.run(sql`
    INSERT INTO login_failures (scope, key, at)
    SELECT scope, key, ${now} FROM (
      SELECT ${pair!.scope} AS scope, ${pair!.key} AS key
      UNION ALL SELECT ${account!.scope}, ${account!.key}
      UNION ALL SELECT ${client!.scope}, ${client!.key}
    )
    WHERE ${below(pair!)} AND ${below(account!)} AND ${below(client!)}`);
  if (counted.meta.changes > 0) return;
  const retryAfter = await secondsUntilAllowed(db, keys, limits, now);
  throw new ProblemError("RATE_LIMITED", { detail: THROTTLED, headers: { "Retry-After": String(retryAfter) } });
}

/**
 * The password was right: this attempt was no failure, and the (account,
 * client) pair starts again. The account's and the client's other failures
 * stay: one good password must not reset someone guessing elsewhere.
 */
export function takeBackLoginAttempt(db: Db, keys: LoginAttemptKeys, now: number) {
  const [pair, account, client] = scopesOf(keys, { perAccountAndClient: 0, perAccount: 0, perClient: 0, windowSeconds: 0 });
  const newest = (s: { scope: Scope; key: string }) =>
    sql`(SELECT id FROM login_failures WHERE scope = ${s.scope} AND key = ${s.key} AND at = ${now} ORDER BY id DESC LIMIT 1)`;
  return db
    .delete(loginFailures)
    .where(
      or(
        and(eq(loginFailures.scope, "pair"), eq(loginFailures.key, pair!.key)),
        sql`${loginFailures.id} = ${newest(account!)}`,
        sql`${loginFailures.id} = ${newest(client!)}`,
      ),
    );
}

/** Forgets an account's failures (it is being deleted). */
export function clearLoginFailures(db: Db, account: string) {
  return db
    .delete(loginFailures)
    .where(
      or(
        and(eq(loginFailures.scope, "account"), eq(loginFailures.key, account)),
        and(eq(loginFailures.scope, "pair"), sql`${loginFailures.key} LIKE ${`${account} %`}`),
      ),
    );
}

