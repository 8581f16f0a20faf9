import { describe, expect, it } from "vitest";
import { fromBase64, randomBytes, toBase64 } from "./encoding";
import { DecryptionError, decrypt, encrypt, keyId, openWithKeyRing } from "./aes";

const KEY = toBase64(randomBytes(32));
const OTHER_KEY = toBase64(randomBytes(32));
const SECRET = "test_0123456789abcdef-nexon-key";

/** The bytes after `v1:<key id>:`: iv || ciphertext+tag. */
const payloadBytes = (sealed: string) => fromBase64(sealed.split(":")[2]!);

describe("AES-256-GCM", () => {
  it("decrypts with the right key", async () => {
    const sealed = await encrypt(SECRET, KEY);
    expect(sealed).not.toContain(SECRET);
    expect(await decrypt(sealed, KEY)).toBe(SECRET);
  });

  it("uses a fresh 12-byte IV for every encryption", async () => {
    const [a, b] = await Promise.all([encrypt(SECRET, KEY), encrypt(SECRET, KEY)]);
    expect(a).not.toBe(b);
    expect(payloadBytes(a).slice(0, 12)).not.toEqual(payloadBytes(b).slice(0, 12));
    // iv (12) + plaintext + tag (16)
    expect(payloadBytes(a)).toHaveLength(12 + SECRET.length + 16);
  });

  it("fails cleanly with the wrong key", async () => {
    const sealed = await encrypt(SECRET, KEY);
    await expect(decrypt(sealed, OTHER_KEY)).rejects.toBeInstanceOf(DecryptionError);
  });

  it("fails cleanly on tampered, truncated or non-base64 input", async () => {
    const sealed = await encrypt(SECRET, KEY);
    const prefix = sealed.slice(0, sealed.lastIndexOf(":") + 1);
    const bytes = payloadBytes(sealed);
    bytes[bytes.length - 1]! ^= 1;
    await expect(decrypt(prefix + toBase64(bytes), KEY)).rejects.toBeInstanceOf(DecryptionError);
    await expect(decrypt(prefix + toBase64(bytes.slice(0, 12)), KEY)).rejects.toBeInstanceOf(DecryptionError);
    await expect(decrypt("%%% not base64", KEY)).rejects.toBeInstanceOf(DecryptionError);
    for (const mangled of [`v2${sealed.slice(2)}`, `${sealed}:x`, sealed.replace(/^v1:[0-9a-f]+:/, "v1::")]) {
      await expect(decrypt(mangled, KEY)).rejects.toBeInstanceOf(DecryptionError);
    }
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

describe("key versions and rotation", () => {
  /** A value from before key ids: the bare base64(iv || ciphertext+tag). */
  const unversioned = async (key: string, ad?: string) => (await encrypt(SECRET, key, ad)).split(":")[2]!;

  it("names the sealing key by a short public fingerprint", async () => {
    const id = await keyId(KEY);
    expect(id).toMatch(/^[0-9a-f]{8}$/);
    expect(await keyId(KEY)).toBe(id);
    expect(await keyId(OTHER_KEY)).not.toBe(id);
    expect(await encrypt(SECRET, KEY)).toMatch(new RegExp(`^v1:${id}:[A-Za-z0-9+/]+=*$`));
  });

  it("refuses a value sealed under another key by its key id", async () => {
    const err = await decrypt(await encrypt(SECRET, OTHER_KEY), KEY).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DecryptionError);
    expect((err as DecryptionError).reason).toBe("unknown_key");
  });

  it("opens an unversioned value with the key that sealed it", async () => {
    expect(await decrypt(await unversioned(KEY, "u"), KEY, "u")).toBe(SECRET);
    await expect(decrypt(await unversioned(KEY, "u"), OTHER_KEY, "u")).rejects.toBeInstanceOf(DecryptionError);
  });

  it("opens values under the current or the previous key, saying which need sealing again", async () => {
    const ring = { current: KEY, previous: OTHER_KEY };
    expect(await openWithKeyRing(await encrypt(SECRET, KEY, "u"), ring, "u")).toEqual({ plaintext: SECRET, stale: false });
    expect(await openWithKeyRing(await encrypt(SECRET, OTHER_KEY, "u"), ring, "u")).toEqual({ plaintext: SECRET, stale: true });
    expect(await openWithKeyRing(await unversioned(KEY, "u"), ring, "u")).toEqual({ plaintext: SECRET, stale: true });
    expect(await openWithKeyRing(await unversioned(OTHER_KEY, "u"), ring, "u")).toEqual({ plaintext: SECRET, stale: true });
    expect(await openWithKeyRing(await unversioned(KEY, "u"), { current: KEY }, "u")).toEqual({ plaintext: SECRET, stale: true });
  });

  it("refuses what neither key opens", async () => {
    const third = toBase64(randomBytes(32));
    const ring = { current: KEY, previous: OTHER_KEY };
    const unknown = await openWithKeyRing(await encrypt(SECRET, third, "u"), ring, "u").catch((e: unknown) => e);
    expect((unknown as DecryptionError).reason).toBe("unknown_key");
    const old = await openWithKeyRing(await encrypt(SECRET, OTHER_KEY, "u"), { current: KEY }, "u").catch((e: unknown) => e);
    expect((old as DecryptionError).reason).toBe("unknown_key");
    const oldUnversioned = await openWithKeyRing(await unversioned(third, "u"), ring, "u").catch((e: unknown) => e);
    expect(oldUnversioned).toBeInstanceOf(DecryptionError);
    await expect(openWithKeyRing(await encrypt(SECRET, OTHER_KEY, "u"), ring, "v")).rejects.toBeInstanceOf(DecryptionError);
  });
});
