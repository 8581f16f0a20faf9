import { and, asc, count, desc, eq, gte, lt, lte, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client";
import { nexonCharacters as t } from "../../db/schema";
import type { PageRequest } from "../../lib/pagination";

/** GET /v1/me/characters: filters and sort orders over the stored characters, one page at a time. */

export const CHARACTER_SORTS = ["-character_level", "character_level", "character_name", "-character_name", "world_name"] as const;
export type CharacterSort = (typeof CHARACTER_SORTS)[number];

export interface CharacterFilters {
  world_name?: string;
  character_class?: string;
  min_level?: number;
  max_level?: number;
  /** Name prefix (letters, digits, Hangul only: no LIKE wildcards to escape). */
  q?: string;
}

/**
 * Each order is exactly one index of nexon_characters read forwards or backwards
 * (see schema.ts), so a page is an index scan with no sort. Every index ends with
 * the rowid, so rowid as the last key breaks ties deterministically for free.
 */
const rowid = (direction: "asc" | "desc") => sql.raw(`rowid ${direction}`);

const ORDER: Record<CharacterSort, SQL[]> = {
  "-character_level": [desc(t.characterLevel), asc(t.characterName), rowid("asc")],
  character_level: [asc(t.characterLevel), desc(t.characterName), rowid("desc")],
  character_name: [asc(t.characterName), rowid("asc")],
  "-character_name": [desc(t.characterName), rowid("desc")],
  world_name: [asc(t.worldName), desc(t.characterLevel), asc(t.characterName), rowid("asc")],
};

/** Above every character a name may contain, so `[q, q + PREFIX_END)` is the prefix as an index range. */
const PREFIX_END = "\uffff";

function where(userId: string, f: CharacterFilters): SQL | undefined {
  return and(
    eq(t.userId, userId),
    f.world_name === undefined ? undefined : eq(t.worldName, f.world_name),
    f.character_class === undefined ? undefined : eq(t.characterClass, f.character_class),
    f.min_level === undefined ? undefined : gte(t.characterLevel, f.min_level),
    f.max_level === undefined ? undefined : lte(t.characterLevel, f.max_level),
    f.q === undefined ? undefined : and(gte(t.characterName, f.q), lt(t.characterName, f.q + PREFIX_END)),
  );
}

/** One page of the user's characters. */
export function characterPageQuery(db: Db, userId: string, filters: CharacterFilters, sort: CharacterSort, page: PageRequest) {
  return db
    .select({
      account_id: t.accountId,
      ocid: t.ocid,
      character_name: t.characterName,
      world_name: t.worldName,
      character_class: t.characterClass,
      character_level: t.characterLevel,
    })
    .from(t)
    .where(where(userId, filters))
    .orderBy(...ORDER[sort])
    .limit(page.perPage)
    .offset(page.offset);
}

/** How many of the user's characters match, for `total`. */
export function characterCountQuery(db: Db, userId: string, filters: CharacterFilters) {
  return db.select({ total: count() }).from(t).where(where(userId, filters));
}

/** The page and the total from one consistent read. */
export async function listCharacters(db: Db, userId: string, filters: CharacterFilters, sort: CharacterSort, page: PageRequest) {
  const [items, [counted]] = await db.batch([
    characterPageQuery(db, userId, filters, sort, page),
    characterCountQuery(db, userId, filters),
  ]);
  return { items, total: counted?.total ?? 0 };
}
