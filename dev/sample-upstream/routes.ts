import { characterByName, characterByOcid, existsOn, progressOn, type Character, type Progress } from "./characters";
import { bodyDate, rankingDate, snapshotDate, type Clock } from "./dates";
import { itemEquipmentBody } from "./equipment";
import { fail } from "./errors";
import { guildById, guildNamed } from "./guilds";
import { localise } from "./locale";
import { androidBody, beautyBody, cashItemBody, petBody } from "./looks";
import { noticeDetail, noticeList, type NoticeKind } from "./notices";
import { achievementBody, characterListBody, historyBody, type HistoryKind } from "./private";
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
import { earliestIn, ENDPOINTS, regionsOf, type EndpointDef } from "../../src/upstream/endpoints";
import { SKILL_GRADES } from "../../src/upstream/game-data";
import { REGIONS, type RegionId } from "../../src/upstream/regions";

export interface RequestContext {
  q: URLSearchParams;
  key: string;
  clock: Clock;
}
type Handler = (ctx: RequestContext) => object;
type Section = (c: Character, day: string, p: Progress, q: URLSearchParams) => object;

/** An upstream path of the endpoint table (src/upstream/endpoints.ts). */
export type EndpointPath = EndpointDef["path"];
/**
 * Makes the handler of one row of the endpoint table in one region that serves it:
 * its dates come from the row, its characters, guilds, worlds and clock from the region.
 */
type Build = (def: EndpointDef, region: RegionId) => Handler;

/** The row's earliest `date` in the region (snapshot and ranking rows always have one). */
function earliestOf(def: EndpointDef, region: RegionId): string {
  const earliest = earliestIn(def, region);
  if (!earliest) throw new Error(`sample upstream: ${def.path} has no earliest date in ${region}`);
  return earliest;
}

/** "No data" keeps every field, each null or an empty list; `date` stays. */
const emptied = (body: object) => Object.fromEntries(Object.entries(body).map(([k, v]) => [k, Array.isArray(v) ? [] : null]));

interface SectionOptions {
  /** Also "no data" on days the character exists (e.g. no android). */
  emptyWhen?: (c: Character) => boolean;
  /** No-data bodies carry only `date` (ring exchange: every other field is optional). */
  bare?: boolean;
}

const section = (build: Section, options: SectionOptions = {}): Build => (def, region) => {
  const earliest = earliestOf(def, region);
  return ({ q, clock }) => {
    const ocid = q.get("ocid") ?? fail("OPENAPI00004");
    const c = characterByOcid(ocid, region);
    if (!c || !existsOn(c, clock.today)) fail("OPENAPI00003");
    const date = snapshotDate(q.get("date"), earliest, clock);
    const day = date ?? clock.today;
    const body = build(c, day, progressOn(c, day), q);
    const noData = !existsOn(c, day) || options.emptyWhen?.(c) === true;
    return { date: bodyDate(date, region), ...(noData ? (options.bare ? {} : emptied(body)) : body) };
  };
};

const skillGrade = (q: URLSearchParams): string => {
  const grade = q.get("character_skill_grade");
  return grade !== null && (SKILL_GRADES as readonly string[]).includes(grade) ? grade : fail("OPENAPI00004");
};

const ranking = (build: (q: URLSearchParams, date: string) => object): Build => (def, region) => {
  const earliest = earliestOf(def, region);
  return ({ q, clock }) => build(q, rankingDate(q.get("date"), earliest, clock));
};

const notices = (kind: NoticeKind): Build => () => ({ clock }) => noticeList(kind, clock.today);
const noticeDetails = (kind: NoticeKind): Build => () => ({ q, clock }) => noticeDetail(kind, q.get("notice_id"), clock.today);

const history = (kind: HistoryKind): Build => (def, region) => {
  const earliest = earliestIn(def, region);
  return ({ q, key, clock }) => historyBody(kind, earliest, q, key, clock);
};

/**
 * One builder per upstream path: the compiler rejects a path without one, and
 * test/node/sample-upstream.test.ts checks every row of ENDPOINTS is answered.
 */
