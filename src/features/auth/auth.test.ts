import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { decodeJwt, decodeProtectedHeader, SignJWT } from "jose";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../../app";
import { createDb } from "../../db/client";
import { loginFailures, refreshTokens, sessions, users } from "../../db/schema";
import type { Bindings } from "../../env";
import { toBase64Url, utf8 } from "../../lib/crypto/encoding";
import { keyIdFor } from "../../lib/crypto/jwt";
import { optionalUser } from "./auth.middleware";
import { hashPassword } from "../../lib/crypto/password";
import { expectProblem, jsonInit } from "../../../test/helpers";
import {
  bearer,
  callFromNewClient,
  randomIp,
  registerUser,
  requestToken,
  signedInUser,
  signIn,
  TEST_PASSWORD,
  uniqueUsername,
  type TokenPairBody,
} from "./auth.test-helpers";

const db = createDb(env.DB);
/** The test secret from vitest.config.ts (secrets are not part of the generated Env type). */
const JWT_SECRET = (env as unknown as Bindings).JWT_SECRET!;

afterEach(() => vi.restoreAllMocks());

function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return callFromNewClient(path, jsonInit("POST", body, headers));
}

/** Runs the app with a changed environment (other secrets, fake bindings). */
async function fetchWithEnv(changes: Partial<Bindings>, path: string, init: RequestInit = {}) {
  const ctx = createExecutionContext();
  const headers = new Headers(init.headers);
  if (!headers.has("CF-Connecting-IP")) headers.set("CF-Connecting-IP", randomIp());
  const request = new Request(`https://api.test${path}`, { ...init, headers });
  const res = await createApp().fetch(request, { ...env, ...changes }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

const me = (accessToken: string) => callFromNewClient("/v1/me", { headers: bearer(accessToken) });

describe("POST /v1/auth/register", () => {
  it("creates the account and answers the user without any password material", async () => {
    const username = uniqueUsername("Reg");
    const res = await post("/v1/auth/register", {
      username,
      email: `${username}@Example.COM`,
      password: TEST_PASSWORD,
    });
    expect(res.status).toBe(201);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const text = await res.text();
    const body = JSON.parse(text);
    expect(body).toEqual({
      id: expect.any(String),
      username,
      email: `${username.toLowerCase()}@example.com`,
      created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
    });
    const row = await db.select().from(users).where(eq(users.id, body.id)).get();
    expect(row).toMatchObject({ usernameKey: username.toLowerCase(), passwordScheme: "pbkdf2-sha256:100000" });
    expect(row!.passwordHash).not.toContain(TEST_PASSWORD);
    expect(text).not.toContain(row!.passwordHash);
    expect(text).not.toMatch(/password|hash/i);
  });

  it.each([
    ["a too short username", { username: "ab" }, "body.username"],
    ["a too long username", { username: "a".repeat(21) }, "body.username"],
    ["a username with other characters", { username: "no-dashes!" }, "body.username"],
    ["a Hangul username", { username: "메이플용사" }, "body.username"],
    ["an invalid e-mail", { email: "not-an-email" }, "body.email"],
    ["a 9-character password", { password: "123456789" }, "body.password"],
    ["a 129-character password", { password: "x".repeat(129) }, "body.password"],
    ["the username as password, in another case", { username: "Maple_Hero_1", password: "mAPLE_hERO_1" }, "body.password"],
    ["a missing field", { email: undefined }, "body.email"],
  ])("refuses %s with 400", async (_, overrides, path) => {
    const body = { username: uniqueUsername(), email: "valid@example.com", password: TEST_PASSWORD, ...overrides };
    const problem = await expectProblem(await post("/v1/auth/register", body), 400, "VALIDATION_FAILED");
    expect((problem.errors as { path: string }[]).map((e) => e.path)).toContain(path);
  });

  it("accepts passwords of exactly 10 and 128 characters", async () => {
    for (const password of ["x".repeat(10), "y".repeat(128)]) {
      const res = await post("/v1/auth/register", { username: uniqueUsername(), email: `${crypto.randomUUID()}@example.com`, password });
      expect(res.status).toBe(201);
    }
  });

  it("answers 409 naming the username when it is taken in any case", async () => {
    const first = await registerUser();
    const res = await post("/v1/auth/register", {
      username: first.username.toUpperCase(),
      email: "someone-else@example.com",
      password: TEST_PASSWORD,
    });
    const problem = await expectProblem(res, 409, "CONFLICT");
    expect(problem.errors).toEqual([{ path: "body.username", message: expect.any(String) }]);
  });

  it("answers 409 naming the e-mail when it is taken in any case", async () => {
    const first = await registerUser();
    const res = await post("/v1/auth/register", {
      username: uniqueUsername(),
      email: first.email.toUpperCase(),
      password: TEST_PASSWORD,
    });
    const problem = await expectProblem(res, 409, "CONFLICT");
    expect(problem.errors).toEqual([{ path: "body.email", message: expect.any(String) }]);
  });

  it("is rate-limited per client IP", async () => {
    // Only registrations are over the limit; the general per-client limit is not under test here.
    const limit = vi.fn(async ({ key }: RateLimitOptions) => ({ success: !key.startsWith("register:") }));
    const res = await fetchWithEnv(
      { RATE_LIMIT_PUBLIC: { limit } },
      "/v1/auth/register",
      jsonInit("POST", { username: uniqueUsername(), email: "x@example.com", password: TEST_PASSWORD }, { "CF-Connecting-IP": "203.0.113.9" }),
    );
    await expectProblem(res, 429, "RATE_LIMITED");
    expect(res.headers.get("retry-after")).toBe("60");
    expect(limit).toHaveBeenCalledWith({ key: "register:203.0.113.9" });
  });
});

describe("POST /v1/auth/token", () => {
  it("signs in by username in any case, or by e-mail, with a Bearer pair", async () => {
    const user = await registerUser();
    for (const login of [{ username: user.username.toUpperCase() }, { email: user.email.toUpperCase() }]) {
      const res = await requestToken({ ...login, password: user.password });
      expect(res.status).toBe(200);
      expect(res.headers.get("cache-control")).toBe("no-store");
      const tokens = (await res.json()) as TokenPairBody;
      expect(tokens).toEqual({
        access_token: expect.any(String),
        refresh_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        token_type: "Bearer",
        expires_in: 900,
      });
      const claims = decodeJwt(tokens.access_token);
      expect(claims).toMatchObject({ iss: "maplestorage", aud: "maplestorage-api", sub: user.id, sid: expect.any(String) });
      expect((await me(tokens.access_token)).status).toBe(200);
    }
  });

  it("starts a session and stores only a hash of its refresh token", async () => {
    const user = await signedInUser();
    const { sid } = decodeJwt(user.tokens.access_token) as { sid: string };
    const session = await db.select().from(sessions).where(eq(sessions.id, sid)).get();
    expect(session).toMatchObject({ userId: user.id, revokedAt: null });
    const stored = await db.select().from(refreshTokens).where(eq(refreshTokens.sessionId, sid)).all();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored[0]!.tokenHash).not.toBe(user.tokens.refresh_token);
  });

  it("answers an unknown user and a wrong password with the same 401", async () => {
    const user = await registerUser();
    const wrongPassword = await requestToken({ username: user.username, password: "not-the-password" });
    const unknownUser = await requestToken({ username: uniqueUsername("ghost"), password: "not-the-password" });
    const unknownEmail = await requestToken({ email: "ghost@example.com", password: "not-the-password" });
    const bodies = [];
    for (const res of [wrongPassword, unknownUser, unknownEmail]) {
      const body = await expectProblem(res, 401, "UNAUTHENTICATED");
      expect(res.headers.get("www-authenticate")).toBe('Bearer realm="maplestorage"');
      bodies.push({ ...body, request_id: undefined });
    }
    expect(bodies[1]).toEqual(bodies[0]);
    expect(bodies[2]).toEqual(bodies[0]);
  });

  it.each([
    ["both username and e-mail", { username: "someone", email: "someone@example.com" }],
    ["neither username nor e-mail", {}],
  ])("refuses %s with 400", async (_, login) => {
    await expectProblem(await requestToken({ ...login, password: TEST_PASSWORD }), 400, "VALIDATION_FAILED");
  });

  it("upgrades an older password hash on sign-in", async () => {
    const username = uniqueUsername("old");
    const old = await hashPassword(TEST_PASSWORD, 1_000);
    const now = Date.now();
    const id = crypto.randomUUID();
    await db.insert(users).values({
      id,
      username,
      usernameKey: username.toLowerCase(),
      email: `${username.toLowerCase()}@example.com`,
      passwordHash: old.hash,
      passwordScheme: old.scheme,
      createdAt: now,
      updatedAt: now,
    });
    await signIn({ username, password: TEST_PASSWORD });
    const row = await db.select().from(users).where(eq(users.id, id)).get();
    expect(row!.passwordScheme).toBe("pbkdf2-sha256:100000");
    expect(row!.passwordHash).not.toBe(old.hash);
    await signIn({ username, password: TEST_PASSWORD });
  });
});

describe("sign-in throttling", () => {
  const failuresOf = (scope: "pair" | "account" | "client", key: string) =>
    db.select().from(loginFailures).where(and(eq(loginFailures.scope, scope), eq(loginFailures.key, key))).all();
  const userIdOf = async (username: string) => (await db.select().from(users).where(eq(users.usernameKey, username.toLowerCase())).get())!.id;

  it("counts an attempt before the password is checked: 100 simultaneous wrong passwords get at most 5 answers of 401", async () => {
    const user = await registerUser();
    const ip = randomIp();
    const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => requestToken({ username: user.username, password: `wrong-${i}-password` }, ip)));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(95);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    // A hundred real requests, five of them PBKDF2: more than the default 5 s on a busy 2-core CI machine.
  }, 30_000);

  it("blocks a client for an account after 5 failures, even with the right password, and only that client", async () => {
    const user = await registerUser();
    const ip = randomIp();
    for (let i = 0; i < 5; i++) {
      await expectProblem(await requestToken({ username: user.username, password: `wrong-${i}-password` }, ip), 401, "UNAUTHENTICATED");
    }
    const res = await requestToken({ username: user.username, password: user.password }, ip);
    await expectProblem(res, 429, "RATE_LIMITED");
    const retryAfter = Number(res.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(900);
    // The username and its e-mail are one account.
    await expectProblem(await requestToken({ email: user.email, password: user.password }, ip), 429, "RATE_LIMITED");
    // The real owner, elsewhere, is not locked out.
    await signIn(user);

    // Age the failures past the 15-minute window: the right password works again from that client.
    await db.update(loginFailures).set({ at: Date.now() - 901_000 }).where(eq(loginFailures.key, `user:${await userIdOf(user.username)} ${ip}`));
    expect((await requestToken({ username: user.username, password: user.password }, ip)).status).toBe(200);
  });

  it("blocks an account for everyone once it has failed from all clients together as often as LOGIN_MAX_FAILURES_PER_ACCOUNT", async () => {
    const user = await registerUser();
    const limits = { LOGIN_MAX_FAILURES_PER_ACCOUNT: "3" } as Partial<Bindings>;
    const attempt = (password: string) => fetchWithEnv(limits, "/v1/auth/token", jsonInit("POST", { username: user.username, password }));
    for (let i = 0; i < 3; i++) await expectProblem(await attempt(`wrong-${i}-password`), 401, "UNAUTHENTICATED");
    // A new client, the right password: the account is blocked for everyone until the window passes.
    await expectProblem(await attempt(user.password), 429, "RATE_LIMITED");
    expect(await failuresOf("account", `user:${await userIdOf(user.username)}`)).toHaveLength(3);
  });

  it("refuses a client after 30 failures across accounts, answering Retry-After from the oldest failure", async () => {
    const ip = randomIp();
    const now = Date.now();
    // 29 earlier failures from this client (oldest 10 minutes ago), then one more over HTTP.
    await db.insert(loginFailures).values(
      Array.from({ length: 29 }, (_, i) => ({ scope: "client" as const, key: ip, at: now - 600_000 + i * 1000 })),
    );
    await expectProblem(await requestToken({ username: uniqueUsername("nobody"), password: "wrong-password" }, ip), 401, "UNAUTHENTICATED");
    expect(await failuresOf("client", ip)).toHaveLength(30);

    const user = await registerUser();
    const res = await requestToken({ username: user.username, password: user.password }, ip);
    await expectProblem(res, 429, "RATE_LIMITED");
    // The oldest failure leaves the 900 s window about 300 s from now.
    const retryAfter = Number(res.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(250);
    expect(retryAfter).toBeLessThanOrEqual(300);
    // A refused attempt is not counted as another failure.
    expect(await failuresOf("client", ip)).toHaveLength(30);
    // Another client is not affected.
    await signIn(user);
  });

  it("takes a right password's attempt back and starts the (account, client) pair again", async () => {
    const user = await registerUser();
    const ip = randomIp();
    const account = `user:${await userIdOf(user.username)}`;
    for (let i = 0; i < 4; i++) await requestToken({ username: user.username, password: `wrong-${i}-password` }, ip);
    expect((await requestToken({ username: user.username, password: user.password }, ip)).status).toBe(200);
    expect(await failuresOf("pair", `${account} ${ip}`)).toHaveLength(0);
    // The account's and the client's failures stay (4 each): the good attempt itself is gone.
    expect(await failuresOf("account", account)).toHaveLength(4);
    expect(await failuresOf("client", ip)).toHaveLength(4);
  });
});

describe("POST /v1/auth/token/refresh", () => {
  const refresh = (refreshToken: string) => post("/v1/auth/token/refresh", { refresh_token: refreshToken });

  it("rotates: a new pair in the same session, and the old refresh token is spent", async () => {
    const user = await signedInUser();
    const res = await refresh(user.tokens.refresh_token);
    expect(res.status).toBe(200);
    const next = (await res.json()) as TokenPairBody;
    expect(next.refresh_token).not.toBe(user.tokens.refresh_token);
    expect(next.token_type).toBe("Bearer");
    expect(decodeJwt(next.access_token).sid).toBe(decodeJwt(user.tokens.access_token).sid);
    expect((await me(next.access_token)).status).toBe(200);
    const again = await refresh(next.refresh_token);
    expect(again.status).toBe(200);
  });

  it("revokes the whole session when a spent refresh token is presented again", async () => {
    const user = await signedInUser();
    const next = (await (await refresh(user.tokens.refresh_token)).json()) as TokenPairBody;

    const reuse = await refresh(user.tokens.refresh_token);
    await expectProblem(reuse, 401, "UNAUTHENTICATED");

    // Every token of that sign-in is dead now: the newest refresh token and both access tokens.
    await expectProblem(await refresh(next.refresh_token), 401, "UNAUTHENTICATED");
    await expectProblem(await me(next.access_token), 401, "UNAUTHENTICATED");
    await expectProblem(await me(user.tokens.access_token), 401, "UNAUTHENTICATED");
    const sid = decodeJwt(next.access_token).sid as string;
    const session = await db.select().from(sessions).where(eq(sessions.id, sid)).get();
    expect(session!.revokedReason).toBe("refresh_token_reuse");
  });

  it("leaves the user's other sessions alone when one is revoked for reuse", async () => {
    const user = await signedInUser();
    const other = await signIn(user);
    await refresh(user.tokens.refresh_token);
    await refresh(user.tokens.refresh_token);
    expect((await me(other.access_token)).status).toBe(200);
  });

  it("refuses unknown, expired-session and expired-token refresh tokens with 401", async () => {
    await expectProblem(await refresh("x".repeat(43)), 401, "UNAUTHENTICATED");

    const a = await signedInUser();
    await db.update(sessions).set({ expiresAt: Date.now() - 1 }).where(eq(sessions.userId, a.id));
    await expectProblem(await refresh(a.tokens.refresh_token), 401, "UNAUTHENTICATED");

    const b = await signedInUser();
    const sid = decodeJwt(b.tokens.access_token).sid as string;
    await db.update(refreshTokens).set({ expiresAt: Date.now() - 1 }).where(eq(refreshTokens.sessionId, sid));
    await expectProblem(await refresh(b.tokens.refresh_token), 401, "UNAUTHENTICATED");
  });

  it("refuses an empty refresh token with 400", async () => {
    await expectProblem(await post("/v1/auth/token/refresh", { refresh_token: "" }), 400, "VALIDATION_FAILED");
  });

  describe("a session's absolute limit (SESSION_MAX_AGE_SECONDS, 90 days from sign-in)", () => {
    const DAY = 86_400_000;
    const MAX_AGE = 90 * DAY;
    const sessionOf = async (pair: TokenPairBody) =>
      (await db.select().from(sessions).where(eq(sessions.id, decodeJwt(pair.access_token).sid as string)).get())!;

    it("lets refreshing every few days keep a session until 90 days after sign-in, then answers 401", async () => {
      const user = await signedInUser();
      const { createdAt } = await sessionOf(user.tokens);
      const end = createdAt + MAX_AGE;
      vi.useFakeTimers({ toFake: ["Date"] });
      try {
        let pair = user.tokens;
        for (let day = 4; day <= 88; day += 4) {
          vi.setSystemTime(createdAt + day * DAY);
          const res = await refresh(pair.refresh_token);
          expect(res.status, `refresh on day ${day}`).toBe(200);
          pair = (await res.json()) as TokenPairBody;
          // Refresh tokens never outlive the session's end; before the last 14 days they get their full lifetime.
          const { expiresAt } = await sessionOf(pair);
          expect(expiresAt).toBe(Math.min(Date.now() + 14 * DAY, end));
        }

        // A minute before the end: still refreshable, but the access token ends with the session.
        vi.setSystemTime(end - 60_000);
        const last = await refresh(pair.refresh_token);
        expect(last.status).toBe(200);
        pair = (await last.json()) as TokenPairBody;
        expect(pair.expires_in).toBeLessThanOrEqual(60);
        expect(decodeJwt(pair.access_token).exp! * 1000).toBeLessThanOrEqual(end);
        expect((await sessionOf(pair)).expiresAt).toBe(end);
        const token = await db.select().from(refreshTokens).where(eq(refreshTokens.sessionId, (await sessionOf(pair)).id)).all();
        expect(token.every((t) => t.expiresAt <= end)).toBe(true);

        // Past the end: refused like an expired token, and so is its access token.
        vi.setSystemTime(end + 1_000);
        await expectProblem(await refresh(pair.refresh_token), 401, "UNAUTHENTICATED");
        expect((await me(pair.access_token)).status).toBe(401);
      } finally {
        vi.useRealTimers();
      }
    });

    it("ends sessions started before the limit existed at 90 days after their sign-in too", async () => {
      const user = await signedInUser();
      // An older row: signed in 91 days ago, kept alive by refreshes under the sliding rule alone.
      await db
        .update(sessions)
        .set({ createdAt: Date.now() - 91 * DAY, expiresAt: Date.now() + 10 * DAY })
        .where(eq(sessions.userId, user.id));
      await expectProblem(await refresh(user.tokens.refresh_token), 401, "UNAUTHENTICATED");

      // One signed in 89 days ago still refreshes, up to its end only.
      const recent = await signedInUser();
      const createdAt = Date.now() - 89 * DAY;
      await db.update(sessions).set({ createdAt, expiresAt: Date.now() + 10 * DAY }).where(eq(sessions.userId, recent.id));
      const res = await refresh(recent.tokens.refresh_token);
      expect(res.status).toBe(200);
      expect((await sessionOf((await res.json()) as TokenPairBody)).expiresAt).toBe(createdAt + MAX_AGE);
    });
  });
});

describe("access tokens on protected routes", () => {
  /** A token with valid defaults for `user`'s session, overridable per claim and header. */
  async function craft(
    user: { tokens: TokenPairBody },
    overrides: { claims?: Record<string, unknown>; header?: Record<string, unknown>; secret?: string } = {},
  ) {
    const real = decodeJwt(user.tokens.access_token);
    const now = Math.floor(Date.now() / 1000);
    const secret = overrides.secret ?? JWT_SECRET;
    return new SignJWT({ iss: real.iss, aud: real.aud, sub: real.sub, sid: real.sid, iat: now, exp: now + 60, ...overrides.claims })
      .setProtectedHeader({ alg: "HS256", kid: await keyIdFor(JWT_SECRET), ...overrides.header } as { alg: string })
      .sign(utf8(secret));
  }

  it("accepts a well-formed token for a live session (control for the cases below)", async () => {
    const user = await signedInUser();
    expect((await me(await craft(user))).status).toBe(200);
  });

  it("asks for a Bearer token when none is sent", async () => {
    const res = await callFromNewClient("/v1/me");
    await expectProblem(res, 401, "UNAUTHENTICATED");
    expect(res.headers.get("www-authenticate")).toBe('Bearer realm="maplestorage"');
  });

  it("answers TOKEN_EXPIRED for an expired token", async () => {
    const user = await signedInUser();
    const past = Math.floor(Date.now() / 1000) - 3600;
    const res = await me(await craft(user, { claims: { iat: past, exp: past + 900 } }));
    await expectProblem(res, 401, "TOKEN_EXPIRED");
    expect(res.headers.get("www-authenticate")).toContain('error="invalid_token"');
  });

  it("answers TOKEN_EXPIRED once the real clock passes exp", async () => {
    const user = await signedInUser();
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(Date.now() + 901_000);
      await expectProblem(await me(user.tokens.access_token), 401, "TOKEN_EXPIRED");
    } finally {
      vi.useRealTimers();
    }
  });

  it.each([
    ["a bad signature", { secret: "some-other-secret-that-is-long-enough-123" }],
    ["a wrong audience", { claims: { aud: "another-api" } }],
    ["a wrong issuer", { claims: { iss: "someone-else" } }],
    ["HS512 instead of HS256", { header: { alg: "HS512" } }],
    ["an unknown kid", { header: { kid: "00000000" } }],
    ["another user's id on this session", { claims: { sub: crypto.randomUUID() } }],
    ["a session that does not exist", { claims: { sid: crypto.randomUUID() } }],
  ])("refuses a token with %s", async (_, overrides) => {
    const user = await signedInUser();
    const res = await me(await craft(user, overrides));
    await expectProblem(res, 401, "UNAUTHENTICATED");
    expect(res.headers.get("www-authenticate")).toContain('error="invalid_token"');
  });

  it("refuses an unsigned alg:none token", async () => {
    const user = await signedInUser();
    const part = (o: object) => toBase64Url(utf8(JSON.stringify(o)));
    const claims = decodeJwt(user.tokens.access_token);
    const token = `${part({ alg: "none", typ: "JWT", kid: await keyIdFor(JWT_SECRET) })}.${part(claims)}.`;
    await expectProblem(await me(token), 401, "UNAUTHENTICATED");
  });

  it("refuses a refresh token used as an access token, and a non-Bearer scheme", async () => {
    const user = await signedInUser();
    await expectProblem(await me(user.tokens.refresh_token), 401, "UNAUTHENTICATED");
    const basic = await callFromNewClient("/v1/me", { headers: { Authorization: `Basic ${btoa("user:pass")}` } });
    await expectProblem(basic, 401, "UNAUTHENTICATED");
  });

  it("still accepts tokens signed with JWT_SECRET_PREVIOUS during a secret rotation", async () => {
    const user = await signedInUser();
    const rotated = { JWT_SECRET: "a-brand-new-jwt-secret-0123456789abcdefghij", JWT_SECRET_PREVIOUS: JWT_SECRET };
    const res = await fetchWithEnv(rotated, "/v1/me", { headers: user.auth });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { id: string }).id).toBe(user.id);

    // Without the previous secret the old token is refused; new tokens carry the new kid.
    const withoutPrevious = await fetchWithEnv({ JWT_SECRET: rotated.JWT_SECRET }, "/v1/me", { headers: user.auth });
    await expectProblem(withoutPrevious, 401, "UNAUTHENTICATED");
    const fresh = await fetchWithEnv(rotated, "/v1/auth/token/refresh", jsonInit("POST", { refresh_token: user.tokens.refresh_token }));
    const { access_token } = (await fresh.json()) as TokenPairBody;
    expect(decodeProtectedHeader(access_token).kid).toBe(await keyIdFor(rotated.JWT_SECRET));
  });
});

