import { SPECIAL_WORLDS, inRankingClass, isRankingClass, isWorld, rankingClassNames } from "./catalog";
import { allCharacters, characterByOcid, existsOn, progressOn, type Character, type Progress } from "./characters";
import { fail } from "./errors";
import { allGuilds, guildAt } from "./guilds";
import { hash32 } from "./random";
import { dojangBody } from "./sections";
import { guildBody, guildMark, guildScores, unionLevelOn } from "./union";

/** ranking/*: every sample and generated character, ranked on the asked day. */

export const PAGE_SIZE = 200;
type Query = URLSearchParams;

/** Optional filter validation: an unknown world, class, type or page is 00004, an unknown ocid 00003. */
function optional(q: Query, name: string, valid: (v: string) => boolean): string | null {
  const value = q.get(name);
  if (value === null) return null;
  if (!valid(value)) fail("OPENAPI00004");
  return value;
}
const oneOf = (...values: string[]) => (v: string) => values.includes(v);
const positiveInt = (v: string) => /^[1-9]\d{0,5}$/.test(v);

function ocidFilter(q: Query): Character | null {
  const ocid = q.get("ocid");
  if (ocid === null) return null;
  return characterByOcid(ocid) ?? fail("OPENAPI00003");
}

interface Ranked {
  c: Character;
  p: Progress;
}

function characters(q: Query, date: string, opts: { worldType?: boolean; cls?: boolean; only?: Character | null }): Ranked[] {
  const world = optional(q, "world_name", isWorld);
  const worldType = opts.worldType ? optional(q, "world_type", oneOf("0", "1")) : null;
  const cls = opts.cls ? optional(q, "class", isRankingClass) : null;
  // world_type defaults to normal worlds; an ocid alone looks in that character's world type (unverified upstream).
  const special = worldType !== null ? worldType === "1" : opts.only ? SPECIAL_WORLDS.includes(opts.only.world) : false;
  return allCharacters()
    .filter((c) => existsOn(c, date))
    .filter((c) => (world !== null ? c.world === world : !opts.worldType || SPECIAL_WORLDS.includes(c.world) === special))
    .filter((c) => cls === null || inRankingClass(c.cls, cls))
    .map((c) => ({ c, p: progressOn(c, date) }));
}

/** Sorts, numbers, narrows to the ocid's row if asked, and pages. */
function finish<T>(q: Query, rows: (T & { c?: Character })[], compare: (a: T, b: T) => number, row: (item: T, rank: number) => object, only: Character | null) {
  const page = Number(optional(q, "page", positiveInt) ?? "1");
  const ranked = rows.sort(compare).map((item, i) => ({ item, rank: i + 1 }));
  const narrowed = only ? ranked.filter(({ item }) => item.c === only) : ranked;
  return { ranking: narrowed.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE).map(({ item, rank }) => row(item, rank)) };
}

const person = (date: string, rank: number, c: Character) => ({ date, ranking: rank, character_name: c.name, world_name: c.world, ...rankingClassNames(c.cls) });

export function overallRanking(q: Query, date: string) {
  const only = ocidFilter(q);
  const rows = characters(q, date, { worldType: true, cls: true, only });
  return finish(q, rows, (a, b) => b.p.level - a.p.level || b.p.exp - a.p.exp, ({ c, p }, rank) => ({
    ...person(date, rank, c),
    character_level: p.level,
    character_exp: p.exp,
    character_popularity: c.popularity + Math.floor(p.days / 40),
    character_guildname: c.guild === null ? null : guildAt(c.guild).name,
  }), only);
}

export function unionRanking(q: Query, date: string) {
  const only = ocidFilter(q);
  const rows = characters(q, date, {}).map((r) => ({ ...r, union: unionLevelOn(r.c, r.p) }));
  const power = (r: { union: number; c: Character }) => r.union * 2400 + (hash32(`power:${r.c.seed}`) % 100000);
  return finish(q, rows, (a, b) => power(b) - power(a), (r, rank) => ({ ...person(date, rank, r.c), union_level: r.union, union_power: power(r) }), only);
}

export function dojangRanking(q: Query, date: string) {
  const difficulty = q.get("difficulty");
  if (difficulty !== "0" && difficulty !== "1") fail("OPENAPI00004");
  const only = ocidFilter(q);
  const rows = characters(q, date, { cls: true })
    .map((r) => {
      const record = dojangBody(r.c, date, r.p);
      const floor = difficulty === "1" ? Math.max(0, record.dojang_best_floor - 45) : Math.min(record.dojang_best_floor, 70);
      return { ...r, floor, time: record.dojang_best_time };
    })
    .filter((r) => r.floor > 0);
  return finish(q, rows, (a, b) => b.floor - a.floor || a.time - b.time, (r, rank) => ({
    ...person(date, rank, r.c),
    character_level: r.p.level,
    dojang_floor: r.floor,
    dojang_time_record: r.time,
  }), only);
}

export function theSeedRanking(q: Query, date: string) {
  const only = ocidFilter(q);
  const rows = characters(q, date, {})
    .filter((r) => r.p.level >= 105)
    .map((r) => ({ ...r, floor: Math.min(50, 10 + Math.floor(r.c.power * 5 + r.p.days / 100)), time: 600 + (hash32(`seed-time:${r.c.seed}`) % 1800) }));
  return finish(q, rows, (a, b) => b.floor - a.floor || a.time - b.time, (r, rank) => ({
    ...person(date, rank, r.c),
    character_level: r.p.level,
    theseed_floor: r.floor,
    theseed_time_record: r.time,
  }), only);
}

const TROPHIES: [number, string][] = [[20000, "다이아몬드"], [15000, "플래티넘"], [10000, "골드"], [5000, "실버"], [0, "브론즈"]];

export function achievementRanking(q: Query, date: string) {
  const only = ocidFilter(q);
  const rows = allCharacters()
    .filter((c) => existsOn(c, date))
    .map((c) => {
      const p = progressOn(c, date);
      return { c, p, score: 1000 + (hash32(`trophy:${c.seed}`) % 18000) + p.days * 5 };
    });
  return finish(q, rows, (a, b) => b.score - a.score, (r, rank) => ({
    ...person(date, rank, r.c),
    trophy_grade: TROPHIES.find(([min]) => r.score >= min)![1],
    trophy_score: r.score,
  }), only);
}

export function guildRanking(q: Query, date: string) {
  const type = q.get("ranking_type");
  if (type !== "0" && type !== "1" && type !== "2") fail("OPENAPI00004");
  const world = optional(q, "world_name", isWorld);
  const name = q.get("guild_name");
  const member = ocidFilter(q);
  const rows = allGuilds()
    .filter((g) => (world === null || g.world === world) && (name === null || g.name === name))
    .filter((g) => member === null || g.index === member.guild)
    .map((g) => ({ g, body: guildBody(g, date), score: guildScores(g, date)[Number(type)]! }))
    .filter((r) => r.body.guild_member_count > 0);
  return finish(q, rows, (a, b) => b.score - a.score, (r, rank) => ({
    date,
    ranking: rank,
    guild_name: r.g.name,
    world_name: r.g.world,
    guild_level: r.body.guild_level,
    guild_master_name: r.body.guild_master_name,
    guild_mark: guildMark(r.g),
    guild_point: r.score,
  }), null);
}
