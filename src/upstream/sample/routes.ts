import { isWorld } from "./catalog";
import { characterByName, characterByOcid, existsOn, progressOn, type Character, type Progress } from "./characters";
import { CHARACTER_START, EARLIEST, bodyDate, rankingDate, snapshotDate, type Clock } from "./dates";
import { itemEquipmentBody } from "./equipment";
import { fail } from "./errors";
import { guildById, guildNamed } from "./guilds";
import { androidBody, beautyBody, cashItemBody, petBody } from "./looks";
import { NOTICE_PATHS, noticeDetail, noticeList } from "./notices";
import { HISTORY_PATHS, achievementBody, characterListBody, historyBody } from "./private";
import { achievementRanking, dojangRanking, guildRanking, overallRanking, theSeedRanking, unionRanking } from "./rankings";
import {
  abilityBody,
  basicBody,
  dojangBody,
  hyperStatBody,
  otherStatBody,
  popularityBody,
  propensityBody,
  ringExchangeBody,
  setEffectBody,
  statBody,
  symbolBody,
} from "./sections";
import { hexaMatrixBody, hexaStatBody, linkSkillBody, skillBody, vMatrixBody } from "./skills";
import { guildBody, unionArtifactBody, unionBody, unionChampionBody, unionRaiderBody } from "./union";
import { SKILL_GRADES } from "../game-data";

/** Path (under /maplestory/v1/) → handler returning the body or throwing an upstream error. */
export interface RequestContext {
  q: URLSearchParams;
  key: string;
  clock: Clock;
}
type Handler = (ctx: RequestContext) => object;
type Build = (c: Character, day: string, p: Progress, q: URLSearchParams) => object;

/** "No data" keeps every field, each null or an empty list; `date` stays. */
const emptied = (body: object) => Object.fromEntries(Object.entries(body).map(([k, v]) => [k, Array.isArray(v) ? [] : null]));

interface SectionOptions {
  /** Also "no data" on days the character exists (e.g. no android). */
  emptyWhen?: (c: Character) => boolean;
  /** No-data bodies carry only `date` (ring exchange: every other field is optional). */
  bare?: boolean;
}

function section(path: string, build: Build, options: SectionOptions = {}): Handler {
  return ({ q, clock }) => {
    const ocid = q.get("ocid") ?? fail("OPENAPI00004");
    const c = characterByOcid(ocid);
    if (!c || !existsOn(c, clock.today)) fail("OPENAPI00003");
    const date = snapshotDate(q.get("date"), EARLIEST[path] ?? CHARACTER_START, clock);
    const day = date ?? clock.today;
    const body = build(c, day, progressOn(c, day), q);
    const noData = !existsOn(c, day) || options.emptyWhen?.(c) === true;
    return { date: bodyDate(date), ...(noData ? (options.bare ? {} : emptied(body)) : body) };
  };
}

const skillGrade = (q: URLSearchParams): string => {
  const grade = q.get("character_skill_grade");
  return grade !== null && (SKILL_GRADES as readonly string[]).includes(grade) ? grade : fail("OPENAPI00004");
};

