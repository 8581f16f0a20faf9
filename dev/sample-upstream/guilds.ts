import type { RegionId } from "../../src/upstream/regions";
import { WORLDS } from "./catalog";
import { decodeId, encodeId } from "./ids";
import { hash32 } from "./random";

/**
 * Guilds per region. KMS: guild 0 is the documented sample guild, 1..GUILD_COUNT-1
 * are generated. MSEA and TMS: one sample guild each (index 0), whose members are
 * that region's sample characters; each region is its own game, so a guild id
 * means nothing in another region.
 */
export const GUILD_COUNT = 48;

export interface SampleGuild {
  guild_name: string;
  world_name: string;
  oguild_id: string;
}

export const SAMPLE_GUILD = {
  guild_name: "단풍여행단",
  world_name: "스카니아",
  oguild_id: "7a2f0c9e4b1d8a6f3e5c2b7d9a1f4e60",
} as const;

const SAMPLE_GUILDS: Record<RegionId, SampleGuild> = {
  kms: SAMPLE_GUILD,
  msea: { guild_name: "StarVoyagers", world_name: "Aquila", oguild_id: "9c41e07b3d5a82f6e1b94c0d7a3f5e28" },
  tms: { guild_name: "楓之旅團", world_name: "艾麗亞", oguild_id: "4e8b2d6f0a9c13e57b2f8d4a6c0e9b31" },
};

/** The documented sample guild of a region (KMS: SAMPLE_GUILD). */
export const sampleGuildIn = (region: RegionId): SampleGuild => SAMPLE_GUILDS[region];

const HEADS = ["은하", "달빛", "하늘", "푸른", "별빛", "노을", "바다", "새벽"];
const TAILS = ["연합", "수비대", "원정대", "상회", "기사단", "학회"];

export interface Guild {
  index: number;
  oguild_id: string;
  name: string;
  world: string;
  region: RegionId;
  /** Seeds the guild's generated values: the index in KMS (as always), region-qualified elsewhere. */
  key: string;
}

const cache = new Map<string, Guild>();

/** The region's guild at `index` (only KMS has generated guilds past 0). */
export function guildAt(index: number, region: RegionId = "kms"): Guild {
  const key = region === "kms" ? String(index) : `${region}:${index}`;
  let guild = cache.get(key);
  if (!guild) {
    const sample = SAMPLE_GUILDS[region];
    guild =
      index === 0
        ? { index, oguild_id: sample.oguild_id, name: sample.guild_name, world: sample.world_name, region, key }
        : {
            index,
            oguild_id: encodeId("guild", index),
            name: HEADS[index % HEADS.length]! + TAILS[Math.floor(index / HEADS.length)]!,
            world: WORLDS[hash32(`guild:${index}`) % WORLDS.length]!,
            region,
            key,
          };
    cache.set(key, guild);
  }
  return guild;
}

const guildCount = (region: RegionId) => (region === "kms" ? GUILD_COUNT : 1);

export const allGuilds = (region: RegionId = "kms"): Guild[] => Array.from({ length: guildCount(region) }, (_, i) => guildAt(i, region));

export function guildById(oguildId: string, region: RegionId = "kms"): Guild | null {
  if (oguildId === SAMPLE_GUILDS[region].oguild_id) return guildAt(0, region);
  const index = decodeId("guild", oguildId);
  return index !== null && index > 0 && index < guildCount(region) ? guildAt(index, region) : null;
}

export const guildNamed = (world: string, name: string, region: RegionId = "kms"): Guild | null =>
  allGuilds(region).find((g) => g.world === world && g.name === name) ?? null;