describe("optionalUser", () => {
  async function whoAmI(headers: Record<string, string> = {}) {
    const app = createApp();
    app.get("/probe/who-am-i", optionalUser, (c) => c.json({ user: c.get("user") ?? null }));
    const ctx = createExecutionContext();
    const res = await app.fetch(new Request("https://api.test/probe/who-am-i", { headers }), env, ctx);
    await waitOnExecutionContext(ctx);
    return res;
  }

  it("lets anonymous requests through without a user", async () => {
    const res = await whoAmI();
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ user: null });
  });

  it("sets the user for a valid token", async () => {
    const user = await signedInUser();
    const res = await whoAmI(user.auth);
    expect(await res.json()).toEqual({ user: { id: user.id, sessionId: decodeJwt(user.tokens.access_token).sid } });
  });

  it("refuses a token that is sent but not valid", async () => {
    await expectProblem(await whoAmI(bearer("not-a-token")), 401, "UNAUTHENTICATED");
  });
});

describe("POST /v1/auth/token/verify", () => {
  const verify = (token: string) => post("/v1/auth/token/verify", { token });

  it("answers valid, sub and exp for a live token", async () => {
    const user = await signedInUser();
    const res = await verify(user.tokens.access_token);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ valid: true, sub: user.id, exp: decodeJwt(user.tokens.access_token).exp });
  });

  it("answers 401 for garbage, for an expired token, and for a revoked session's token", async () => {
    await expectProblem(await verify("not.a.token"), 401, "UNAUTHENTICATED");

    const user = await signedInUser();
    const past = Math.floor(Date.now() / 1000) - 3600;
    const real = decodeJwt(user.tokens.access_token);
    const expired = await new SignJWT({ ...real, iat: past, exp: past + 900 })
      .setProtectedHeader({ alg: "HS256", kid: await keyIdFor(JWT_SECRET) })
      .sign(utf8(JWT_SECRET));
    await expectProblem(await verify(expired), 401, "TOKEN_EXPIRED");

    await post("/v1/auth/logout", { refresh_token: user.tokens.refresh_token }, user.auth);
    await expectProblem(await verify(user.tokens.access_token), 401, "UNAUTHENTICATED");
  });
});

