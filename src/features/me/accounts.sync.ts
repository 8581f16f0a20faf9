import { asc, desc, eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { nexonAccounts, nexonCharacters, nexonKeys } from "../../db/schema";
import { log } from "../../lib/logging";
import { ProblemError } from "../../lib/problem";
import { CharacterListSchema } from "../../upstream/schemas.generated";
import { CHARACTER_LIST, clearAccountsStatements, getWithUserKey, type MeContext } from "./nexon-key.service";

/** The stored account list is pulled again after an hour (SPEC: refreshed at most hourly). */
export const ACCOUNTS_MAX_AGE_MS = 60 * 60 * 1000;

export const accountsAreStale = (syncedAt: number, now: number) => now - syncedAt >= ACCOUNTS_MAX_AGE_MS;

/** D1 binds at most 100 parameters per statement, so inserts go in slices. */
const D1_MAX_PARAMS = 100;

function slices<T>(rows: T[], columnsPerRow: number): T[][] {
  const size = Math.floor(D1_MAX_PARAMS / columnsPerRow);
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

type CharacterRow = typeof nexonCharacters.$inferInsert;

/**
 * Pulls the key owner's account list from NEXON and replaces the stored one in a
 * single D1 batch (one transaction): old rows out, new rows in, sync time set. If
 * any statement fails, none applies and the previous list stays whole. Returns the sync time.
 */
export async function syncAccounts(ctx: MeContext, apiKey: string): Promise<number> {
  const parsed = CharacterListSchema.safeParse(await getWithUserKey(ctx, CHARACTER_LIST, apiKey));
  if (!parsed.success) {
    log("warn", "upstream_malformed", { path: CHARACTER_LIST.path });
    throw new ProblemError("UPSTREAM_BAD_RESPONSE");
  }
  const { userId, now, db } = ctx;
  // An account or character listed twice would break the primary keys; the first listing wins.
  const accountIds = new Set<string>();
  const characters = new Map<string, CharacterRow>();
  for (const account of parsed.data.account_list) {
    accountIds.add(account.account_id);
    for (const ch of account.character_list) {
      if (characters.has(ch.ocid)) continue;
      characters.set(ch.ocid, {
        userId,
        accountId: account.account_id,
        ocid: ch.ocid,
        characterName: ch.character_name,
        worldName: ch.world_name,
        characterClass: ch.character_class,
        characterLevel: ch.character_level,
      });
    }
  }
  const accounts = [...accountIds].map((accountId) => ({ userId, accountId, syncedAt: now }));
  const statements = [
    ...clearAccountsStatements(db, userId),
    ...slices(accounts, 3).map((rows) => db.insert(nexonAccounts).values(rows)),
    ...slices([...characters.values()], 7).map((rows) => db.insert(nexonCharacters).values(rows)),
    db.update(nexonKeys).set({ accountsSyncedAt: now }).where(eq(nexonKeys.userId, userId)),
  ];
  await db.batch(statements as [(typeof statements)[number], ...(typeof statements)[number][]]);
  return now;
}

export interface StoredCharacter {
  ocid: string;
  character_name: string;
  world_name: string;
  character_class: string;
  character_level: number;
}

export interface StoredAccount {
  account_id: string;
  characters: StoredCharacter[];
}

/** The stored accounts (by id), each with its characters, highest level first. */
export async function readAccounts(db: Db, userId: string): Promise<StoredAccount[]> {
  const [accounts, characters] = await db.batch([
    db
      .select({ accountId: nexonAccounts.accountId })
      .from(nexonAccounts)
      .where(eq(nexonAccounts.userId, userId))
      .orderBy(asc(nexonAccounts.accountId)),
    db
      .select()
      .from(nexonCharacters)
      .where(eq(nexonCharacters.userId, userId))
      .orderBy(desc(nexonCharacters.characterLevel), asc(nexonCharacters.characterName)),
  ]);
  const byAccount = new Map<string, StoredCharacter[]>(accounts.map((a) => [a.accountId, []]));
  for (const ch of characters) {
    byAccount.get(ch.accountId)?.push({
      ocid: ch.ocid,
      character_name: ch.characterName,
      world_name: ch.worldName,
      character_class: ch.characterClass,
      character_level: ch.characterLevel,
    });
  }
  return [...byAccount].map(([account_id, list]) => ({ account_id, characters: list }));
}
