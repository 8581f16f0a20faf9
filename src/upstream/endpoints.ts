import type { z } from "@hono/zod-openapi";
import {
  anyWorldNameParam,
  characterNameParam,
  cursorParam,
  difficultyParam,
  guildNameParam,
  historyCountParam,
  noticeIdParam,
  ocidParam,
  oguildIdParam,
  pageParam,
  rankingClassParam,
  rankingTypeParam,
  skillGradeParam,
  worldNameParam,
  worldTypeParam,
} from "./params";
import { REGIONS, type RegionId } from "./regions";
import { UPSTREAM_BODY_SCHEMAS } from "./schemas.generated";

/**
 * THE table of upstream endpoints. Every other layer derives from it: the client
 * (region, path, parameters), date validation (dates.ts), the cache policy (cache
 * class), most public routes and their OpenAPI schemas (group + name + body), the
 * NEXON-compatible gateway and the sample upstream. What else a new endpoint
 * touches: docs/architecture.md, "Adding an upstream endpoint".
 */

/** Which days a `date` may name, as the upstream rules them (nexon-upstream.md §3); the first day is per region (`regions`). */
export type DateRule =
  | { kind: "none" }
  /** Daily snapshots: finished days only; yesterday from 02:00 in the region's clock. */
  | { kind: "snapshot" }
  /** Rankings: today's from 08:30 KST. */
  | { kind: "ranking" }
  /** Near real time, today included; only the last two years are kept. */
  | { kind: "history" };

/** How long an answer stays good; the cache policy table maps these to TTLs. */
export type CacheClass = "section" | "identity" | "ranking" | "notice-list" | "notice-detail" | "private";

export type EndpointGroup = "identity" | "character" | "guild" | "ranking" | "notice" | "notice-detail" | "account" | "history";

export type ParamShape = Record<string, z.ZodType>;

export interface EndpointDef {
  /** Upstream path under /maplestory/v1/. */
  path: keyof typeof UPSTREAM_BODY_SCHEMAS;
  group: EndpointGroup;
  /** The public name within its group: section, ranking, notice type, history kind. */
  name: string;
  /** Upstream query parameters other than `date`, under the upstream's names. */
  params: ParamShape;
  /** Which of `params` the upstream requires. */
  required: readonly string[];
  date: DateRule;
  /**
   * The regions that serve it, each with the first day its `date` may name there
   * (in that region's clock); null: no fixed first day (undated, or history's
   * two-year window).
   */
  regions: Partial<Record<RegionId, string | null>>;
  cache: CacheClass;
  /** Private endpoints answer about the key's owner: the user's own key only, never shared caches. */
  access: "public" | "private";
  /** The top-level field that must be present for a body to be well-formed. */
  essential?: string;
  /**
   * A typical answer's size in KiB, where it stands out from the 1-3 KiB of
   * most sections. The profile loads its heaviest sections in its own
   * invocation, so their bytes never cross a child hop (features/characters/fanout/plan.ts).
   */
  typicalKiB?: number;
}

type Since = EndpointDef["regions"];
/** Every region, from its first day of data. */
const EVERY_REGION: Since = { kms: REGIONS.kms.firstDay, msea: REGIONS.msea.firstDay, tms: REGIONS.tms.firstDay };
/** Every region, undated. */
const EVERY_REGION_UNDATED: Since = { kms: null, msea: null, tms: null };
const ocid = { ocid: ocidParam };

const section = (
  path: EndpointDef["path"],
  name: string,
  regions: Since = EVERY_REGION,
  extra: { params?: ParamShape; required?: string[]; typicalKiB?: number } = {},
): EndpointDef => ({
  path,
  group: "character",
  name,
  params: { ...ocid, ...extra.params },
  required: ["ocid", ...(extra.required ?? [])],
  date: { kind: "snapshot" },
  regions,
  cache: "section",
  access: "public",
  typicalKiB: extra.typicalKiB,
});

const ranking = (path: EndpointDef["path"], name: string, params: ParamShape, required: string[] = []): EndpointDef => ({
  path,
  group: "ranking",
  name,
  params: { ...params, page: pageParam },
  required,
  date: { kind: "ranking" },
  regions: { kms: "2023-12-22" },
  cache: "ranking",
  access: "public",
  essential: "ranking",
});

const KMS_ONLY: Since = { kms: null };

const notice = (path: EndpointDef["path"], name: string, listField: string): EndpointDef[] => [
  { path, group: "notice", name, params: {}, required: [], date: { kind: "none" }, regions: KMS_ONLY, cache: "notice-list", access: "public", essential: listField },
  {
    path: `${path}/detail` as EndpointDef["path"],
    group: "notice-detail",
    name,
    params: { notice_id: noticeIdParam },
    required: ["notice_id"],
    date: { kind: "none" },
    regions: KMS_ONLY,
    cache: "notice-detail",
    access: "public",
    essential: "title",
  },
];

const history = (path: EndpointDef["path"], name: string, listField: string, earliest: string | null = null): EndpointDef => ({
  path,
  group: "history",
  name,
  params: { count: historyCountParam, cursor: cursorParam },
  required: ["count"],
  date: { kind: "history" },
  regions: { kms: earliest },
  cache: "private",
  access: "private",
  essential: listField,
});

