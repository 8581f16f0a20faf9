import { decodeProtectedHeader, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { isProblem } from "../problem";
import { toBase64Url, utf8 } from "./encoding";
import { keyIdFor, signAccessToken, verifyAccessToken, type TokenConfig } from "./jwt";

const SECRET = "unit-test-jwt-secret-0123456789abcdefghij";
const OLD_SECRET = "unit-test-old-jwt-secret-0123456789abcdefgh";
const config: TokenConfig = { jwtSecret: SECRET, accessTtlSeconds: 900 };
const subject = { userId: "user-1", sessionId: "session-1" };

/** A token with chosen claims and header, signed with `secret` (defaults: a valid token). */
async function craft(
  overrides: { claims?: Record<string, unknown>; header?: Record<string, unknown>; secret?: string } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: "maplestorage", aud: "maplestorage-api", sub: "user-1", sid: "session-1", iat: now, exp: now + 60 };
  // Our own kid by default, so a wrong secret is caught by the signature check itself.
  return new SignJWT({ ...claims, ...overrides.claims })
    .setProtectedHeader({ alg: "HS256", kid: await keyIdFor(SECRET), ...overrides.header } as { alg: string })
    .sign(utf8(overrides.secret ?? SECRET));
}

async function rejection(token: string, cfg: TokenConfig = config): Promise<string> {
  try {
    await verifyAccessToken(cfg, token);
  } catch (err) {
    if (isProblem(err)) return err.code;
    throw err;
  }
  throw new Error("token was accepted");
}

describe("access tokens", () => {
  it("round-trips subject and session with the configured lifetime", async () => {
    const { token, expiresIn } = await signAccessToken(config, subject);
    expect(expiresIn).toBe(900);
    const claims = await verifyAccessToken(config, token);
    expect(claims).toMatchObject({ sub: "user-1", sid: "session-1" });
    expect(claims.exp - claims.iat).toBe(900);
  });

  it("names the signing secret in the kid header", async () => {
    const { token } = await signAccessToken(config, subject);
    expect(decodeProtectedHeader(token)).toEqual({ alg: "HS256", typ: "JWT", kid: await keyIdFor(SECRET) });
    expect(await keyIdFor(SECRET)).toMatch(/^[0-9a-f]{8}$/);
    expect(await keyIdFor(OLD_SECRET)).not.toBe(await keyIdFor(SECRET));
  });

  it("accepts a crafted valid token (so the rejections below test one thing each)", async () => {
    await expect(verifyAccessToken(config, await craft())).resolves.toMatchObject({ sub: "user-1" });
  });

  it("verifies tokens signed with the previous secret during rotation, and only then", async () => {
    const old = await signAccessToken({ ...config, jwtSecret: OLD_SECRET }, subject);
    await expect(verifyAccessToken({ ...config, jwtSecretPrevious: OLD_SECRET }, old.token)).resolves.toMatchObject({
      sid: "session-1",
    });
    expect(await rejection(old.token)).toBe("UNAUTHENTICATED");
  });

  it("answers TOKEN_EXPIRED for an expired but genuine token", async () => {
    const past = Math.floor(Date.now() / 1000) - 3600;
    expect(await rejection(await craft({ claims: { iat: past, exp: past + 900 } }))).toBe("TOKEN_EXPIRED");
  });

  it.each([
    ["a wrong signature", { secret: "another-secret-of-enough-length-0123456789" }],
    ["an unknown kid", { header: { kid: "deadbeef" } }],
    ["no kid", { header: { kid: undefined } }],
    ["a wrong audience", { claims: { aud: "someone-else" } }],
    ["a wrong issuer", { claims: { iss: "evil" } }],
    ["no session id", { claims: { sid: undefined } }],
    ["no subject", { claims: { sub: undefined } }],
    ["no issued-at", { claims: { iat: undefined } }],
    ["no expiry", { claims: { exp: undefined } }],
    ["a numeric session id", { claims: { sid: 42 } }],
  ])("rejects a token with %s", async (_, overrides) => {
    expect(await rejection(await craft(overrides))).toBe("UNAUTHENTICATED");
  });

  it("rejects another HMAC algorithm even with the right secret", async () => {
    const token = await craft({ header: { alg: "HS512" } });
    expect(await rejection(token)).toBe("UNAUTHENTICATED");
  });

  it("rejects an unsigned (alg none) token", async () => {
    const now = Math.floor(Date.now() / 1000);
    const part = (o: object) => toBase64Url(utf8(JSON.stringify(o)));
    const header = part({ alg: "none", typ: "JWT", kid: await keyIdFor(SECRET) });
    const payload = part({ iss: "maplestorage", aud: "maplestorage-api", sub: "user-1", sid: "s", iat: now, exp: now + 60 });
    expect(await rejection(`${header}.${payload}.`)).toBe("UNAUTHENTICATED");
  });

  it("rejects a tampered payload", async () => {
    const [header, , signature] = (await craft()).split(".");
    const forged = toBase64Url(utf8(JSON.stringify({ iss: "maplestorage", aud: "maplestorage-api", sub: "admin", sid: "s", iat: 1, exp: 9_999_999_999 })));
    expect(await rejection(`${header}.${forged}.${signature}`)).toBe("UNAUTHENTICATED");
  });

  it.each(["", "garbage", "a.b.c", "x".repeat(5000)])("rejects the non-token %j", async (token) => {
    expect(await rejection(token)).toBe("UNAUTHENTICATED");
  });
});
