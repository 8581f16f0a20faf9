import { eq } from "drizzle-orm";
import type { Context } from "hono";
import { getConfig } from "../../config";
import { createDb, type Db } from "../../db/client";
import { nexonAccounts, nexonCharacters, nexonKeys } from "../../db/schema";
import { decrypt, DecryptionError, encrypt } from "../../lib/crypto/aes";
import { log } from "../../lib/logging";
import { isProblem, ProblemError } from "../../lib/problem";
import type { NexonClient, UpstreamBody, UpstreamParams } from "../../upstream/client";
import { endpoint, type EndpointDef } from "../../upstream/endpoints";
import type { AuthedEnv } from "../auth/auth.middleware";

/**
 * The user's own NEXON Open API key: verified with NEXON, stored AES-256-GCM
 * encrypted with the user id as associated data (a row copied to another user
 * does not decrypt), and used only for that user's private upstream calls.
 */

/** What every private /v1/me route needs: who asks, their storage and the upstream. */
export interface MeContext {
  db: Db;
  client: NexonClient;
  encryptionKey: string;
  userId: string;
  now: number;
}

export function meContext(c: Context<AuthedEnv>): MeContext {
  return {
    db: createDb(c.env.DB),
    client: c.var.services.upstream,
    encryptionKey: getConfig(c.env).encryptionKey,
    userId: c.get("user").id,
    now: Date.now(),
  };
}

export const CHARACTER_LIST = endpoint("account", "characters");

export interface NexonKeyStatus {
  configured: boolean;
  key_hint: string | null;
  verified_at: string | null;
}

const NOT_CONFIGURED: NexonKeyStatus = { configured: false, key_hint: null, verified_at: null };

const statusOf = (row: { keyHint: string; verifiedAt: number }): NexonKeyStatus => ({
  configured: true,
  key_hint: row.keyHint,
  verified_at: new Date(row.verifiedAt).toISOString(),
});

/** The stored accounts and characters came from one key: they go when that key goes. */
export function clearAccountsStatements(db: Db, userId: string) {
  return [
    db.delete(nexonCharacters).where(eq(nexonCharacters.userId, userId)),
    db.delete(nexonAccounts).where(eq(nexonAccounts.userId, userId)),
  ] as const;
}

export async function nexonKeyStatus(db: Db, userId: string): Promise<NexonKeyStatus> {
  const row = await db
    .select({ keyHint: nexonKeys.keyHint, verifiedAt: nexonKeys.verifiedAt })
    .from(nexonKeys)
    .where(eq(nexonKeys.userId, userId))
    .get();
  return row ? statusOf(row) : NOT_CONFIGURED;
}

/**
 * Asks NEXON first (the character list needs a working key and costs one call):
 * a refused key is 400 NEXON_KEY_INVALID and an outage its 5xx, with nothing
 * stored. Then stores it, dropping the accounts the previous key had listed.
 */
export async function registerNexonKey(ctx: MeContext, apiKey: string): Promise<NexonKeyStatus> {
  await ctx.client.get(CHARACTER_LIST, {}, { userKey: apiKey });
  const ciphertext = await encrypt(apiKey, ctx.encryptionKey, ctx.userId);
  const stored = { ciphertext, keyHint: apiKey.slice(-4), verifiedAt: ctx.now, accountsSyncedAt: null };
  await ctx.db.batch([
    ...clearAccountsStatements(ctx.db, ctx.userId),
    ctx.db
      .insert(nexonKeys)
      .values({ userId: ctx.userId, ...stored })
      .onConflictDoUpdate({ target: nexonKeys.userId, set: stored }),
  ]);
  return statusOf(stored);
}

export async function deleteNexonKey(db: Db, userId: string): Promise<void> {
  await db.batch([...clearAccountsStatements(db, userId), db.delete(nexonKeys).where(eq(nexonKeys.userId, userId))]);
}

export interface UserKey {
  apiKey: string;
  /** When the account list was last pulled (null: never). */
  accountsSyncedAt: number | null;
}

/** The caller's key, decrypted; 409 NEXON_KEY_REQUIRED when they have none. */
export async function loadUserKey(ctx: MeContext): Promise<UserKey> {
  const row = await ctx.db.select().from(nexonKeys).where(eq(nexonKeys.userId, ctx.userId)).get();
  if (!row) throw new ProblemError("NEXON_KEY_REQUIRED");
  try {
    return { apiKey: await decrypt(row.ciphertext, ctx.encryptionKey, ctx.userId), accountsSyncedAt: row.accountsSyncedAt };
  } catch (err) {
    if (!(err instanceof DecryptionError)) throw err;
    // Every stored key fails alike when ENCRYPTION_KEY changed without re-encrypting: an operator problem.
    log("error", "nexon_key_undecryptable", { user_id: ctx.userId });
    throw new ProblemError("MISCONFIGURED", { cause: err });
  }
}

const STORED_KEY_REFUSED = {
  en: "NEXON no longer accepts your registered API key. Register a working key with PUT /v1/me/nexon-key.",
  ko: "NEXON에서 등록된 API 키를 더 이상 인정하지 않습니다. PUT /v1/me/nexon-key로 사용 가능한 키를 다시 등록해 주세요.",
};

/** A private upstream call with the user's stored key; a key NEXON stopped accepting says so. */
export async function getWithUserKey(
  ctx: MeContext,
  def: EndpointDef,
  apiKey: string,
  params: UpstreamParams = {},
  date?: string,
): Promise<UpstreamBody> {
  try {
    return await ctx.client.get(def, params, { userKey: apiKey, date });
  } catch (err) {
    if (isProblem(err, "NEXON_KEY_INVALID")) throw new ProblemError("NEXON_KEY_INVALID", { detail: STORED_KEY_REFUSED, cause: err });
    throw err;
  }
}
