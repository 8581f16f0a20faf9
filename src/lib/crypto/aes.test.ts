import { describe, expect, it } from "vitest";
import { fromBase64, randomBytes, toBase64 } from "./encoding";
import { DecryptionError, decrypt, encrypt } from "./aes";

const KEY = toBase64(randomBytes(32));
const OTHER_KEY = toBase64(randomBytes(32));
const SECRET = "test_0123456789abcdef-nexon-key";

describe("AES-256-GCM", () => {
  it("decrypts with the right key", async () => {
    const sealed = await encrypt(SECRET, KEY);
    expect(sealed).not.toContain(SECRET);
    expect(await decrypt(sealed, KEY)).toBe(SECRET);
  });

  it("uses a fresh 12-byte IV for every encryption", async () => {
    const [a, b] = await Promise.all([encrypt(SECRET, KEY), encrypt(SECRET, KEY)]);
    expect(a).not.toBe(b);
    expect(fromBase64(a).slice(0, 12)).not.toEqual(fromBase64(b).slice(0, 12));
    // iv (12) + plaintext + tag (16)
    expect(fromBase64(a)).toHaveLength(12 + SECRET.length + 16);
  });

  it("fails cleanly with the wrong key", async () => {
    const sealed = await encrypt(SECRET, KEY);
    await expect(decrypt(sealed, OTHER_KEY)).rejects.toBeInstanceOf(DecryptionError);
  });

  it("fails cleanly on tampered, truncated or non-base64 input", async () => {
    const bytes = fromBase64(await encrypt(SECRET, KEY));
    bytes[bytes.length - 1]! ^= 1;
    await expect(decrypt(toBase64(bytes), KEY)).rejects.toBeInstanceOf(DecryptionError);
    await expect(decrypt(toBase64(bytes.slice(0, 12)), KEY)).rejects.toBeInstanceOf(DecryptionError);
    await expect(decrypt("%%% not base64", KEY)).rejects.toBeInstanceOf(DecryptionError);
  });

  it("binds the ciphertext to its associated data", async () => {
    const sealed = await encrypt(SECRET, KEY, "user-a");
    expect(await decrypt(sealed, KEY, "user-a")).toBe(SECRET);
    await expect(decrypt(sealed, KEY, "user-b")).rejects.toBeInstanceOf(DecryptionError);
    await expect(decrypt(sealed, KEY)).rejects.toBeInstanceOf(DecryptionError);
  });

  it("refuses a key that is not 32 bytes", async () => {
    await expect(encrypt(SECRET, toBase64(randomBytes(16)))).rejects.toThrow(RangeError);
  });
});
