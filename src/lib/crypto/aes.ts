import { fromBase64, randomBytes, toBase64, utf8 } from "./encoding";

/**
 * AES-256-GCM under the base64 ENCRYPTION_KEY. Output: base64(iv || ciphertext+tag)
 * with a fresh 12-byte IV each time. `associatedData` (e.g. the owner's user id)
 * is authenticated but not stored: a ciphertext copied to another row then fails
 * to decrypt.
 */
const IV_BYTES = 12;

/** Thrown for a wrong key, a tampered or truncated ciphertext, or mismatched associated data. */
export class DecryptionError extends Error {
  constructor(options?: ErrorOptions) {
    super("decryption failed", options);
    this.name = "DecryptionError";
  }
}

const keys = new Map<string, Promise<CryptoKey>>();

function importKey(keyBase64: string): Promise<CryptoKey> {
  let key = keys.get(keyBase64);
  if (!key) {
    const raw = fromBase64(keyBase64);
    if (raw.length !== 32) throw new RangeError("ENCRYPTION_KEY must be 32 bytes, base64-encoded");
    key = crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
    keys.set(keyBase64, key);
  }
  return key;
}

function params(iv: Uint8Array<ArrayBuffer>, associatedData?: string): SubtleCryptoEncryptAlgorithm {
  return associatedData === undefined ? { name: "AES-GCM", iv } : { name: "AES-GCM", iv, additionalData: utf8(associatedData) };
}

export async function encrypt(plaintext: string, keyBase64: string, associatedData?: string): Promise<string> {
  const iv = randomBytes(IV_BYTES);
  const ciphertext = await crypto.subtle.encrypt(params(iv, associatedData), await importKey(keyBase64), utf8(plaintext));
  const out = new Uint8Array(IV_BYTES + ciphertext.byteLength);
  out.set(iv, 0);
  out.set(new Uint8Array(ciphertext), IV_BYTES);
  return toBase64(out);
}

/** Throws DecryptionError (never returns garbage) when anything does not match. */
export async function decrypt(payload: string, keyBase64: string, associatedData?: string): Promise<string> {
  const key = await importKey(keyBase64);
  try {
    const bytes = fromBase64(payload);
    if (bytes.length <= IV_BYTES) throw new Error("too short");
    const plaintext = await crypto.subtle.decrypt(
      params(bytes.slice(0, IV_BYTES), associatedData),
      key,
      bytes.slice(IV_BYTES),
    );
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(plaintext);
  } catch (err) {
    throw new DecryptionError({ cause: err });
  }
}
