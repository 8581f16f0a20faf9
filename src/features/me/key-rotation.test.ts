/**
 * Rotating ENCRYPTION_KEY: keys sealed under the old key keep working while it is
 * ENCRYPTION_KEY_PREVIOUS, and are sealed again under the new key on first use.
 */
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { expectProblem, jsonInit, runToCompletion } from "../../../test/helpers";
import { fakeUpstream } from "../../../test/fake-upstream";
import { createApp } from "../../app";
import { getConfig } from "../../config";
import { createDb } from "../../db/client";
import { nexonKeys } from "../../db/schema";
import type { Bindings } from "../../env";
import { decrypt, encrypt, keyId } from "../../lib/crypto/aes";
import { randomBytes, toBase64 } from "../../lib/crypto/encoding";
import { randomIp, type SignedInUser } from "../auth/auth.test-helpers";
import { userWithKey } from "./me.test-helpers";

const db = createDb(env.DB);
const storedCiphertext = async (userId: string) =>
  (await db.select({ ciphertext: nexonKeys.ciphertext }).from(nexonKeys).where(eq(nexonKeys.userId, userId)).get())!.ciphertext;

/** The key the test config seals under ("A"), and a new one ("B"). */
const KEY_A = getConfig(env).encryptionKey;
const KEY_B = toBase64(randomBytes(32));

/** The Worker's env after a rotation: B current, and A previous unless `withPrevious` is false. */
function rotatedEnv(withPrevious: boolean): Bindings {
  const { ENCRYPTION_KEY_PREVIOUS: _, ...rest } = env as Bindings;
  return { ...rest, ENCRYPTION_KEY: KEY_B, ...(withPrevious ? { ENCRYPTION_KEY_PREVIOUS: KEY_A } : {}) } as Bindings;
}

function callWith(bindings: Bindings, user: SignedInUser, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("CF-Connecting-IP", randomIp());
  for (const [name, value] of Object.entries(user.auth)) headers.set(name, value);
  return runToCompletion(createApp(), new Request(`https://api.test${path}`, { ...init, headers }), bindings);
}

const ROUTES = ["/v1/me/nexon-key", "/v1/me/accounts", "/v1/me/characters", "/v1/me/history/starforce?count=10"];
const KEY_ROUTES = ROUTES.slice(1);

