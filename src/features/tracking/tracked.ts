import { and, count, desc, eq, sql } from "drizzle-orm";
import type { Context } from "hono";
import { createDb } from "../../db/client";
import { trackedCharacters } from "../../db/schema";
import type { PageRequest } from "../../lib/pagination";
import { ProblemError } from "../../lib/problem";
import { endpoint } from "../../upstream/endpoints";
import type { RegionId } from "../../upstream/regions";
import { fetchSection, lookupOcid } from "../characters/characters.service";
import type { AuthedEnv } from "../auth/auth.middleware";

export const MAX_TRACKED_PER_USER = 50;

export interface TrackedItem {
  region: RegionId;
  ocid: string;
  character_name: string | null;
  created_at: string;
}

const basicEndpoint = endpoint("character", "basic");

/** What a client asks to track: an ocid or a name, in a region. */
export interface TrackTarget {
  region: RegionId;
  ocid?: string;
  character_name?: string;
}

/** The character to track, confirmed to exist in its region (an unknown one would fail every daily run). */
async function resolveCharacter(c: Context, target: TrackTarget) {
  const { region } = target;
  c.var.services.requireRegion(region);
  const ocid = target.ocid ?? (await lookupOcid(c, region, target.character_name!, { field: "body.character_name" })).ocid;
  const basic = await fetchSection(c, { def: basicEndpoint, region, ocid }).catch((err: unknown) => {
    // Exists but has no latest data (e.g. just created): still trackable.
    if (err instanceof ProblemError && err.code === "NO_DATA") return null;
    throw err;
  });
  const name = basic?.body.character_name;
  return { ocid, characterName: typeof name === "string" ? name : (target.character_name ?? null) };
}

export async function trackCharacter(c: Context<AuthedEnv>, userId: string, target: TrackTarget): Promise<TrackedItem> {
  const db = createDb(c.env.DB);
  const { region } = target;
  const { ocid, characterName } = await resolveCharacter(c, target);
  const createdAt = Date.now();
  // One statement: the limit check and the insert cannot be split by a concurrent request.
  const inserted = await db.run(sql`
    INSERT INTO tracked_characters (user_id, region, ocid, character_name, created_at)
    SELECT ${userId}, ${region}, ${ocid}, ${characterName}, ${createdAt}
    WHERE (SELECT COUNT(*) FROM tracked_characters WHERE user_id = ${userId}) < ${MAX_TRACKED_PER_USER}
    ON CONFLICT (user_id, region, ocid) DO NOTHING`);
  if (inserted.meta.changes === 0) {
    const existing = await db
      .select({ ocid: trackedCharacters.ocid })
      .from(trackedCharacters)
      .where(and(eq(trackedCharacters.userId, userId), eq(trackedCharacters.region, region), eq(trackedCharacters.ocid, ocid)))
      .get();
    throw existing
      ? new ProblemError("CONFLICT", { detail: { en: "You already track this character.", ko: "이미 추적 중인 캐릭터입니다." } })
      : new ProblemError("CONFLICT", {
          detail: {
            en: `You can track at most ${MAX_TRACKED_PER_USER} characters. Stop tracking one first.`,
            ko: `캐릭터는 최대 ${MAX_TRACKED_PER_USER}개까지 추적할 수 있습니다. 먼저 하나를 해제해 주세요.`,
          },
        });
  }
  return { region, ocid, character_name: characterName, created_at: new Date(createdAt).toISOString() };
}

export async function listTracked(d1: D1Database, userId: string, page: PageRequest): Promise<{ items: TrackedItem[]; total: number }> {
  const db = createDb(d1);
  const [rows, totals] = await db.batch([
    db
      .select()
      .from(trackedCharacters)
      .where(eq(trackedCharacters.userId, userId))
      .orderBy(desc(trackedCharacters.createdAt), trackedCharacters.region, trackedCharacters.ocid)
      .limit(page.perPage)
      .offset(page.offset),
    db.select({ total: count() }).from(trackedCharacters).where(eq(trackedCharacters.userId, userId)),
  ]);
  return {
    items: rows.map((r) => ({
      region: r.region as RegionId,
      ocid: r.ocid,
      character_name: r.characterName,
      created_at: new Date(r.createdAt).toISOString(),
    })),
    total: totals[0]?.total ?? 0,
  };
}

export async function untrack(d1: D1Database, userId: string, { region, ocid }: { region: RegionId; ocid: string }): Promise<void> {
  const result = await createDb(d1)
    .delete(trackedCharacters)
    .where(and(eq(trackedCharacters.userId, userId), eq(trackedCharacters.region, region), eq(trackedCharacters.ocid, ocid)))
    .run();
  if (result.meta.changes === 0) {
    throw new ProblemError("NOT_FOUND", { detail: { en: "You do not track this character.", ko: "추적 중인 캐릭터가 아닙니다." } });
  }
}
