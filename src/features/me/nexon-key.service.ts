import { and, eq } from "drizzle-orm";
import type { Context } from "hono";
import { getConfig } from "../../config";
import { createDb, type Db } from "../../db/client";
import { nexonAccounts, nexonCharacters, nexonKeys } from "../../db/schema";
import { DecryptionError, encrypt, openWithKeyRing } from "../../lib/crypto/aes";
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
  /** ENCRYPTION_KEY_PREVIOUS during a rotation: keys sealed under it open and are sealed again under encryptionKey. */
  encryptionKeyPrevious?: string;
  userId: string;
  now: number;
}

export function meContext(c: Context<AuthedEnv>): MeContext {
  const config = getConfig(c.env);
  return {
    db: createDb(c.env.DB),
    client: c.var.services.upstream,
    encryptionKey: config.encryptionKey,
    encryptionKeyPrevious: config.encryptionKeyPrevious,
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
  await ctx.client.get(CHARACTER_LIST, {}, { region: "kms", userKey: apiKey });
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

const STORED_KEY_UNREADABLE = {
  en: "Your registered NEXON API key can no longer be read. Register it again with PUT /v1/me/nexon-key.",
  ko: "등록된 NEXON API 키를 더 이상 읽을 수 없습니다. PUT /v1/me/nexon-key로 키를 다시 등록해 주세요.",
};

/**
 * The caller's key, decrypted; 409 NEXON_KEY_REQUIRED when they have none, or when the
 * stored one no longer opens (sealed under a key that is neither ENCRYPTION_KEY nor
 * ENCRYPTION_KEY_PREVIOUS, or damaged): the user can register it again. A key sealed
 * under the previous key, or before key ids, is sealed again under the current one
 * here, with one conditional update (a key replaced meanwhile is left alone).
 */
export async function loadUserKey(ctx: MeContext): Promise<UserKey> {
  const row = await ctx.db.select().from(nexonKeys).where(eq(nexonKeys.userId, ctx.userId)).get();
  if (!row) throw new ProblemError("NEXON_KEY_REQUIRED");
  const ring = { current: ctx.encryptionKey, previous: ctx.encryptionKeyPrevious };
  let opened;
  try {
    opened = await openWithKeyRing(row.ciphertext, ring, ctx.userId);
  } catch (err) {
    if (!(err instanceof DecryptionError)) throw err;
    // unknown_key: ENCRYPTION_KEY changed without ENCRYPTION_KEY_PREVIOUS (an operator problem when many users see it).
    log("error", "nexon_key_undecryptable", { user_id: ctx.userId, reason: err.reason });
    throw new ProblemError("NEXON_KEY_REQUIRED", { detail: STORED_KEY_UNREADABLE, cause: err });
  }
  if (opened.stale) {
    const ciphertext = await encrypt(opened.plaintext, ctx.encryptionKey, ctx.userId);
    await ctx.db
      .update(nexonKeys)
      .set({ ciphertext })
      .where(and(eq(nexonKeys.userId, ctx.userId), eq(nexonKeys.ciphertext, row.ciphertext)));
    log("info", "nexon_key_reencrypted", { user_id: ctx.userId });
  }
  return { apiKey: opened.plaintext, accountsSyncedAt: row.accountsSyncedAt };
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
    return await ctx.client.get(def, params, { region: "kms", userKey: apiKey, date });
  } catch (err) {
    if (isProblem(err, "NEXON_KEY_INVALID")) throw new ProblemError("NEXON_KEY_INVALID", { detail: STORED_KEY_REFUSED, cause: err });
    throw err;
  }
}
