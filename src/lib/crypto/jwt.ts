import { SignJWT, errors, jwtVerify, type JWTVerifyGetKey } from "jose";
import type { Config } from "../../config";
import { ProblemError } from "../problem";
import { sha256Hex, utf8 } from "./encoding";

/**
 * Access tokens: HS256 JWTs (jose over Web Crypto). The `kid` header names the
 * secret that signed a token, so during a rotation tokens signed with
 * JWT_SECRET_PREVIOUS keep verifying until they expire.
 */
export const ACCESS_TOKEN_ISSUER = "maplestorage";
export const ACCESS_TOKEN_AUDIENCE = "maplestorage-api";
const ALGORITHM = "HS256";

export type TokenConfig = Pick<Config["tokens"], "jwtSecret" | "jwtSecretPrevious" | "accessTtlSeconds">;

export interface AccessTokenClaims {
  /** user id */
  sub: string;
  /** session id (sessions.id) */
  sid: string;
  iat: number;
  exp: number;
}

const keyIds = new Map<string, Promise<string>>();

/** A public, stable name for a secret: 8 hex digits of a domain-separated SHA-256. */
export function keyIdFor(secret: string): Promise<string> {
  let id = keyIds.get(secret);
  if (!id) {
    id = sha256Hex(`maplestorage-jwt-kid:${secret}`).then((hex) => hex.slice(0, 8));
    keyIds.set(secret, id);
  }
  return id;
}

/** `notAfter` (ms since the epoch, e.g. the session's end): `exp` is never later than it. */
export async function signAccessToken(
  config: TokenConfig,
  subject: { userId: string; sessionId: string; notAfter?: number },
): Promise<{ token: string; expiresIn: number }> {
  const now = Math.floor(Date.now() / 1000);
  const exp = Math.min(
    now + config.accessTtlSeconds,
    subject.notAfter === undefined ? Infinity : Math.floor(subject.notAfter / 1000),
  );
  const token = await new SignJWT({ sid: subject.sessionId })
    .setProtectedHeader({ alg: ALGORITHM, typ: "JWT", kid: await keyIdFor(config.jwtSecret) })
    .setIssuer(ACCESS_TOKEN_ISSUER)
    .setAudience(ACCESS_TOKEN_AUDIENCE)
    .setSubject(subject.userId)
    .setIssuedAt(now)
    .setExpirationTime(exp)
    .sign(utf8(config.jwtSecret));
  return { token, expiresIn: exp - now };
}

async function keyResolver(config: TokenConfig): Promise<JWTVerifyGetKey<Uint8Array>> {
  const secrets = [config.jwtSecret, config.jwtSecretPrevious].filter((s): s is string => Boolean(s));
  const byKid = new Map(await Promise.all(secrets.map(async (s) => [await keyIdFor(s), utf8(s)] as const)));
  return (header) => {
    const key = header.kid === undefined ? undefined : byKid.get(header.kid);
    if (!key) throw new errors.JWSSignatureVerificationFailed("unknown kid");
    return key;
  };
}

/**
 * Verifies signature (HS256 only), iss, aud, sub, sid, iat and exp. Expired →
 * TOKEN_EXPIRED; anything else wrong → UNAUTHENTICATED. Never says which check
 * failed: that would help forgers.
 */
export async function verifyAccessToken(config: TokenConfig, token: string): Promise<AccessTokenClaims> {
  try {
    const { payload } = await jwtVerify(token, await keyResolver(config), {
      algorithms: [ALGORITHM],
      issuer: ACCESS_TOKEN_ISSUER,
      audience: ACCESS_TOKEN_AUDIENCE,
      requiredClaims: ["sub", "sid", "iat", "exp"],
    });
    const { sub, sid, iat, exp } = payload;
    if (typeof sub !== "string" || typeof sid !== "string" || typeof iat !== "number" || typeof exp !== "number") {
      throw new errors.JWTInvalid("claims of the wrong type");
    }
    return { sub, sid, iat, exp };
  } catch (err) {
    if (err instanceof errors.JWTExpired) throw new ProblemError("TOKEN_EXPIRED", { cause: err });
    throw new ProblemError("UNAUTHENTICATED", { cause: err });
  }
}
