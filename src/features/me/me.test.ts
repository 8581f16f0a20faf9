import { env } from "cloudflare:workers";
import { eq, inArray } from "drizzle-orm";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { createDb } from "../../db/client";
import {
  loginFailures,
  nexonAccounts,
  nexonCharacters,
  nexonKeys,
  refreshTokens,
  sessions,
  trackedCharacters,
  users,
} from "../../db/schema";
import { expectProblem, jsonInit } from "../../../test/helpers";
import {
  bearer,
  callFromNewClient,
  requestToken,
  signedInUser,
  signIn,
  type SignedInUser,
} from "../auth/auth.test-helpers";

const db = createDb(env.DB);

const me = (accessToken: string) => callFromNewClient("/v1/me", { headers: bearer(accessToken) });

function send(method: string, path: string, user: SignedInUser, body: unknown) {
  return callFromNewClient(path, jsonInit(method, body, user.auth));
}

describe("GET /v1/me", () => {
  it("answers the signed-in user's profile, privately and without the password hash", async () => {
    const user = await signedInUser();
    const res = await me(user.tokens.access_token);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({
      id: user.id,
      username: user.username,
      email: user.email,
      created_at: expect.any(String),
    });
    const row = await db.select().from(users).where(eq(users.id, user.id)).get();
    expect(text).not.toContain(row!.passwordHash);
  });

  it("needs a Bearer token", async () => {
    const res = await callFromNewClient("/v1/me");
    await expectProblem(res, 401, "UNAUTHENTICATED");
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
  });
});

