import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { expectProblem, jsonInit } from "../../../test/helpers";
import { fakeUpstream, nexonError } from "../../../test/fake-upstream";
import { getConfig } from "../../config";
import { createDb } from "../../db/client";
import { nexonAccounts, nexonCharacters, nexonKeys } from "../../db/schema";
import { decrypt, DecryptionError } from "../../lib/crypto/aes";
import { toBase64, toBase64Url, toHex, utf8 } from "../../lib/crypto/encoding";
import { callFromNewClient, signedInUser } from "../auth/auth.test-helpers";
import { callWithLimiter, getAs, limiterRefusing, newSampleKey, putKey, userWithKey } from "./me.test-helpers";

const db = createDb(env.DB);
const keyRow = (userId: string) => db.select().from(nexonKeys).where(eq(nexonKeys.userId, userId)).get();

afterEach(() => {
  vi.restoreAllMocks();
});

describe("PUT /v1/me/nexon-key", () => {
  it("verifies the key with NEXON, stores it and answers its status", async () => {
    const upstream = fakeUpstream();
    const user = await signedInUser();
    const apiKey = newSampleKey();

    const res = await putKey(user, apiKey);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    const text = await res.text();
    expect(text).not.toContain(apiKey);
    const body = JSON.parse(text);
    expect(body).toEqual({ configured: true, key_hint: apiKey.slice(-4), verified_at: expect.any(String) });
    expect(new Date(body.verified_at).toISOString()).toBe(body.verified_at);
    expect(upstream.calls).toEqual([expect.objectContaining({ path: "character/list", key: apiKey })]);

    const status = await getAs(user, "/v1/me/nexon-key");
    expect(status.status).toBe(200);
    expect(await status.json()).toEqual(body);
  });

  it("stores the key only as AES-GCM ciphertext bound to the user, with a fresh IV each time", async () => {
    fakeUpstream();
    const user = await signedInUser();
    const apiKey = newSampleKey();
    expect((await putKey(user, apiKey)).status).toBe(200);
    const first = await keyRow(user.id);

    const rowText = JSON.stringify(first);
    const bytes = utf8(apiKey);
    for (const encoded of [apiKey, toBase64(bytes), toBase64Url(bytes), toHex(bytes), toHex(bytes).toUpperCase()]) {
      expect(rowText).not.toContain(encoded);
    }
    // A trimmed base64 prefix catches encodings that differ only in padding.
    expect(rowText).not.toContain(toBase64(bytes).slice(0, 16));

    const { encryptionKey } = getConfig(env);
    expect(await decrypt(first!.ciphertext, encryptionKey, user.id)).toBe(apiKey);
    const otherEncryptionKey = toBase64(new Uint8Array(32).fill(7));
    await expect(decrypt(first!.ciphertext, otherEncryptionKey, user.id)).rejects.toBeInstanceOf(DecryptionError);
    await expect(decrypt(first!.ciphertext, encryptionKey, crypto.randomUUID())).rejects.toBeInstanceOf(DecryptionError);
    await expect(decrypt(first!.ciphertext, encryptionKey)).rejects.toBeInstanceOf(DecryptionError);

    expect((await putKey(user, apiKey)).status).toBe(200);
    const second = await keyRow(user.id);
    expect(second!.ciphertext).not.toBe(first!.ciphertext);
    // After the `v1:<key id>:` prefix: the IV.
    expect(second!.ciphertext.split(":")[2]!.slice(0, 16)).not.toBe(first!.ciphertext.split(":")[2]!.slice(0, 16));
  });

  it("trims the key before checking and storing it", async () => {
    const upstream = fakeUpstream();
    const user = await signedInUser();
    const apiKey = newSampleKey();
    const res = await putKey(user, `  ${apiKey}\n`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { key_hint: string }).key_hint).toBe(apiKey.slice(-4));
    expect(upstream.calls[0]!.key).toBe(apiKey);
  });

  it.each([
    ["too short", "abc1234"],
    ["too long", "k".repeat(257)],
    ["containing a space", "test key 0123456789"],
    ["containing a tab", "test\tkey0123456789"],
    ["not ASCII", "테스트키0123456789"],
    ["a control character", "testkey\u0001123456789"],
    ["not a string", 12345678901],
    ["missing", undefined],
  ])("refuses a key %s with 400 before asking NEXON", async (_, apiKey) => {
    const upstream = fakeUpstream();
    const user = await signedInUser();
    const problem = await expectProblem(await putKey(user, apiKey), 400, "VALIDATION_FAILED");
    expect((problem.errors as { path: string }[]).map((e) => e.path)).toEqual(["body.api_key"]);
    if (typeof apiKey === "string" && apiKey.length >= 10) expect(JSON.stringify(problem)).not.toContain(apiKey);
    expect(upstream.calls).toEqual([]);
    expect(await keyRow(user.id)).toBeUndefined();
  });

  it("refuses a key NEXON rejects (00005) with 400 NEXON_KEY_INVALID and stores nothing", async () => {
    fakeUpstream();
    const user = await signedInUser();
    const apiKey = "an-invalid-key-0123456789";
    const res = await putKey(user, apiKey);
    const problem = await expectProblem(res, 400, "NEXON_KEY_INVALID");
    expect(JSON.stringify(problem)).not.toContain(apiKey);
    expect(await keyRow(user.id)).toBeUndefined();
  });

  it("refuses a key not authorised for the API (00002) with 400 NEXON_KEY_INVALID", async () => {
    fakeUpstream(() => nexonError("OPENAPI00002", 403));
    const user = await signedInUser();
    await expectProblem(await putKey(user, newSampleKey()), 400, "NEXON_KEY_INVALID");
    expect(await keyRow(user.id)).toBeUndefined();
  });

  it("answers an upstream outage with its 5xx and keeps the previous key", async () => {
    fakeUpstream();
    const user = await userWithKey();
    const before = await keyRow(user.id);
    vi.restoreAllMocks();

    fakeUpstream(() => nexonError("OPENAPI00011", 503));
    vi.spyOn(console, "error").mockImplementation(() => {});
    await expectProblem(await putKey(user, newSampleKey()), 503, "UPSTREAM_MAINTENANCE");
    expect(await keyRow(user.id)).toEqual(before);
  });

  it("drops the accounts listed with the previous key when the key is replaced", async () => {
    const upstream = fakeUpstream();
    const user = await userWithKey();
    const first = await getAs(user, "/v1/me/accounts");
    expect(first.status).toBe(200);
    const oldAccounts = ((await first.json()) as { items: { account_id: string }[] }).items.map((a) => a.account_id);
    expect(await db.select().from(nexonCharacters).where(eq(nexonCharacters.userId, user.id))).not.toEqual([]);

    const newKey = newSampleKey();
    expect((await putKey(user, newKey)).status).toBe(200);
    expect(await db.select().from(nexonAccounts).where(eq(nexonAccounts.userId, user.id))).toEqual([]);
    expect(await db.select().from(nexonCharacters).where(eq(nexonCharacters.userId, user.id))).toEqual([]);
    expect((await keyRow(user.id))!.accountsSyncedAt).toBeNull();

    const callsBefore = upstream.calls.length;
    const second = await getAs(user, "/v1/me/accounts");
    const newAccounts = ((await second.json()) as { items: { account_id: string }[] }).items.map((a) => a.account_id);
    expect(upstream.calls.slice(callsBefore)).toEqual([expect.objectContaining({ path: "character/list", key: newKey })]);
    expect(newAccounts).not.toEqual(oldAccounts);
  });

  it("is rate-limited per user", async () => {
    fakeUpstream();
    const user = await signedInUser();
    const limiter = limiterRefusing("nexon-key:", 2);
    const put = () => callWithLimiter(limiter, "/v1/me/nexon-key", jsonInit("PUT", { api_key: newSampleKey() }, user.auth));
    expect((await put()).status).toBe(200);
    expect((await put()).status).toBe(200);
    const res = await put();
    await expectProblem(res, 429, "RATE_LIMITED");
    expect(res.headers.get("retry-after")).toBe("60");
    expect(limiter.limit).toHaveBeenCalledWith({ key: `nexon-key:${user.id}` });

    const other = await signedInUser();
    const otherRes = await callWithLimiter(limiter, "/v1/me/nexon-key", jsonInit("PUT", { api_key: newSampleKey() }, other.auth));
    expect(otherRes.status).toBe(200);
  });

  it("needs a Bearer token", async () => {
    const upstream = fakeUpstream();
    const res = await callFromNewClient("/v1/me/nexon-key", jsonInit("PUT", { api_key: newSampleKey() }));
    await expectProblem(res, 401, "UNAUTHENTICATED");
    expect(upstream.calls).toEqual([]);
  });
});

