import { and, eq, gt, isNull, lte, ne } from "drizzle-orm";
import type { Db } from "../../db/client";
import { refreshTokens, sessions } from "../../db/schema";
import { hashRefreshToken, newRefreshToken } from "../../lib/crypto/tokens";
import { log } from "../../lib/logging";
import { unauthenticated } from "./challenge";

/**
 * A session is one sign-in: a family of refresh tokens, each usable once. Its id
 * is the access tokens' `sid`, so revoking it ends the access tokens too.
 * Sessions slide: every refresh extends them by the refresh-token lifetime, but
 * never past their absolute end, `createdAt` (the sign-in) + the session max age.
 * `restore` is set by `npm run db:restore` (scripts/db-restore.mjs).
 */
export type RevokeReason = "logout" | "logout_all" | "password_change" | "refresh_token_reuse" | "restore";

export interface SessionLifetimes {
  refreshTtlSeconds: number;
  sessionMaxAgeSeconds: number;
}

/** A session's absolute end, ms since the epoch: its sign-in + the max age. */
export function sessionEnd(lifetimes: SessionLifetimes, sessionCreatedAt: number): number {
  return sessionCreatedAt + lifetimes.sessionMaxAgeSeconds * 1000;
}

/** When a refresh token issued at `now` expires: its lifetime, cut at the session's absolute end. */
export function refreshTokenExpiry(lifetimes: SessionLifetimes, sessionCreatedAt: number, now: number): number {
  return Math.min(now + lifetimes.refreshTtlSeconds * 1000, sessionEnd(lifetimes, sessionCreatedAt));
}

const REFRESH_TOKEN_INVALID = {
  en: "This refresh token is not valid any more. Sign in again.",
  ko: "리프레시 토큰이 더 이상 유효하지 않습니다. 다시 로그인해 주세요.",
};

export interface NewSession {
  sessionId: string;
  refreshToken: string;
  /** When the session (and so this refresh token) ends, ms since the epoch. */
  expiresAt: number;
  /** Insert statements, for the caller's batch. */
  writes: ReturnType<typeof sessionWrites>;
}

function sessionWrites(db: Db, userId: string, sessionId: string, tokenHash: string, now: number, expiresAt: number) {
  return [
    db.insert(sessions).values({ id: sessionId, userId, createdAt: now, expiresAt }),
    db.insert(refreshTokens).values({ tokenHash, sessionId, createdAt: now, expiresAt }),
  ] as const;
}

export async function newSession(db: Db, userId: string, lifetimes: SessionLifetimes, now: number): Promise<NewSession> {
  const sessionId = crypto.randomUUID();
  const refreshToken = newRefreshToken();
  const expiresAt = refreshTokenExpiry(lifetimes, now, now);
  const tokenHash = await hashRefreshToken(refreshToken);
  return { sessionId, refreshToken, expiresAt, writes: sessionWrites(db, userId, sessionId, tokenHash, now, expiresAt) };
}

/**
 * Trades a refresh token for a new one in the same session. A token presented a
 * second time means it was copied: the whole session is revoked (the thief's and
 * the owner's tokens alike) and the caller gets 401. A session past its absolute
 * end (sign-in + max age) is refused like an expired one, rows from before that
 * limit existed included: their `createdAt` is their sign-in too.
 */