describe("PATCH /v1/me/password", () => {
  const change = (user: SignedInUser, body: unknown) => send("PATCH", "/v1/me/password", user, body);

  it("changes the password, ends every other session and keeps this one", async () => {
    const user = await signedInUser();
    const other = await signIn(user);

    const res = await change(user, { current_password: user.password, new_password: "a-brand-new-password" });
    expect(res.status).toBe(204);

    expect((await me(user.tokens.access_token)).status).toBe(200);
    const refreshed = await callFromNewClient("/v1/auth/token/refresh", jsonInit("POST", { refresh_token: user.tokens.refresh_token }));
    expect(refreshed.status).toBe(200);
    await expectProblem(await me(other.access_token), 401, "UNAUTHENTICATED");
    const otherRefresh = await callFromNewClient("/v1/auth/token/refresh", jsonInit("POST", { refresh_token: other.refresh_token }));
    await expectProblem(otherRefresh, 401, "UNAUTHENTICATED");

    await expectProblem(await requestToken({ username: user.username, password: user.password }), 401, "UNAUTHENTICATED");
    await signIn({ username: user.username, password: "a-brand-new-password" });
  });

  it("refuses a wrong current password with 400 and keeps the old one", async () => {
    const user = await signedInUser();
    const res = await change(user, { current_password: "not-my-password", new_password: "a-brand-new-password" });
    const problem = await expectProblem(res, 400, "VALIDATION_FAILED");
    expect(problem.errors).toEqual([{ path: "body.current_password", message: expect.any(String) }]);
    await signIn(user);
  });

  it.each([
    ["too short", () => "short", "body.new_password"],
    ["the username", (u: SignedInUser) => u.username.toUpperCase() + "", "body.new_password"],
  ])("refuses a new password that is %s", async (_, newPassword, path) => {
    const user = await signedInUser({ username: `long_name_${crypto.randomUUID().slice(0, 6)}` });
    const res = await change(user, { current_password: user.password, new_password: newPassword(user) });
    const problem = await expectProblem(res, 400, "VALIDATION_FAILED");
    expect((problem.errors as { path: string }[]).map((e) => e.path)).toContain(path);
  });

  it("throttles wrong current passwords like sign-ins, even the right one", async () => {
    const user = await signedInUser();
    // The account has failed from every client together as often as it may: blocked for everyone.
    const key = `user:${user.id}`;
    // D1 binds at most 100 values a statement: two inserts of 25 rows.
    for (let i = 0; i < 2; i++) await db.insert(loginFailures).values(Array.from({ length: 25 }, () => ({ scope: "account" as const, key, at: Date.now() })));
    const res = await change(user, { current_password: user.password, new_password: "a-brand-new-password" });
    await expectProblem(res, 429, "RATE_LIMITED");
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("needs a Bearer token", async () => {
    const res = await callFromNewClient("/v1/me/password", jsonInit("PATCH", { current_password: "x", new_password: "y".repeat(12) }));
    await expectProblem(res, 401, "UNAUTHENTICATED");
  });
});

describe("DELETE /v1/me", () => {
  const remove = (user: SignedInUser, body: unknown) => send("DELETE", "/v1/me", user, body);

  it("deletes the user and every row that belongs to them, and nobody else's", async () => {
    const user = await signedInUser();
    const second = await signIn(user);
    const bystander = await signedInUser();
    const now = Date.now();
    for (const owner of [user.id, bystander.id]) {
      await db.batch([
        db.insert(nexonKeys).values({ userId: owner, ciphertext: "c2VhbGVk", keyHint: "abcd", verifiedAt: now }),
        db.insert(nexonAccounts).values({ userId: owner, accountId: "acc-1", syncedAt: now }),
        db.insert(nexonCharacters).values({
          userId: owner,
          accountId: "acc-1",
          ocid: "ocid-1",
          characterName: "Hero",
          worldName: "Scania",
          characterClass: "Hero",
          characterLevel: 200,
        }),
        db.insert(trackedCharacters).values({ userId: owner, ocid: "ocid-1", characterName: "Hero", createdAt: now }),
      ]);
    }
    const sessionIds = [decodeJwt(user.tokens.access_token).sid, decodeJwt(second.access_token).sid] as string[];

    const res = await remove(user, { password: user.password });
    expect(res.status).toBe(204);

    const leftovers = await db.batch([
      db.select().from(users).where(eq(users.id, user.id)),
      db.select().from(sessions).where(eq(sessions.userId, user.id)),
      db.select().from(refreshTokens).where(inArray(refreshTokens.sessionId, sessionIds)),
      db.select().from(nexonKeys).where(eq(nexonKeys.userId, user.id)),
      db.select().from(nexonAccounts).where(eq(nexonAccounts.userId, user.id)),
      db.select().from(nexonCharacters).where(eq(nexonCharacters.userId, user.id)),
      db.select().from(trackedCharacters).where(eq(trackedCharacters.userId, user.id)),
      db.select().from(loginFailures).where(inArray(loginFailures.key, [user.username.toLowerCase(), user.email])),
    ]);
    for (const rows of leftovers) expect(rows).toEqual([]);

    const kept = await db.batch([
      db.select().from(sessions).where(eq(sessions.userId, bystander.id)),
      db.select().from(nexonKeys).where(eq(nexonKeys.userId, bystander.id)),
      db.select().from(trackedCharacters).where(eq(trackedCharacters.userId, bystander.id)),
    ]);
    for (const rows of kept) expect(rows).toHaveLength(1);

    await expectProblem(await me(user.tokens.access_token), 401, "UNAUTHENTICATED");
    await expectProblem(await me(second.access_token), 401, "UNAUTHENTICATED");
    expect((await me(bystander.tokens.access_token)).status).toBe(200);
    await expectProblem(await requestToken({ username: user.username, password: user.password }), 401, "UNAUTHENTICATED");
  });

  it("frees the username and e-mail for a new account", async () => {
    const user = await signedInUser();
    expect((await remove(user, { password: user.password })).status).toBe(204);
    const again = await signedInUser({ username: user.username, email: user.email });
    expect(again.id).not.toBe(user.id);
  });

  it("refuses a wrong password with 400 and keeps the account", async () => {
    const user = await signedInUser();
    const problem = await expectProblem(await remove(user, { password: "not-my-password" }), 400, "VALIDATION_FAILED");
    expect(problem.errors).toEqual([{ path: "body.password", message: expect.any(String) }]);
    expect((await me(user.tokens.access_token)).status).toBe(200);
  });

  it("needs a body with the password", async () => {
    const user = await signedInUser();
    await expectProblem(await remove(user, {}), 400, "VALIDATION_FAILED");
  });
});