const BUILDERS: Record<EndpointPath, Build> = {
  id: (_def, region) => ({ q, clock }) => {
    const c = characterByName(q.get("character_name") ?? fail("OPENAPI00004"), region);
    // An unknown name is 00004 on /id, not 00003 (nexon-upstream.md §2).
    if (!c || !existsOn(c, clock.today)) fail("OPENAPI00004");
    return { ocid: c.ocid };
  },
  "character/basic": section((c, day, p) => basicBody(c, day, p)),
  "character/popularity": section((c, _d, p) => popularityBody(c, p)),
  "character/stat": section((c, _d, p) => statBody(c, p)),
  "character/hyper-stat": section((c, _d, p) => hyperStatBody(c, p)),
  "character/propensity": section((c, _d, p) => propensityBody(c, p)),
  "character/ability": section((c, _d, p) => abilityBody(c, p)),
  "character/item-equipment": section((c, _d, p) => itemEquipmentBody(c, p.level)),
  "character/cashitem-equipment": section((c) => cashItemBody(c)),
  "character/symbol-equipment": section((c, _d, p) => symbolBody(c, p)),
  "character/set-effect": section((c, _d, p) => setEffectBody(c, p)),
  "character/beauty-equipment": section((c) => beautyBody(c)),
  "character/android-equipment": section((c) => androidBody(c), { emptyWhen: (c) => !c.android }),
  "character/pet-equipment": section((c) => petBody(c)),
  "character/skill": section((c, _d, p, q) => skillBody(c, skillGrade(q), p)),
  "character/link-skill": section((c) => linkSkillBody(c)),
  "character/vmatrix": section((c, _d, p) => vMatrixBody(c, p)),
  "character/hexamatrix": section((c, _d, p) => hexaMatrixBody(c, p)),
  "character/hexamatrix-stat": section((c, _d, p) => hexaStatBody(c, p)),
  "character/dojang": section((c, day, p) => dojangBody(c, day, p)),
  "character/other-stat": section((c) => otherStatBody(c)),
  "character/ring-exchange-skill-equipment": section((c) => ringExchangeBody(c), { bare: true }),
  "user/union": section((c, _d, p) => unionBody(c, p)),
  "user/union-raider": section((c, _d, p) => unionRaiderBody(c, p)),
  "user/union-artifact": section((c, day, p) => unionArtifactBody(c, day, p)),
  "user/union-champion": section((c, _d, p) => unionChampionBody(c, p)),
  "guild/id": (_def, region) => ({ q }) => {
    const name = q.get("guild_name");
    const world = q.get("world_name");
    if (!name || world === null || !REGIONS[region].worlds.includes(world)) fail("OPENAPI00004");
    // Unknown guild in a real world: 200 without an id (shape unverified upstream; we send {}).
    const guild = guildNamed(world, name, region);
    return guild ? { oguild_id: guild.oguild_id } : {};
  },
  "guild/basic": (def, region) => {
    const earliest = earliestOf(def, region);
    return ({ q, clock }) => {
      const guild = guildById(q.get("oguild_id") ?? fail("OPENAPI00004"), region) ?? fail("OPENAPI00003");
      const date = snapshotDate(q.get("date"), earliest, clock);
      const body = guildBody(guild, date ?? clock.today);
      return { date: bodyDate(date, region), ...(body.guild_member_count > 0 ? body : emptied(body)) };
    };
  },
  "ranking/overall": ranking(overallRanking),
  "ranking/union": ranking(unionRanking),
  "ranking/guild": ranking(guildRanking),
  "ranking/dojang": ranking(dojangRanking),
  "ranking/theseed": ranking(theSeedRanking),
  "ranking/achievement": ranking(achievementRanking),
  notice: notices("general"),
  "notice/detail": noticeDetails("general"),
  "notice-update": notices("update"),
  "notice-update/detail": noticeDetails("update"),
  "notice-event": notices("event"),
  "notice-event/detail": noticeDetails("event"),
  "notice-cashshop": notices("cashshop"),
  "notice-cashshop/detail": noticeDetails("cashshop"),
  "character/list": () => ({ key, clock }) => characterListBody(key, clock.today),
  "user/achievement": () => ({ key, clock }) => achievementBody(key, clock.today),
  "history/starforce": history("starforce"),
  "history/cube": history("cube"),
  "history/potential": history("potential"),
};

/**
 * Path (under /<service>/v1/) → region → handler returning the body (as the region
 * writes it, locale.ts) or throwing an upstream error: one entry per row of ENDPOINTS,
 * one handler per region in the row's `regions`. A path under a region the row lacks
 * is unknown there (00006). A row without a builder (only possible past the compiler,
 * e.g. a cast path) is not served, and the test names it.
 */
export const ROUTES: ReadonlyMap<string, ReadonlyMap<RegionId, Handler>> = new Map(
  ENDPOINTS.flatMap((def) => {
    const build = (BUILDERS as Partial<Record<string, Build>>)[def.path];
    if (!build) return [];
    const handlers = regionsOf(def).map((region): [RegionId, Handler] => {
      const handler = build(def, region);
      return [region, (ctx) => localise(handler(ctx), region)];
    });
    return [[def.path, new Map(handlers)] as const];
  }),
);
