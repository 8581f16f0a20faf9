import { and, between, eq } from "drizzle-orm";
import { createDb } from "../../db/client";
import { characterSnapshots } from "../../db/schema";
import { isProblem } from "../../lib/problem";
import type { UpstreamBody } from "../../upstream/client";
import { endpoint, type EndpointDef } from "../../upstream/endpoints";
import { REGIONS, type RegionId } from "../../upstream/regions";

/** One day of a character's progress, as stored and as served (null: no data that day). */
export interface SnapshotValues {
  character_level: number | null;
  character_exp: number | null;
  character_exp_rate: number | null;
  combat_power: number | null;
}

export interface DatedSnapshot extends SnapshotValues {
  date: string;
}

/** Loads one dated section body of a character of `region`; null when the upstream has no data for that day. */
export type SectionLoader = (def: EndpointDef, region: RegionId, ocid: string, date: string) => Promise<UpstreamBody | null>;

/** A tracked character: its ocid means something only in its region. */
export interface CharacterRef {
  region: RegionId;
  ocid: string;
}

export const BASIC = endpoint("character", "basic");
export const STAT = endpoint("character", "stat");

const NO_DATA: SnapshotValues = { character_level: null, character_exp: null, character_exp_rate: null, combat_power: null };

/** Upstream numbers arrive as strings ("12.345", "98765432"); anything unreadable becomes null. */
function toNumber(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value !== "string" || value.trim() === "") return null;
  const n = Number(value.replaceAll(",", ""));
  return Number.isFinite(n) ? n : null;
}

export function combatPowerOf(stat: UpstreamBody | null, region: RegionId): number | null {
  const finalStat = stat?.final_stat;
  if (!Array.isArray(finalStat)) return null;
  const name = REGIONS[region].combatPowerStat;
  const entry = finalStat.find((s: { stat_name?: unknown }) => s?.stat_name === name) as { stat_value?: unknown } | undefined;
  return toNumber(entry?.stat_value);
}

export function valuesFrom(region: RegionId, basic: UpstreamBody | null, stat: UpstreamBody | null): SnapshotValues {
  if (!basic && !stat) return NO_DATA;
  return {
    character_level: toNumber(basic?.character_level),
    character_exp: toNumber(basic?.character_exp),
    character_exp_rate: toNumber(basic?.character_exp_rate),
    combat_power: combatPowerOf(stat, region),
  };
}

/** Level and exp from `basic`, combat power from `stat`, fetched together. */
export async function snapshotFromUpstream(load: SectionLoader, { region, ocid }: CharacterRef, date: string): Promise<SnapshotValues> {
  const [basic, stat] = await Promise.all([load(BASIC, region, ocid, date), load(STAT, region, ocid, date)]);
  return valuesFrom(region, basic, stat);
}

/** Adapts a loader that throws NO_DATA for empty days into one that answers null. */
export function nullOnNoData(load: (def: EndpointDef, region: RegionId, ocid: string, date: string) => Promise<UpstreamBody>): SectionLoader {
  return async (def, region, ocid, date) => {
    try {
      return await load(def, region, ocid, date);
    } catch (err) {
      if (isProblem(err, "NO_DATA")) return null;
      throw err;
    }
  };
}

export async function readSnapshots(d1: D1Database, { region, ocid }: CharacterRef, from: string, to: string): Promise<Map<string, SnapshotValues>> {
  const rows = await createDb(d1)
    .select()
    .from(characterSnapshots)
    .where(and(eq(characterSnapshots.region, region), eq(characterSnapshots.ocid, ocid), between(characterSnapshots.date, from, to)));
  return new Map(
    rows.map((r) => [
      r.date,
      { character_level: r.characterLevel, character_exp: r.characterExp, character_exp_rate: r.characterExpRate, combat_power: r.combatPower },
    ]),
  );
}

/**
 * Stores days in one D1 batch. A past day never changes, so an existing row wins
 * (idempotent: writing the same day twice changes nothing).
 */
export async function storeSnapshots(d1: D1Database, rows: (CharacterRef & { date: string; values: SnapshotValues })[]): Promise<number> {
  if (rows.length === 0) return 0;
  const db = createDb(d1);
  const now = Date.now();
  const statements = rows.map(({ region, ocid, date, values }) =>
    db
      .insert(characterSnapshots)
      .values({
        region,
        ocid,
        date,
        characterLevel: values.character_level,
        characterExp: values.character_exp,
        characterExpRate: values.character_exp_rate,
        combatPower: values.combat_power,
        fetchedAt: now,
      })
      .onConflictDoNothing()
      .returning({ date: characterSnapshots.date }),
  );
  const results = await db.batch(statements as [(typeof statements)[number], ...(typeof statements)[number][]]);
  return results.reduce((n, inserted) => n + inserted.length, 0);
}