export async function rotateRefreshToken(
  db: Db,
  presented: string,
  lifetimes: SessionLifetimes,
  now: number,
): Promise<{ userId: string; sessionId: string; refreshToken: string; expiresAt: number }> {
  const presentedHash = await hashRefreshToken(presented);
  const found = await db
    .select({
      usedAt: refreshTokens.usedAt,
      tokenExpiresAt: refreshTokens.expiresAt,
      sessionId: sessions.id,
      userId: sessions.userId,
      revokedAt: sessions.revokedAt,
      sessionExpiresAt: sessions.expiresAt,
      sessionCreatedAt: sessions.createdAt,
    })
    .from(refreshTokens)
    .innerJoin(sessions, eq(sessions.id, refreshTokens.sessionId))
    .where(eq(refreshTokens.tokenHash, presentedHash))
    .get();
  if (
    !found ||
    found.revokedAt !== null ||
    found.sessionExpiresAt <= now ||
    sessionEnd(lifetimes, found.sessionCreatedAt) <= now ||
    found.tokenExpiresAt <= now
  ) {
    throw unauthenticated({ detail: REFRESH_TOKEN_INVALID });
  }
  if (found.usedAt !== null) await revokeForReuse(db, found, now);

  const refreshToken = newRefreshToken();
  const expiresAt = refreshTokenExpiry(lifetimes, found.sessionCreatedAt, now);
  // One transaction: a concurrent request that presented the same token loses the
  // "used_at IS NULL" race, and is then treated as reuse.
  const [claimed] = await db.batch([
    db
      .update(refreshTokens)
      .set({ usedAt: now })
      .where(and(eq(refreshTokens.tokenHash, presentedHash), isNull(refreshTokens.usedAt)))
      .returning({ sessionId: refreshTokens.sessionId }),
    db.insert(refreshTokens).values({
      tokenHash: await hashRefreshToken(refreshToken),
      sessionId: found.sessionId,
      createdAt: now,
      expiresAt,
    }),
    db.update(sessions).set({ expiresAt }).where(eq(sessions.id, found.sessionId)),
    // Spent tokens are kept for reuse detection only while they could still be presented.
    db
      .delete(refreshTokens)
      .where(and(eq(refreshTokens.sessionId, found.sessionId), lte(refreshTokens.expiresAt, now))),
  ]);
  if (claimed.length === 0) await revokeForReuse(db, found, now);
  return { userId: found.userId, sessionId: found.sessionId, refreshToken, expiresAt };
}

async function revokeForReuse(db: Db, session: { sessionId: string; userId: string }, now: number): Promise<never> {
  await revokeSession(db, session.sessionId, "refresh_token_reuse", now);
  log("warn", "refresh_token_reuse", { session_id: session.sessionId, user_id: session.userId });
  throw unauthenticated({ detail: REFRESH_TOKEN_INVALID });
}

/** The session a refresh token belongs to, whatever its state. */
export async function findSessionOfRefreshToken(
  db: Db,
  token: string,
): Promise<{ sessionId: string; userId: string } | undefined> {
  return db
    .select({ sessionId: sessions.id, userId: sessions.userId })
    .from(refreshTokens)
    .innerJoin(sessions, eq(sessions.id, refreshTokens.sessionId))
    .where(eq(refreshTokens.tokenHash, await hashRefreshToken(token)))
    .get();
}

/** One indexed read per authenticated request: the session exists, is the user's, and is live. */
export async function isSessionActive(db: Db, sessionId: string, userId: string, now: number): Promise<boolean> {
  const row = await db
    .select({ id: sessions.id })
    .from(sessions)
    .where(
      and(eq(sessions.id, sessionId), eq(sessions.userId, userId), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)),
    )
    .get();
  return row !== undefined;
}

export function revokeSessionStatement(db: Db, sessionId: string, reason: RevokeReason, now: number) {
  return db
    .update(sessions)
    .set({ revokedAt: now, revokedReason: reason })
    .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)));
}

export async function revokeSession(db: Db, sessionId: string, reason: RevokeReason, now: number): Promise<void> {
  await revokeSessionStatement(db, sessionId, reason, now);
}

/** Revokes every live session of a user, except `keepSessionId` when given. */
export function revokeUserSessionsStatement(
  db: Db,
  userId: string,
  reason: RevokeReason,
  now: number,
  keepSessionId?: string,
) {
  return db
    .update(sessions)
    .set({ revokedAt: now, revokedReason: reason })
    .where(
      and(
        eq(sessions.userId, userId),
        isNull(sessions.revokedAt),
        keepSessionId === undefined ? undefined : ne(sessions.id, keepSessionId),
      ),
    );
}
