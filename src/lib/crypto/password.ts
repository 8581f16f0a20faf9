import { constantTimeEqual, fromBase64, randomBytes, toBase64, utf8 } from "./encoding";

/**
 * PBKDF2-SHA256 password hashing through Web Crypto.
 *
 * 100,000 iterations is the most deployed Workers accept (local workerd accepts
 * more, production throws), so it is both the target and a hard ceiling. The
 * scheme tag is stored beside each hash so a future scheme can upgrade hashes
 * as users sign in (see needsRehash).
 */
export const PBKDF2_MAX_ITERATIONS = 100_000;
const SCHEME_PREFIX = "pbkdf2-sha256:";
export const CURRENT_PASSWORD_SCHEME = `${SCHEME_PREFIX}${PBKDF2_MAX_ITERATIONS}`;

const SALT_BYTES = 16;
const HASH_BYTES = 32;

export interface PasswordHash {
  /** base64(salt || derived key) */
  hash: string;
  /** e.g. `pbkdf2-sha256:100000` */
  scheme: string;
}

async function pbkdf2(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<Uint8Array> {
  // NFC: the same password typed on different keyboards/OSes must hash the same.
  const material = await crypto.subtle.importKey("raw", utf8(password.normalize("NFC")), "PBKDF2", false, [
    "deriveBits",
  ]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, material, HASH_BYTES * 8);
  return new Uint8Array(bits);
}

/** Iterations of a scheme we can verify, or undefined for an unknown or unusable scheme. */
function iterationsOf(scheme: string): number | undefined {
  if (!scheme.startsWith(SCHEME_PREFIX)) return undefined;
  const digits = scheme.slice(SCHEME_PREFIX.length);
  if (!/^[1-9]\d{0,6}$/.test(digits)) return undefined;
  const iterations = Number(digits);
  return iterations <= PBKDF2_MAX_ITERATIONS ? iterations : undefined;
}

/** `iterations` exists for tests of scheme upgrades; production always uses the default. */
export async function hashPassword(password: string, iterations = PBKDF2_MAX_ITERATIONS): Promise<PasswordHash> {
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > PBKDF2_MAX_ITERATIONS) {
    throw new RangeError(`PBKDF2 iterations must be 1..${PBKDF2_MAX_ITERATIONS}`);
  }
  const salt = randomBytes(SALT_BYTES);
  const derived = await pbkdf2(password, salt, iterations);
  const stored = new Uint8Array(SALT_BYTES + HASH_BYTES);
  stored.set(salt, 0);
  stored.set(derived, SALT_BYTES);
  return { hash: toBase64(stored), scheme: `${SCHEME_PREFIX}${iterations}` };
}

export async function verifyPassword(password: string, hash: string, scheme: string): Promise<boolean> {
  const iterations = iterationsOf(scheme);
  let stored: Uint8Array<ArrayBuffer>;
  try {
    stored = fromBase64(hash);
  } catch {
    return false;
  }
  if (iterations === undefined || stored.length !== SALT_BYTES + HASH_BYTES) return false;
  const derived = await pbkdf2(password, stored.slice(0, SALT_BYTES), iterations);
  return constantTimeEqual(derived, stored.slice(SALT_BYTES));
}

/** True when a hash should be replaced by one of the current scheme at the next sign-in. */
export function needsRehash(scheme: string): boolean {
  return scheme !== CURRENT_PASSWORD_SCHEME;
}

const DUMMY_SALT = new Uint8Array(SALT_BYTES);

/**
 * Does the same work as verifying a real password and always fails: sign-in for
 * an unknown user then takes as long as a wrong password for a known one.
 */
export async function verifyDummyPassword(password: string): Promise<false> {
  await pbkdf2(password, DUMMY_SALT, PBKDF2_MAX_ITERATIONS);
  return false;
}