const SECTIONS: Record<string, Handler> = {
  "character/basic": section("character/basic", (c, day, p) => basicBody(c, day, p)),
  "character/popularity": section("character/popularity", (c, _d, p) => popularityBody(c, p)),
  "character/stat": section("character/stat", (c, _d, p) => statBody(c, p)),
  "character/hyper-stat": section("character/hyper-stat", (c, _d, p) => hyperStatBody(c, p)),
  "character/propensity": section("character/propensity", (c, _d, p) => propensityBody(c, p)),
  "character/ability": section("character/ability", (c, _d, p) => abilityBody(c, p)),
  "character/item-equipment": section("character/item-equipment", (c, _d, p) => itemEquipmentBody(c, p.level)),
  "character/cashitem-equipment": section("character/cashitem-equipment", (c) => cashItemBody(c)),
  "character/symbol-equipment": section("character/symbol-equipment", (c, _d, p) => symbolBody(c, p)),
  "character/set-effect": section("character/set-effect", (c, _d, p) => setEffectBody(c, p)),
  "character/beauty-equipment": section("character/beauty-equipment", (c) => beautyBody(c)),
  "character/android-equipment": section("character/android-equipment", (c) => androidBody(c), { emptyWhen: (c) => !c.android }),
  "character/pet-equipment": section("character/pet-equipment", (c) => petBody(c)),
  "character/skill": section("character/skill", (c, _d, p, q) => skillBody(c, skillGrade(q), p)),
  "character/link-skill": section("character/link-skill", (c) => linkSkillBody(c)),
  "character/vmatrix": section("character/vmatrix", (c, _d, p) => vMatrixBody(c, p)),
  "character/hexamatrix": section("character/hexamatrix", (c, _d, p) => hexaMatrixBody(c, p)),
  "character/hexamatrix-stat": section("character/hexamatrix-stat", (c, _d, p) => hexaStatBody(c, p)),
  "character/dojang": section("character/dojang", (c, day, p) => dojangBody(c, day, p)),
  "character/other-stat": section("character/other-stat", (c) => otherStatBody(c)),
  "character/ring-exchange-skill-equipment": section("character/ring-exchange-skill-equipment", (c) => ringExchangeBody(c), { bare: true }),
  "user/union": section("user/union", (c, _d, p) => unionBody(c, p)),
  "user/union-raider": section("user/union-raider", (c, _d, p) => unionRaiderBody(c, p)),
  "user/union-artifact": section("user/union-artifact", (c, day, p) => unionArtifactBody(c, day, p)),
  "user/union-champion": section("user/union-champion", (c, _d, p) => unionChampionBody(c, p)),
};

const ranking = (build: (q: URLSearchParams, date: string) => object): Handler => ({ q, clock }) => build(q, rankingDate(q.get("date"), clock));

const NOTICES: Record<string, Handler> = {};
for (const [path, kind] of Object.entries(NOTICE_PATHS)) {
  NOTICES[path] = ({ clock }) => noticeList(kind, clock.today);
  NOTICES[`${path}/detail`] = ({ q, clock }) => noticeDetail(kind, q.get("notice_id"), clock.today);
}

const HISTORY: Record<string, Handler> = Object.fromEntries(HISTORY_PATHS.map((path) => [path, ({ q, key, clock }: RequestContext) => historyBody(path, q, key, clock)]));

export const ROUTES: Record<string, Handler> = {
  id: ({ q, clock }) => {
    const c = characterByName(q.get("character_name") ?? fail("OPENAPI00004"));
    // An unknown name is 00004 on /id, not 00003 (nexon-upstream.md §2).
    if (!c || !existsOn(c, clock.today)) fail("OPENAPI00004");
    return { ocid: c.ocid };
  },
  ...SECTIONS,
  "guild/id": ({ q }) => {
    const name = q.get("guild_name");
    const world = q.get("world_name");
    if (!name || world === null || !isWorld(world)) fail("OPENAPI00004");
    // Unknown guild in a real world: 200 without an id (shape unverified upstream; we send {}).
    const guild = guildNamed(world, name);
    return guild ? { oguild_id: guild.oguild_id } : {};
  },
  "guild/basic": ({ q, clock }) => {
    const guild = guildById(q.get("oguild_id") ?? fail("OPENAPI00004")) ?? fail("OPENAPI00003");
    const date = snapshotDate(q.get("date"), CHARACTER_START, clock);
    const body = guildBody(guild, date ?? clock.today);
    return { date: bodyDate(date), ...(body.guild_member_count > 0 ? body : emptied(body)) };
  },
  "ranking/overall": ranking(overallRanking),
  "ranking/union": ranking(unionRanking),
  "ranking/guild": ranking(guildRanking),
  "ranking/dojang": ranking(dojangRanking),
  "ranking/theseed": ranking(theSeedRanking),
  "ranking/achievement": ranking(achievementRanking),
  ...NOTICES,
  "character/list": ({ key, clock }) => characterListBody(key, clock.today),
  "user/achievement": ({ key, clock }) => achievementBody(key, clock.today),
  ...HISTORY,
};