describe("GET /v1/me/nexon-key", () => {
  it("answers configured: false when no key is registered", async () => {
    const user = await signedInUser();
    const res = await getAs(user, "/v1/me/nexon-key");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    expect(await res.json()).toEqual({ configured: false, key_hint: null, verified_at: null });
  });

  it("shows each user only their own key's status", async () => {
    fakeUpstream();
    const a = await userWithKey();
    const b = await signedInUser();
    expect(((await (await getAs(a, "/v1/me/nexon-key")).json()) as { key_hint: string }).key_hint).toBe(a.apiKey.slice(-4));
    expect(((await (await getAs(b, "/v1/me/nexon-key")).json()) as { configured: boolean }).configured).toBe(false);
  });

  it("needs a Bearer token", async () => {
    await expectProblem(await callFromNewClient("/v1/me/nexon-key"), 401, "UNAUTHENTICATED");
  });
});

describe("DELETE /v1/me/nexon-key", () => {
  const remove = (auth: Record<string, string>) => callFromNewClient("/v1/me/nexon-key", { method: "DELETE", headers: auth });

  it("removes the key with the accounts and characters stored from it", async () => {
    fakeUpstream();
    const user = await userWithKey();
    const bystander = await userWithKey();
    expect((await getAs(user, "/v1/me/accounts")).status).toBe(200);
    expect((await getAs(bystander, "/v1/me/accounts")).status).toBe(200);

    const res = await remove(user.auth);
    expect(res.status).toBe(204);
    expect(await keyRow(user.id)).toBeUndefined();
    expect(await db.select().from(nexonAccounts).where(eq(nexonAccounts.userId, user.id))).toEqual([]);
    expect(await db.select().from(nexonCharacters).where(eq(nexonCharacters.userId, user.id))).toEqual([]);
    expect(await (await getAs(user, "/v1/me/nexon-key")).json()).toEqual({ configured: false, key_hint: null, verified_at: null });
    await expectProblem(await getAs(user, "/v1/me/accounts"), 409, "NEXON_KEY_REQUIRED");

    expect(await keyRow(bystander.id)).toBeDefined();
    expect(await db.select().from(nexonCharacters).where(eq(nexonCharacters.userId, bystander.id))).not.toEqual([]);
  });

  it("answers 204 when there is no key", async () => {
    const user = await signedInUser();
    expect((await remove(user.auth)).status).toBe(204);
  });

  it("needs a Bearer token", async () => {
    await expectProblem(await remove({}), 401, "UNAUTHENTICATED");
  });
});
