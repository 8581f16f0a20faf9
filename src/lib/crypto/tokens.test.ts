import { describe, expect, it } from "vitest";
import { hashRefreshToken, newRefreshToken } from "./tokens";

describe("refresh tokens", () => {
  it("are 256 random bits in base64url", () => {
    const token = newRefreshToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newRefreshToken()).not.toBe(token);
  });

  it("are stored as a SHA-256 hex hash that never contains the token", async () => {
    const token = newRefreshToken();
    const hash = await hashRefreshToken(token);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain(token);
    expect(await hashRefreshToken(token)).toBe(hash);
  });
});
