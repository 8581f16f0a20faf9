import { randomBytes, sha256Hex, toBase64Url } from "./encoding";

/**
 * Refresh tokens are opaque: 256 random bits, base64url. Only their SHA-256 is
 * stored, so a leaked database cannot be used to refresh anyone's session (the
 * token has full entropy, so a fast unsalted hash is enough).
 */
export function newRefreshToken(): string {
  return toBase64Url(randomBytes(32));
}

export function hashRefreshToken(token: string): Promise<string> {
  return sha256Hex(token);
}
