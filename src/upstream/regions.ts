import { KST_OFFSET_MINUTES } from "../lib/calendar";
import { WORLD_NAMES } from "./game-data";

/**
 * The game regions the NEXON Open API serves, and the facts that differ between
 * them (nexon-regions.md): the path segment, the clock, the first day of data,
 * worlds and name rules. Which endpoints a region has, and from which day, is
 * said by each row of the endpoint table (`EndpointDef.regions`). A new region
 * is one entry here, its days in the endpoint rows, and its server key.
 */
export const REGION_IDS = ["kms", "msea", "tms"] as const;
export type RegionId = (typeof REGION_IDS)[number];

export interface Region {
  id: RegionId;
  /** What players call it. */
  label: string;
  /** The upstream's path segment: `https://open.api.nexon.com/<service>/v1/…`, also the gateway's. */
  service: string;
  /** The region's clock (no daylight saving): `date=` names a day in it. */
  utcOffsetMinutes: number;
  /** How messages name that clock. */
  clock: string;
  /** Yesterday's snapshots are published at this minute of the region's day. */
  snapshotPublishMinutes: number;
  /** The first day any character data exists. */
  firstDay: string;
  /** `world_name` values the upstream accepts (guild lookup). */
  worlds: readonly string[];
  /** Character and guild names: 1–12 characters of this set. */
  namePattern: RegExp;
  nameRule: { en: string; ko: string };
  /** `stat_name` of combat power in `character/stat`'s `final_stat` (game text is localised). */
  combatPowerStat: string;
  /** The Worker secret holding this region's server key. */
  apiKeyVar: "MAPLESTORY_API_KEY" | "MAPLESTORY_API_KEY_MSEA" | "MAPLESTORY_API_KEY_TMS";
}

export const REGIONS: Record<RegionId, Region> = {
  kms: {
    id: "kms",
    label: "KMS (Korea)",
    service: "maplestory",
    utcOffsetMinutes: KST_OFFSET_MINUTES,
    clock: "KST",
    snapshotPublishMinutes: 2 * 60,
    firstDay: "2023-12-21",
    worlds: WORLD_NAMES,
    namePattern: /^[A-Za-z0-9가-힣]{1,12}$/,
    nameRule: {
      en: "1–12 characters, each a letter (A–Z, a–z), a digit or a Hangul syllable (가–힣)",
      ko: "1–12자의 영문, 숫자 또는 한글(가–힣)",
    },
    combatPowerStat: "전투력",
    apiKeyVar: "MAPLESTORY_API_KEY",
  },
  msea: {
    id: "msea",
    label: "MSEA (South East Asia)",
    service: "maplestorysea",
    utcOffsetMinutes: 8 * 60,
    clock: "UTC+8",
    snapshotPublishMinutes: 2 * 60,
    firstDay: "2025-04-20",
    // NEXON's MSEA reference lists Draco; older third-party code has Delphinus (unverified which is current): both are allowed.
    worlds: ["Aquila", "Bootes", "Cassiopeia", "Draco", "Delphinus", "Burning"],
    namePattern: /^[A-Za-z0-9]{1,12}$/,
    nameRule: { en: "1–12 characters, each a letter (A–Z, a–z) or a digit", ko: "1–12자의 영문 또는 숫자" },
    combatPowerStat: "Combat Power",
    apiKeyVar: "MAPLESTORY_API_KEY_MSEA",
  },
  tms: {
    id: "tms",
    label: "TMS (Taiwan)",
    service: "maplestorytw",
    utcOffsetMinutes: 8 * 60,
    clock: "UTC+8",
    snapshotPublishMinutes: 2 * 60,
    firstDay: "2025-10-15",
    // 艾麗亞 is the SDK's; the rest come from public TMS projects (unverified).
    worlds: ["艾麗亞", "普力特", "琉德", "優依娜", "愛麗西亞", "殺人鯨", "賽蓮", "米特拉", "挑戰者"],
    namePattern: /^[A-Za-z0-9\p{Script=Han}]{1,12}$/u,
    nameRule: {
      en: "1–12 characters, each a CJK ideograph, a letter (A–Z, a–z) or a digit",
      ko: "1–12자의 한자, 영문 또는 숫자",
    },
    combatPowerStat: "戰鬥力",
    apiKeyVar: "MAPLESTORY_API_KEY_TMS",
  },
};

export const DEFAULT_REGION: RegionId = "kms";

/** The region whose upstream path segment is `service` (`maplestorysea` → msea). */
export function regionByService(service: string): Region | undefined {
  return Object.values(REGIONS).find((r) => r.service === service);
}

/** Every world any region accepts, for the OpenAPI enum; each region's own list is checked per request. */
export const ALL_WORLD_NAMES = [...new Set(REGION_IDS.flatMap((id) => REGIONS[id].worlds))] as [string, ...string[]];