describe("POST /v1/auth/logout", () => {
  const logout = (user: { auth: Record<string, string> }, refreshToken: string, query = "") =>
    post(`/v1/auth/logout${query}`, { refresh_token: refreshToken }, user.auth);

  it("ends that session at once and leaves the user's other sessions alone", async () => {
    const user = await signedInUser();
    const other = await signIn(user);
    const res = await logout(user, user.tokens.refresh_token);
    expect(res.status).toBe(204);
    await expectProblem(await me(user.tokens.access_token), 401, "UNAUTHENTICATED");
    await expectProblem(await post("/v1/auth/token/refresh", { refresh_token: user.tokens.refresh_token }), 401, "UNAUTHENTICATED");
    expect((await me(other.access_token)).status).toBe(200);
  });

  it("ends every session of the user with ?all=true", async () => {
    const user = await signedInUser();
    const other = await signIn(user);
    const stranger = await signedInUser();
    expect((await logout(user, user.tokens.refresh_token, "?all=true")).status).toBe(204);
    await expectProblem(await me(user.tokens.access_token), 401, "UNAUTHENTICATED");
    await expectProblem(await me(other.access_token), 401, "UNAUTHENTICATED");
    await expectProblem(await post("/v1/auth/token/refresh", { refresh_token: other.refresh_token }), 401, "UNAUTHENTICATED");
    expect((await me(stranger.tokens.access_token)).status).toBe(200);
  });

  it("needs a Bearer token", async () => {
    const user = await signedInUser();
    const res = await post("/v1/auth/logout", { refresh_token: user.tokens.refresh_token });
    await expectProblem(res, 401, "UNAUTHENTICATED");
    expect((await me(user.tokens.access_token)).status).toBe(200);
  });

  it("refuses another user's refresh token and leaves their session alone", async () => {
    const user = await signedInUser();
    const victim = await signedInUser();
    const res = await logout(user, victim.tokens.refresh_token);
    const problem = await expectProblem(res, 400, "VALIDATION_FAILED");
    expect(problem.errors).toEqual([{ path: "body.refresh_token", message: expect.any(String) }]);
    expect((await me(victim.tokens.access_token)).status).toBe(200);
  });

  it("validates the all flag", async () => {
    const user = await signedInUser();
    await expectProblem(await logout(user, user.tokens.refresh_token, "?all=yes"), 400, "VALIDATION_FAILED");
  });
});
