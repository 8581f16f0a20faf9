import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { expectProblem } from "../../test/helpers";
import { createApp } from "../app";
import { getConfig } from "../config";
import { signAccessToken } from "../lib/crypto/jwt";

afterEach(() => vi.restoreAllMocks());

/** A Workers rate limiter that allows `max` calls per key, counting every call. */
function countingLimiter(max: number) {
  const counts = new Map<string, number>();
  const limit = vi.fn(async ({ key }: { key: string }) => {
    const n = (counts.get(key) ?? 0) + 1;
    counts.set(key, n);
    return { success: n <= max };
  });
  return { limit };
}

const PUBLIC_LIMIT = 3;
const AUTHED_LIMIT = 6;

function limitedApp() {
  const app = createApp();
  const limiters = { RATE_LIMIT_PUBLIC: countingLimiter(PUBLIC_LIMIT), RATE_LIMIT_AUTHED: countingLimiter(AUTHED_LIMIT) };
  const fetch = async (path: string, headers: Record<string, string> = {}, method = "GET") => {
    const ctx = createExecutionContext();
    const res = await app.fetch(new Request(`https://api.test${path}`, { method, headers }), { ...env, ...limiters }, ctx);
    await waitOnExecutionContext(ctx);
    return res;
  };
  return { fetch, limiters };
}

// Answered before any upstream call (the name is invalid), so only the limiter decides 400 vs 429.
const PUBLIC_ROUTE = "/v1/characters/lookup?name=%21%21";

async function statuses(fetch: () => Promise<Response>, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await fetch()).status);
  return out;
}

const accessToken = async (userId: string) =>
  (await signAccessToken(getConfig(env).tokens, { userId, sessionId: crypto.randomUUID() })).token;

