import { WORLDS } from "./catalog";
import { decodeId, encodeId } from "./ids";
import { hash32 } from "./random";

/** Guild 0 is the documented sample guild; 1..GUILD_COUNT-1 are generated. */
export const GUILD_COUNT = 48;

export const SAMPLE_GUILD = {
  guild_name: "단풍여행단",
  world_name: "스카니아",
  oguild_id: "7a2f0c9e4b1d8a6f3e5c2b7d9a1f4e60",
} as const;

const HEADS = ["은하", "달빛", "하늘", "푸른", "별빛", "노을", "바다", "새벽"];
const TAILS = ["연합", "수비대", "원정대", "상회", "기사단", "학회"];

export interface Guild {
  index: number;
  oguild_id: string;
  name: string;
  world: string;
}

const cache = new Map<number, Guild>();

export function guildAt(index: number): Guild {
  let guild = cache.get(index);
  if (!guild) {
    guild =
      index === 0
        ? { index, oguild_id: SAMPLE_GUILD.oguild_id, name: SAMPLE_GUILD.guild_name, world: SAMPLE_GUILD.world_name }
        : {
            index,
            oguild_id: encodeId("guild", index),
            name: HEADS[index % HEADS.length]! + TAILS[Math.floor(index / HEADS.length)]!,
            world: WORLDS[hash32(`guild:${index}`) % WORLDS.length]!,
          };
    cache.set(index, guild);
  }
  return guild;
}

export const allGuilds = (): Guild[] => Array.from({ length: GUILD_COUNT }, (_, i) => guildAt(i));

export function guildById(oguildId: string): Guild | null {
  if (oguildId === SAMPLE_GUILD.oguild_id) return guildAt(0);
  const index = decodeId("guild", oguildId);
  return index !== null && index > 0 && index < GUILD_COUNT ? guildAt(index) : null;
}

export const guildNamed = (world: string, name: string): Guild | null =>
  allGuilds().find((g) => g.world === world && g.name === name) ?? null;
