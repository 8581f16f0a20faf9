import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Bindings } from "../src/env";
import { callFromNewClient, signIn, signedInUser } from "../src/features/auth/auth.test-helpers";
import { getAs, newSampleKey, putKey } from "../src/features/me/me.test-helpers";
import { SAMPLE_CHARACTERS } from "../dev/sample-upstream";
import { fakeUpstream, nexonError } from "./fake-upstream";
import { captureLogs, jsonInit } from "./helpers";

afterEach(() => vi.restoreAllMocks());

describe("secrets hygiene", () => {
  it("never logs a password, token, API key or secret during a full session", async () => {
    const apiKey = newSampleKey();
    const secrets: string[] = [];
    const lines = await captureLogs(async () => {
      const user = await signedInUser();
      secrets.push(user.password, user.tokens.access_token, user.tokens.refresh_token);

      // Failures that tend to leak: a wrong password, a tampered token, a bad refresh token.
      await callFromNewClient("/v1/auth/token", jsonInit("POST", { username: user.username, password: "wrong-password-123" }));
      await callFromNewClient("/v1/me", { headers: { Authorization: `Bearer ${user.tokens.access_token}x` } });
      await callFromNewClient("/v1/auth/token/refresh", jsonInit("POST", { refresh_token: `${user.tokens.refresh_token}x` }));

      // Refresh, then use the new pair.
      const refreshed = await callFromNewClient("/v1/auth/token/refresh", jsonInit("POST", { refresh_token: user.tokens.refresh_token }));
      const pair = (await refreshed.json()) as { access_token: string; refresh_token: string };
      secrets.push(pair.access_token, pair.refresh_token);
      const auth = { Authorization: `Bearer ${pair.access_token}` };
      const me = { ...user, auth };

      // The user's own NEXON key: stored, used, refused.
      fakeUpstream();
      secrets.push(apiKey);
      expect((await putKey(me, apiKey)).status).toBe(200);
      await getAs(me, "/v1/me/accounts");
      await getAs(me, "/v1/me/characters");
      await getAs(me, "/v1/me/achievements");
      const history = await getAs(me, "/v1/me/history/starforce?count=10");
      const cursor = ((await history.json()) as { next_cursor?: string | null }).next_cursor;
      if (cursor) {
        secrets.push(cursor);
        await getAs(me, `/v1/me/history/starforce?count=10&cursor=${encodeURIComponent(cursor)}`);
      }
      vi.mocked(fetch).mockRestore();
      fakeUpstream((call) => (call.path === "character/list" ? nexonError("OPENAPI00005") : undefined));
      await putKey(me, "invalid-key-but-long-enough");
      secrets.push("invalid-key-but-long-enough");

      // Public data, upstream failures and a password change.
      vi.mocked(fetch).mockRestore();
      fakeUpstream((call) => (call.path === "character/stat" ? nexonError("OPENAPI00001", 500) : undefined));
      await callFromNewClient(`/v1/characters/${SAMPLE_CHARACTERS[0]!.ocid}?sections=basic,stat`);
      const newPassword = "another-secret-password";
      secrets.push(newPassword);
      await callFromNewClient("/v1/me/password", jsonInit("PATCH", { current_password: user.password, new_password: newPassword }, auth));
      await signIn({ username: user.username, password: newPassword });
      await callFromNewClient("/v1/me", jsonInit("DELETE", { password: newPassword }, auth));
    });

    const bindings = env as Bindings;
    for (const secret of [bindings.JWT_SECRET!, bindings.ENCRYPTION_KEY!, bindings.MAPLESTORY_API_KEY!]) secrets.push(secret);
    expect(lines.length).toBeGreaterThan(10);
    const everything = lines.join("\n");
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThanOrEqual(8);
      expect(everything).not.toContain(secret);
    }
    // Not even inside an Authorization header or a query string.
    expect(everything).not.toMatch(/Bearer\s+ey/);
    expect(everything).not.toMatch(/x-nxopen-api-key/i);
  });
});
