import { getConfig } from "../config";
import type { Bindings } from "../env";
import { log } from "../lib/logging";

/** Revoked sessions are kept this long, for support questions, then deleted. */
export const REVOKED_SESSION_RETENTION_MS = 24 * 60 * 60 * 1000;

export interface PruneSummary {
  login_failures: number;
  sessions: number;
  refresh_tokens: number;
}

/**
 * Deletes what the auth tables no longer need: failed logins outside the throttle
 * window, expired refresh tokens, and sessions that expired or were revoked more
 * than a day ago (their refresh tokens go with them). A refresh token of a deleted
 * session is unknown, so it still answers 401. One D1 batch.
 */
export async function pruneAuthData(env: Bindings, now = Date.now()): Promise<PruneSummary> {
  const { loginThrottle } = getConfig(env);
  const finished = "expires_at < ?1 OR (revoked_at IS NOT NULL AND revoked_at < ?2)";
  const revokedBefore = now - REVOKED_SESSION_RETENTION_MS;
  // Tokens of finished sessions are deleted explicitly first, so the counts are direct deletions, not cascades.
  const [failures, tokens, sessions] = await env.DB.batch([
    env.DB.prepare("DELETE FROM login_failures WHERE at < ?").bind(now - loginThrottle.windowSeconds * 1000),
    env.DB.prepare(`DELETE FROM refresh_tokens WHERE expires_at < ?1 OR session_id IN (SELECT id FROM sessions WHERE ${finished})`).bind(now, revokedBefore),
    env.DB.prepare(`DELETE FROM sessions WHERE ${finished}`).bind(now, revokedBefore),
  ]);
  const summary = {
    login_failures: failures!.meta.changes,
    refresh_tokens: tokens!.meta.changes,
    sessions: sessions!.meta.changes,
  };
  log("info", "auth_pruned", { ...summary });
  return summary;
}
