import { fromBase64, randomBytes, toBase64, utf8 } from "./encoding";

/**
 * AES-256-GCM under the base64 ENCRYPTION_KEY. Output: `v1:<key id>:<base64(iv || ciphertext+tag)>`
 * with a fresh 12-byte IV each time. The key id (`keyId`: 8 hex digits of the key's
 * SHA-256) names the key that sealed it, so the key can be rotated: `openWithKeyRing`
 * opens values sealed under the current or the previous key. Values stored before
 * key ids existed are the bare base64 part ("unversioned"): tried with the current key,
 * then the previous one. `associatedData` (e.g. the owner's user id) is authenticated
 * but not stored: a ciphertext copied to another row then fails to decrypt.
 *
 * Pure Web Crypto with one relative import, so `scripts/keys-reencrypt.mjs` runs this
 * very module in Node (type stripping) and both always agree on the format.
 */
const IV_BYTES = 12;
const VERSION = "v1";

/** Why a value did not open: no configured key has its key id, or a key did not open it. */
export type DecryptionFailure = "unknown_key" | "failed";

/** Thrown for a wrong or unknown key, a tampered or truncated ciphertext, or mismatched associated data. */
export class DecryptionError extends Error {
  readonly reason: DecryptionFailure;
  constructor(reason: DecryptionFailure = "failed", options?: ErrorOptions) {
    super(reason === "unknown_key" ? "decryption failed: sealed under a key that is not configured" : "decryption failed", options);
    this.name = "DecryptionError";
    this.reason = reason;
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

const keyIds = new Map<string, Promise<string>>();

/** A short public fingerprint of a key (8 hex digits of SHA-256 over its 32 bytes), stored with each ciphertext. */
export function keyId(keyBase64: string): Promise<string> {
  let id = keyIds.get(keyBase64);
  if (!id) {
    id = importKey(keyBase64).then(async () => {
      const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", fromBase64(keyBase64)));
      return Array.from(digest.subarray(0, 4), (b) => b.toString(16).padStart(2, "0")).join("");
    });
    keyIds.set(keyBase64, id);
  }
  return id;
}

/** Splits a stored value into its key id (null: unversioned) and the base64 payload. */
function parse(stored: string): { keyId: string | null; payload: string } {
  if (!stored.includes(":")) return { keyId: null, payload: stored };
  const [version, id, payload, ...rest] = stored.split(":");
  if (version !== VERSION || !id || payload === undefined || rest.length > 0) throw new DecryptionError();
  return { keyId: id, payload };
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
  return `${VERSION}:${await keyId(keyBase64)}:${toBase64(out)}`;
}

/**
 * Opens a value sealed under this key (or an unversioned one). Throws DecryptionError
 * (never returns garbage) when anything does not match, the key id included.
 */
export async function decrypt(stored: string, keyBase64: string, associatedData?: string): Promise<string> {
  const { keyId: id, payload } = parse(stored);
  if (id !== null && id !== (await keyId(keyBase64))) throw new DecryptionError("unknown_key");
  return open(payload, keyBase64, associatedData);
}

/** ENCRYPTION_KEY and, during a rotation, ENCRYPTION_KEY_PREVIOUS. */
export interface KeyRing {
  current: string;
  previous?: string;
}

export interface Opened {
  plaintext: string;
  /** True unless it was sealed under the current key with its key id: seal it again with `encrypt`. */
  stale: boolean;
}

/**
 * Opens a value sealed under the current or the previous key: the one its key id
 * names, or for an unversioned value the current key, then the previous one.
 */
export async function openWithKeyRing(stored: string, ring: KeyRing, associatedData?: string): Promise<Opened> {
  const { keyId: id, payload } = parse(stored);
  const keys = ring.previous === undefined ? [ring.current] : [ring.current, ring.previous];
  const ids = await Promise.all(keys.map(keyId));
  const candidates = id === null ? keys : keys.filter((_, i) => ids[i] === id);
  if (candidates.length === 0) throw new DecryptionError("unknown_key");
  let failure: unknown;
  for (const key of candidates) {
    try {
      return { plaintext: await open(payload, key, associatedData), stale: id === null || key !== ring.current };
    } catch (err) {
      failure = err;
    }
  }
  throw failure;
}

async function open(payload: string, keyBase64: string, associatedData?: string): Promise<string> {
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
    throw new DecryptionError("failed", { cause: err });
  }
}
