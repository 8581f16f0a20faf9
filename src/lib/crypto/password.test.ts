import { describe, expect, it } from "vitest";
import { fromBase64 } from "./encoding";
import {
  CURRENT_PASSWORD_SCHEME,
  hashPassword,
  needsRehash,
  verifyDummyPassword,
  verifyPassword,
} from "./password";

describe("password hashing", () => {
  it("hashes at exactly 100,000 PBKDF2-SHA256 iterations and verifies only the right password", async () => {
    const { hash, scheme } = await hashPassword("correct horse battery");
    expect(scheme).toBe("pbkdf2-sha256:100000");
    expect(CURRENT_PASSWORD_SCHEME).toBe(scheme);
    expect(fromBase64(hash)).toHaveLength(16 + 32);
    expect(await verifyPassword("correct horse battery", hash, scheme)).toBe(true);
    expect(await verifyPassword("correct horse batterY", hash, scheme)).toBe(false);
  });

  it("salts every hash, so equal passwords get different hashes", async () => {
    const [a, b] = await Promise.all([hashPassword("same password", 1_000), hashPassword("same password", 1_000)]);
    expect(a.hash).not.toBe(b.hash);
  });

  it("treats the same password in another Unicode normal form as equal", async () => {
    const composed = "비밀번호-café-1234";
    const { hash, scheme } = await hashPassword(composed.normalize("NFD"), 1_000);
    expect(await verifyPassword(composed.normalize("NFC"), hash, scheme)).toBe(true);
  });

  it("verifies older, weaker schemes and marks them for rehash", async () => {
    const old = await hashPassword("an older password", 1_000);
    expect(old.scheme).toBe("pbkdf2-sha256:1000");
    expect(await verifyPassword("an older password", old.hash, old.scheme)).toBe(true);
    expect(needsRehash(old.scheme)).toBe(true);
    expect(needsRehash(CURRENT_PASSWORD_SCHEME)).toBe(false);
  });

  it("refuses more iterations than deployed Workers allow", async () => {
    await expect(hashPassword("whatever1234", 100_001)).rejects.toThrow(RangeError);
    const { hash } = await hashPassword("whatever1234", 1_000);
    expect(await verifyPassword("whatever1234", hash, "pbkdf2-sha256:200000")).toBe(false);
  });

  it("fails closed on unknown schemes and corrupt hashes", async () => {
    const { hash } = await hashPassword("whatever1234", 1_000);
    expect(await verifyPassword("whatever1234", hash, "bcrypt:10")).toBe(false);
    expect(await verifyPassword("whatever1234", "%%%", "pbkdf2-sha256:1000")).toBe(false);
    expect(await verifyPassword("whatever1234", hash.slice(8), "pbkdf2-sha256:1000")).toBe(false);
  });

  it("has a dummy verification that always fails", async () => {
    expect(await verifyDummyPassword("anything at all")).toBe(false);
  });
});
