/**
 * Test helpers for the /v1/me routes that need a NEXON key. Upstream calls must be
 * intercepted (`fakeUpstream()` from test/fake-upstream.ts) before using them.
 */
import { env } from "cloudflare:workers";
import { decodeJwt } from "jose";
import { expect, vi } from "vitest";
import { jsonInit, runToCompletion } from "../../../test/helpers";
import { createApp } from "../../app";
import { getConfig } from "../../config";
import { signAccessToken } from "../../lib/crypto/jwt";
import { callFromNewClient, signedInUser, type SignedInUser } from "../auth/auth.test-helpers";

/** A key the sample upstream accepts, different for every call (so is the player behind it). */
export const newSampleKey = () => `test-key-${crypto.randomUUID()}`;

export interface UserWithKey extends SignedInUser {
  apiKey: string;
}

export function getAs(user: SignedInUser, path: string, headers: Record<string, string> = {}): Promise<Response> {
  return callFromNewClient(path, { headers: { ...user.auth, ...headers } });
}

export function putKey(user: SignedInUser, apiKey: unknown): Promise<Response> {
  return callFromNewClient("/v1/me/nexon-key", jsonInit("PUT", { api_key: apiKey }, user.auth));
}

/** A new signed-in user with a registered key. */
export async function userWithKey(apiKey = newSampleKey()): Promise<UserWithKey> {
  const user = await signedInUser();
  const res = await putKey(user, apiKey);
  expect(res.status).toBe(200);
  return { ...user, apiKey };
}

/** A Workers rate limiter that refuses keys starting with `prefix` after `max` calls each; others pass. */
export function limiterRefusing(prefix: string, max: number) {
  const counts = new Map<string, number>();
  return {
    limit: vi.fn(async ({ key }: { key: string }) => {
      if (!key.startsWith(prefix)) return { success: true };
      const n = (counts.get(key) ?? 0) + 1;
      counts.set(key, n);
      return { success: n <= max };
    }),
  };
}

/** Calls a fresh app whose RATE_LIMIT_AUTHED is `limiter`. */
export async function callWithLimiter(limiter: { limit: RateLimit["limit"] }, path: string, init: RequestInit) {
  return runToCompletion(createApp(), new Request(`https://api.test${path}`, init), { ...env, RATE_LIMIT_AUTHED: limiter });
}

/**
 * A new access token for the user's existing session, issued at the current
 * (possibly faked) time: lets a test move the clock past the token lifetime.
 */
export async function reissueToken<T extends SignedInUser>(user: T): Promise<T> {
  const sessionId = decodeJwt(user.tokens.access_token).sid as string;
  const { token } = await signAccessToken(getConfig(env).tokens, { userId: user.id, sessionId });
  return { ...user, tokens: { ...user.tokens, access_token: token }, auth: { Authorization: `Bearer ${token}` } };
}
