import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { callFromNewClient, signedInUser } from "../features/auth/auth.test-helpers";
import { jsonInit } from "../../test/helpers";
import { pruneAuthData, REVOKED_SESSION_RETENTION_MS } from "./prune-auth";

afterEach(() => vi.restoreAllMocks());

const count = async (table: string) => (await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table}`).first<number>("n")) ?? 0;

describe("pruning auth data", () => {
  it("deletes old failures, expired and long-revoked sessions, and keeps live ones working", async () => {
    vi.spyOn(console, "log").mockImplementation(() => {});
    const live = await signedInUser();
    const loggedOut = await signedInUser();
    expect((await callFromNewClient("/v1/auth/logout", jsonInit("POST", { refresh_token: loggedOut.tokens.refresh_token }, loggedOut.auth))).status).toBe(204);
    await callFromNewClient("/v1/auth/token", jsonInit("POST", { username: live.username, password: "wrong-password-1" }));
    const now = Date.now();
    await env.DB.prepare("INSERT INTO login_failures (scope, key, at) VALUES ('username', 'old', ?)").bind(now - 2 * 24 * 3600_000).run();

    // Today: only the old failure goes; the fresh failure and both sessions stay.
    expect(await pruneAuthData(env, now)).toMatchObject({ login_failures: 1, sessions: 0 });
    expect(await count("login_failures")).toBeGreaterThan(0);

    // A day and more later: the revoked session and its tokens go, the live session stays and still refreshes.
    const later = now + REVOKED_SESSION_RETENTION_MS + 60_000;
    const summary = await pruneAuthData(env, later);
    expect(summary).toMatchObject({ sessions: 1, refresh_tokens: 1 });
    expect((await env.DB.prepare("SELECT user_id FROM sessions").all()).results).toEqual([{ user_id: live.id }]);
    expect(await count("login_failures")).toBe(0);
    const refreshed = await callFromNewClient("/v1/auth/token/refresh", jsonInit("POST", { refresh_token: live.tokens.refresh_token }));
    expect(refreshed.status).toBe(200);
    const revoked = await callFromNewClient("/v1/auth/token/refresh", jsonInit("POST", { refresh_token: loggedOut.tokens.refresh_token }));
    expect(revoked.status).toBe(401);
  });
});
