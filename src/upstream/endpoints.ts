import type { z } from "@hono/zod-openapi";
import {
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
import { UPSTREAM_BODY_SCHEMAS } from "./schemas.generated";

/**
 * THE table of upstream endpoints. Every other layer derives from it: the client
 * (path, parameters), date validation (dates.ts), the cache policy (cache class),
 * most public routes and their OpenAPI schemas (group + name + body). What else a
 * new endpoint touches: README, "Adding an upstream endpoint".
 */

/** Which days a `date` may name, as the upstream rules them (nexon-upstream.md §3). */
export type DateRule =
  | { kind: "none" }
  /** Daily snapshots: finished days only; yesterday from 02:00 KST. */
  | { kind: "snapshot"; earliest: string }
  /** Rankings: today's from 08:30 KST. */
  | { kind: "ranking"; earliest: string }
  /** Near real time, today included; only the last two years are kept. */
  | { kind: "history"; earliest?: string };

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

const CHARACTER_START = "2023-12-21";
const ocid = { ocid: ocidParam };

const section = (
  path: EndpointDef["path"],
  name: string,
  earliest = CHARACTER_START,
  extra: { params?: ParamShape; required?: string[]; typicalKiB?: number } = {},
): EndpointDef => ({
  path,
  group: "character",
  name,
  params: { ...ocid, ...extra.params },
  required: ["ocid", ...(extra.required ?? [])],
  date: { kind: "snapshot", earliest },
  cache: "section",
  access: "public",
  typicalKiB: extra.typicalKiB,
});

const RANKING_START = "2023-12-22";
const ranking = (path: EndpointDef["path"], name: string, params: ParamShape, required: string[] = []): EndpointDef => ({
  path,
  group: "ranking",
  name,
  params: { ...params, page: pageParam },
  required,
  date: { kind: "ranking", earliest: RANKING_START },
  cache: "ranking",
  access: "public",
  essential: "ranking",
});

const notice = (path: EndpointDef["path"], name: string, listField: string): EndpointDef[] => [
  { path, group: "notice", name, params: {}, required: [], date: { kind: "none" }, cache: "notice-list", access: "public", essential: listField },
  {
    path: `${path}/detail` as EndpointDef["path"],
    group: "notice-detail",
    name,
    params: { notice_id: noticeIdParam },
    required: ["notice_id"],
    date: { kind: "none" },
    cache: "notice-detail",
    access: "public",
    essential: "title",
  },
];

const history = (path: EndpointDef["path"], name: string, listField: string, earliest?: string): EndpointDef => ({
  path,
  group: "history",
  name,
  params: { count: historyCountParam, cursor: cursorParam },
  required: ["count"],
  date: { kind: "history", earliest },
  cache: "private",
  access: "private",
  essential: listField,
});

export const ENDPOINTS: readonly EndpointDef[] = [
  { path: "id", group: "identity", name: "character", params: { character_name: characterNameParam }, required: ["character_name"], date: { kind: "none" }, cache: "identity", access: "public", essential: "ocid" },
  section("character/basic", "basic"),
  section("character/popularity", "popularity"),
  section("character/stat", "stat"),
  section("character/hyper-stat", "hyper-stat", CHARACTER_START, { typicalKiB: 5 }),
  section("character/propensity", "propensity"),
  section("character/ability", "ability"),
  section("character/item-equipment", "item-equipment", CHARACTER_START, { typicalKiB: 230 }),
  section("character/cashitem-equipment", "cashitem-equipment", CHARACTER_START, { typicalKiB: 10 }),
  section("character/symbol-equipment", "symbol-equipment"),
  section("character/set-effect", "set-effect"),
  section("character/beauty-equipment", "beauty-equipment"),
  section("character/android-equipment", "android-equipment"),
  section("character/pet-equipment", "pet-equipment"),
  section("character/skill", "skill", CHARACTER_START, { params: { character_skill_grade: skillGradeParam }, required: ["character_skill_grade"] }),
  section("character/link-skill", "link-skill", CHARACTER_START, { typicalKiB: 15 }),
  section("character/vmatrix", "vmatrix"),
  section("character/hexamatrix", "hexamatrix"),
  section("character/hexamatrix-stat", "hexamatrix-stat"),
  section("character/dojang", "dojang"),
  section("character/other-stat", "other-stat", "2025-08-21"),
  section("character/ring-exchange-skill-equipment", "ring-exchange-skill-equipment", "2025-08-21"),
  section("user/union", "union"),
  section("user/union-raider", "union-raider", CHARACTER_START, { typicalKiB: 22 }),
  section("user/union-artifact", "union-artifact", "2024-01-18"),
  section("user/union-champion", "union-champion", "2025-02-20"),
  { path: "guild/id", group: "identity", name: "guild", params: { guild_name: guildNameParam, world_name: worldNameParam }, required: ["guild_name", "world_name"], date: { kind: "none" }, cache: "identity", access: "public" },
  { path: "guild/basic", group: "guild", name: "basic", params: { oguild_id: oguildIdParam }, required: ["oguild_id"], date: { kind: "snapshot", earliest: CHARACTER_START }, cache: "section", access: "public" },
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
  { path: "character/list", group: "account", name: "characters", params: {}, required: [], date: { kind: "none" }, cache: "private", access: "private", essential: "account_list" },
  { path: "user/achievement", group: "account", name: "achievements", params: {}, required: [], date: { kind: "none" }, cache: "private", access: "private", essential: "account_list" },
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

/** The character and union sections, in table order: the public section names. */
export const SECTIONS = endpointsIn("character");
export const SECTION_NAMES = SECTIONS.map((s) => s.name) as [string, ...string[]];

export function bodySchemaFor(def: EndpointDef) {
  return UPSTREAM_BODY_SCHEMAS[def.path];
}
