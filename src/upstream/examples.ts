import type { RegionId } from "./regions";

/**
 * The OpenAPI document's example values: values that exist in the sample upstream
 * (dev/sample-upstream, what `npm run dev` serves offline), so every "try it out"
 * answers with data there. src/ may not import dev/, so they are written here;
 * test/node/openapi-examples.test.ts checks each against the sample's exports.
 */

/** One region's documented sample character and guild. */
export interface RegionExamples {
  character_name: string;
  ocid: string;
  guild_name: string;
  /** The guild's world (also the character's). */
  world_name: string;
  oguild_id: string;
}

export const EXAMPLES: Record<RegionId, RegionExamples> = {
  kms: {
    character_name: "메이플소녀",
    ocid: "5f3a8c2e9b1d4f60a7c3e8b2d9f1a4c6",
    guild_name: "단풍여행단",
    world_name: "스카니아",
    oguild_id: "7a2f0c9e4b1d8a6f3e5c2b7d9a1f4e60",
  },
  msea: {
    character_name: "AquilaSage",
    ocid: "a7c2e94f1b3d6082c5e8f1a4d7b09e36",
    guild_name: "StarVoyagers",
    world_name: "Aquila",
    oguild_id: "9c41e07b3d5a82f6e1b94c0d7a3f5e28",
  },
  tms: {
    character_name: "楓葉小祭司",
    ocid: "b5e83f1a6d0c29e7b4f1a8d3c6e05b92",
    guild_name: "楓之旅團",
    world_name: "艾麗亞",
    oguild_id: "4e8b2d6f0a9c13e57b2f8d4a6c0e9b31",
  },
};

/**
 * A past day on which every dated endpoint has data in every region: later than
 * each endpoint's first day (the latest is 2025-12-18) and than the characters'
 * creation.
 */
export const EXAMPLE_DATE = "2026-01-15";

export const EXAMPLE_SKILL_GRADE = "6";

/** A notice id on each board's list. */
export const EXAMPLE_NOTICE_IDS = { general: 11000, update: 2200, event: 1500, cashshop: 3200 } as const;
export const EXAMPLE_NOTICE_TYPE = "general" satisfies keyof typeof EXAMPLE_NOTICE_IDS;

/** A section list of the profile routes: a few sections every region has, one skill grade. */
export const EXAMPLE_SECTIONS = `basic,stat,skill:${EXAMPLE_SKILL_GRADE}`;