describe("per-client rate limits on /v1", () => {
  it("answers 429 RATE_LIMITED with Retry-After once a client IP is over the public limit", async () => {
    const { fetch, limiters } = limitedApp();
    const ip = { "CF-Connecting-IP": "203.0.113.10" };
    expect(await statuses(() => fetch(PUBLIC_ROUTE, ip), PUBLIC_LIMIT)).toEqual(Array(PUBLIC_LIMIT).fill(400));

    const res = await fetch(PUBLIC_ROUTE, ip);
    await expectProblem(res, 429, "RATE_LIMITED");
    expect(res.headers.get("retry-after")).toBe("60");
    expect(limiters.RATE_LIMIT_PUBLIC.limit).toHaveBeenLastCalledWith({ key: "client:203.0.113.10" });
    expect(limiters.RATE_LIMIT_AUTHED.limit).not.toHaveBeenCalled();
  });

  it("counts each client IP on its own", async () => {
    const { fetch } = limitedApp();
    await statuses(() => fetch(PUBLIC_ROUTE, { "CF-Connecting-IP": "203.0.113.11" }), PUBLIC_LIMIT + 1);
    expect((await fetch(PUBLIC_ROUTE, { "CF-Connecting-IP": "203.0.113.11" })).status).toBe(429);
    expect((await fetch(PUBLIC_ROUTE, { "CF-Connecting-IP": "203.0.113.12" })).status).toBe(400);
  });

  it("counts an IPv6 client by its /64: addresses of one /64 share a limit, another /64 does not", async () => {
    const { fetch, limiters } = limitedApp();
    const seen = await statuses(
      () => fetch(PUBLIC_ROUTE, { "CF-Connecting-IP": `2001:db8:1:2:${Math.floor(Math.random() * 0xffff).toString(16)}::1` }),
      PUBLIC_LIMIT,
    );
    expect(seen).toEqual(Array(PUBLIC_LIMIT).fill(400));
    // Another address of that /64, written another way, is the same client.
    await expectProblem(await fetch(PUBLIC_ROUTE, { "CF-Connecting-IP": "2001:0DB8:0001:0002:ffff:ffff:ffff:ffff" }), 429, "RATE_LIMITED");
    expect(limiters.RATE_LIMIT_PUBLIC.limit).toHaveBeenLastCalledWith({ key: "client:2001:db8:1:2::/64" });
    // The neighbouring /64 has its own allowance.
    expect((await fetch(PUBLIC_ROUTE, { "CF-Connecting-IP": "2001:db8:1:3::1" })).status).toBe(400);
    // An IPv4-mapped address is that IPv4 client.
    await statuses(() => fetch(PUBLIC_ROUTE, { "CF-Connecting-IP": "203.0.113.20" }), PUBLIC_LIMIT);
    expect((await fetch(PUBLIC_ROUTE, { "CF-Connecting-IP": "::ffff:203.0.113.20" })).status).toBe(429);
  });

  it("gives a signed-in user the higher limit, per user id, whatever their IP", async () => {
    const { fetch, limiters } = limitedApp();
    const auth = { Authorization: `Bearer ${await accessToken("user-rl-1")}` };
    const seen = await statuses(() => fetch(PUBLIC_ROUTE, { ...auth, "CF-Connecting-IP": `198.51.100.${Math.floor(Math.random() * 250)}` }), AUTHED_LIMIT);
    expect(seen).toEqual(Array(AUTHED_LIMIT).fill(400));
    await expectProblem(await fetch(PUBLIC_ROUTE, { ...auth, "CF-Connecting-IP": "198.51.100.254" }), 429, "RATE_LIMITED");
    expect(limiters.RATE_LIMIT_AUTHED.limit).toHaveBeenCalledWith({ key: "user:user-rl-1" });
    expect(limiters.RATE_LIMIT_PUBLIC.limit).not.toHaveBeenCalled();

    // Another user, and the anonymous client on the same IP, have their own allowance.
    const other = { Authorization: `Bearer ${await accessToken("user-rl-2")}`, "CF-Connecting-IP": "198.51.100.254" };
    expect((await fetch(PUBLIC_ROUTE, other)).status).toBe(400);
    expect((await fetch(PUBLIC_ROUTE, { "CF-Connecting-IP": "198.51.100.254" })).status).toBe(400);
  });

  it.each([
    ["a garbage token", "Bearer not.a.jwt"],
    ["a token signed with another secret", "FORGED"],
    ["a non-Bearer scheme", "Basic dXNlcjpwYXNz"],
  ])("counts %s against the client IP at the public limit", async (_, authorization) => {
    const { fetch, limiters } = limitedApp();
    let header = authorization;
    if (header === "FORGED") {
      const forged = await signAccessToken(
        { ...getConfig(env).tokens, jwtSecret: "another-secret-0123456789abcdef0123456789" },
        { userId: "user-rl-3", sessionId: "s" },
      );
      header = `Bearer ${forged.token}`;
    }
    const headers = { Authorization: header, "CF-Connecting-IP": "203.0.113.13" };
    await statuses(() => fetch(PUBLIC_ROUTE, headers), PUBLIC_LIMIT);
    expect((await fetch(PUBLIC_ROUTE, headers)).status).toBe(429);
    expect(limiters.RATE_LIMIT_AUTHED.limit).not.toHaveBeenCalled();
  });

  it("leaves /health, the docs and CORS preflights alone", async () => {
    const { fetch, limiters } = limitedApp();
    await fetch("/health");
    await fetch("/openapi.json");
    const preflight = { Origin: "https://app.example.com", "Access-Control-Request-Method": "GET" };
    expect((await fetch("/v1/characters/lookup", preflight, "OPTIONS")).status).toBe(204);
    expect(limiters.RATE_LIMIT_PUBLIC.limit).not.toHaveBeenCalled();
  });

  it("uses the real bindings, configured high enough in tests that ordinary tests never trip them", async () => {
    const key = `client:probe-${crypto.randomUUID()}`;
    for (let i = 0; i < 130; i++) expect((await env.RATE_LIMIT_PUBLIC.limit({ key })).success).toBe(true);
  });
});