export const ENDPOINTS: readonly EndpointDef[] = [
  { path: "id", group: "identity", name: "character", params: { character_name: characterNameParam }, required: ["character_name"], date: { kind: "none" }, regions: EVERY_REGION_UNDATED, cache: "identity", access: "public", essential: "ocid" },
  section("character/basic", "basic"),
  section("character/popularity", "popularity"),
  section("character/stat", "stat"),
  section("character/hyper-stat", "hyper-stat", EVERY_REGION, { typicalKiB: 5 }),
  section("character/propensity", "propensity"),
  section("character/ability", "ability"),
  section("character/item-equipment", "item-equipment", EVERY_REGION, { typicalKiB: 230 }),
  section("character/cashitem-equipment", "cashitem-equipment", EVERY_REGION, { typicalKiB: 10 }),
  section("character/symbol-equipment", "symbol-equipment"),
  section("character/set-effect", "set-effect"),
  section("character/beauty-equipment", "beauty-equipment"),
  section("character/android-equipment", "android-equipment"),
  section("character/pet-equipment", "pet-equipment"),
  section("character/skill", "skill", EVERY_REGION, { params: { character_skill_grade: skillGradeParam }, required: ["character_skill_grade"] }),
  section("character/link-skill", "link-skill", EVERY_REGION, { typicalKiB: 15 }),
  section("character/vmatrix", "vmatrix"),
  section("character/hexamatrix", "hexamatrix"),
  section("character/hexamatrix-stat", "hexamatrix-stat"),
  section("character/dojang", "dojang"),
  section("character/other-stat", "other-stat", { kms: "2025-08-21" }),
  section("character/ring-exchange-skill-equipment", "ring-exchange-skill-equipment", { kms: "2025-08-21" }),
  section("user/union", "union"),
  section("user/union-raider", "union-raider", EVERY_REGION, { typicalKiB: 22 }),
  section("user/union-artifact", "union-artifact", { ...EVERY_REGION, kms: "2024-01-18" }),
  section("user/union-champion", "union-champion", { kms: "2025-02-20", msea: "2025-12-18", tms: "2025-12-18" }),
  { path: "guild/id", group: "identity", name: "guild", params: { guild_name: guildNameParam, world_name: anyWorldNameParam }, required: ["guild_name", "world_name"], date: { kind: "none" }, regions: EVERY_REGION_UNDATED, cache: "identity", access: "public" },
  { path: "guild/basic", group: "guild", name: "basic", params: { oguild_id: oguildIdParam }, required: ["oguild_id"], date: { kind: "snapshot" }, regions: EVERY_REGION, cache: "section", access: "public" },
  ranking("ranking/overall", "overall", { world_name: worldNameParam, world_type: worldTypeParam, class: rankingClassParam, ocid: ocidParam }),
  ranking("ranking/union", "union", { world_name: worldNameParam, ocid: ocidParam }),
  ranking("ranking/guild", "guild", { ranking_type: rankingTypeParam, world_name: worldNameParam, guild_name: guildNameParam }, ["ranking_type"]),
  ranking("ranking/dojang", "dojang", { difficulty: difficultyParam, world_name: worldNameParam, class: rankingClassParam, ocid: ocidParam }, ["difficulty"]),
  ranking("ranking/theseed", "theseed", { world_name: worldNameParam, ocid: ocidParam }),
  ranking("ranking/achievement", "achievement", { ocid: ocidParam }),
  ...notice("notice", "general", "notice"),
  ...notice("notice-update", "update", "update_notice"),
  ...notice("notice-event", "event", "event_notice"),
  ...notice("notice-cashshop", "cashshop", "cashshop_notice"),
  { path: "character/list", group: "account", name: "characters", params: {}, required: [], date: { kind: "none" }, regions: KMS_ONLY, cache: "private", access: "private", essential: "account_list" },
  { path: "user/achievement", group: "account", name: "achievements", params: {}, required: [], date: { kind: "none" }, regions: KMS_ONLY, cache: "private", access: "private", essential: "account_list" },
  history("history/starforce", "starforce", "starforce_history", "2023-12-27"),
  history("history/cube", "cube", "cube_history"),
  history("history/potential", "potential", "potential_history", "2024-01-25"),
];

const byKey = new Map(ENDPOINTS.map((e) => [`${e.group}:${e.name}`, e]));

export function endpoint(group: EndpointGroup, name: string): EndpointDef {
  const def = byKey.get(`${group}:${name}`);
  if (!def) throw new Error(`no upstream endpoint ${group}:${name}`);
  return def;
}

export const endpointsIn = (group: EndpointGroup) => ENDPOINTS.filter((e) => e.group === group);

/** Whether `region` serves this endpoint. */
export const servedIn = (def: EndpointDef, region: RegionId): boolean => def.regions[region] !== undefined;

/** The first day `date` may name for this endpoint in `region` (its clock), if it has one. */
export const earliestIn = (def: EndpointDef, region: RegionId): string | undefined => def.regions[region] ?? undefined;

/** The regions that serve this endpoint, in REGIONS order. */
export const regionsOf = (def: EndpointDef): RegionId[] => (Object.keys(REGIONS) as RegionId[]).filter((r) => servedIn(def, r));

/** The character and union sections, in table order: the public section names. */
export const SECTIONS = endpointsIn("character");
export const SECTION_NAMES = SECTIONS.map((s) => s.name) as [string, ...string[]];

/** The sections `region` has, in table order. */
export const sectionsIn = (region: RegionId) => SECTIONS.filter((def) => servedIn(def, region));

export function bodySchemaFor(def: EndpointDef) {
  return UPSTREAM_BODY_SCHEMAS[def.path];
}