/** Every line the Worker logs while `run` runs. */
async function captureLogs<T>(run: () => Promise<T>): Promise<{ result: T; lines: Record<string, unknown>[] }> {
  const lines: Record<string, unknown>[] = [];
  for (const level of ["log", "warn", "error"] as const) {
    vi.spyOn(console, level).mockImplementation((line: unknown) => {
      if (typeof line === "string" && line.startsWith("{")) lines.push(JSON.parse(line) as Record<string, unknown>);
    });
  }
  const result = await run();
  return { result, lines };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("ENCRYPTION_KEY rotation", () => {
  it("keeps every /v1/me NEXON route working under ENCRYPTION_KEY_PREVIOUS, sealing the key again under the new key", async () => {
    const upstream = fakeUpstream();
    const user = await userWithKey();
    const underA = await storedCiphertext(user.id);
    expect(underA.startsWith(`v1:${await keyId(KEY_A)}:`)).toBe(true);

    const rotated = rotatedEnv(true);
    const { lines } = await captureLogs(async () => {
      for (const path of ROUTES) expect((await callWith(rotated, user, path)).status, path).toBe(200);
    });
    // Sealed again once, on the first use, under B alone.
    expect(lines.filter((l) => l.event === "nexon_key_reencrypted")).toEqual([expect.objectContaining({ user_id: user.id })]);
    const underB = await storedCiphertext(user.id);
    expect(underB.startsWith(`v1:${await keyId(KEY_B)}:`)).toBe(true);
    expect(await decrypt(underB, KEY_B, user.id)).toBe(user.apiKey);
    expect(upstream.calls.every((call) => call.key === user.apiKey)).toBe(true);

    // Then B alone is enough, and nothing is written again.
    const newOnly = rotatedEnv(false);
    for (const path of ROUTES) expect((await callWith(newOnly, user, path)).status, path).toBe(200);
    expect(await storedCiphertext(user.id)).toBe(underB);
  });

  it("opens keys stored before key versions with the current key, then the previous one, and versions them", async () => {
    fakeUpstream();
    const user = await userWithKey();
    const legacy = async (key: string) => (await encrypt(user.apiKey, key, user.id)).split(":")[2]!;

    // Unversioned under the current key (no rotation yet).
    await db.update(nexonKeys).set({ ciphertext: await legacy(KEY_A) }).where(eq(nexonKeys.userId, user.id));
    const { result } = await captureLogs(() => callWith(env as Bindings, user, "/v1/me/accounts"));
    expect(result.status).toBe(200);
    expect((await storedCiphertext(user.id)).startsWith(`v1:${await keyId(KEY_A)}:`)).toBe(true);

    // Unversioned under the previous key.
    await db.update(nexonKeys).set({ ciphertext: await legacy(KEY_A) }).where(eq(nexonKeys.userId, user.id));
    const after = await captureLogs(() => callWith(rotatedEnv(true), user, "/v1/me/characters"));
    expect(after.result.status).toBe(200);
    expect(await decrypt(await storedCiphertext(user.id), KEY_B, user.id)).toBe(user.apiKey);
  });

  it("answers 409 NEXON_KEY_REQUIRED, logged, for a key sealed under a key no longer configured; registering again works", async () => {
    const upstream = fakeUpstream();
    const user = await userWithKey();
    const underA = await storedCiphertext(user.id);
    const newOnly = rotatedEnv(false);

    const callsBefore = upstream.calls.length;
    const { lines } = await captureLogs(async () => {
      for (const path of KEY_ROUTES) {
        const problem = await expectProblem(await callWith(newOnly, user, path), 409, "NEXON_KEY_REQUIRED");
        expect(problem.detail).toContain("Register it again with PUT /v1/me/nexon-key");
      }
    });
    expect(upstream.calls.slice(callsBefore)).toEqual([]);
    const undecryptable = lines.filter((l) => l.event === "nexon_key_undecryptable");
    expect(undecryptable).toHaveLength(KEY_ROUTES.length);
    expect(undecryptable[0]).toMatchObject({ level: "error", user_id: user.id, reason: "unknown_key" });
    expect(JSON.stringify(lines)).not.toContain(user.apiKey);
    // The status route reads no key; the stored row is kept (setting ENCRYPTION_KEY_PREVIOUS would bring it back).
    expect((await callWith(newOnly, user, "/v1/me/nexon-key")).status).toBe(200);
    expect(await storedCiphertext(user.id)).toBe(underA);

    const put = await callWith(newOnly, user, "/v1/me/nexon-key", jsonInit("PUT", { api_key: user.apiKey }));
    expect(put.status).toBe(200);
    for (const path of KEY_ROUTES) expect((await callWith(newOnly, user, path)).status, path).toBe(200);
  });

  it("refuses an ENCRYPTION_KEY_PREVIOUS that is not 32 bytes with 500 MISCONFIGURED, naming only the setting", async () => {
    fakeUpstream();
    const user = await userWithKey();
    const bad = { ...rotatedEnv(false), ENCRYPTION_KEY_PREVIOUS: toBase64(randomBytes(16)) } as Bindings;
    const { result, lines } = await captureLogs(() => callWith(bad, user, "/v1/me/accounts"));
    await expectProblem(result, 500, "MISCONFIGURED");
    const config = lines.find((l) => l.event === "config_invalid");
    expect(JSON.stringify(config)).toContain("ENCRYPTION_KEY_PREVIOUS");
    expect(JSON.stringify(lines)).not.toContain(bad.ENCRYPTION_KEY_PREVIOUS);
  });
});
