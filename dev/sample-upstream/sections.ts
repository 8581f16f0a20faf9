import { addDays } from "../../src/lib/calendar";
import { ICON_BASE, STAT_KO, gearStats } from "./catalog";
import { characterGuild, characterImage, type Character, type Progress } from "./characters";
import { midnightIn } from "./dates";
import { equippedNames } from "./equipment";
import { hash32, int, lettersOf, pick, pickSome, rng } from "./random";

/** Character sections about stats and progression (bodies without `date`). */

export const classLevel = (level: number): string =>
  String(level >= 260 ? 6 : level >= 200 ? 5 : level >= 100 ? 4 : level >= 60 ? 3 : level >= 30 ? 2 : 1);

export function basicBody(c: Character, day: string, p: Progress) {
  return {
    character_name: c.name,
    world_name: c.world,
    character_gender: c.gender,
    character_class: c.cls.name,
    character_class_level: classLevel(p.level),
    character_level: p.level,
    character_exp: p.exp,
    character_exp_rate: p.expRate,
    character_guild_name: characterGuild(c)?.name ?? null,
    character_image: characterImage(c),
    character_date_create: midnightIn(c.created, c.region),
    access_flag: hash32(`access:${c.seed}:${day}`) % 5 === 0 ? "false" : "true",
    liberation_quest_clear: c.liberation,
  };
}

export const popularityBody = (c: Character, p: Progress) => ({ popularity: c.popularity + Math.floor(p.days / 40) });

const fixed = (n: number) => n.toFixed(2);

export function statBody(c: Character, p: Progress) {
  const r = rng(`stat:${c.seed}`);
  const q = c.power / 7;
  const mainStat = gearStats(c.cls);
  const statValue = (s: string) => (mainStat.includes(s) ? Math.round((15000 + q * 75000) * (p.level / 280)) : int(r, 900, 12000));
  const statAttack = Math.floor(p.combatPower * 0.42);
  const ap = (s: string) => (mainStat.includes(s) ? 5 * p.level + 18 - 16 : 4);
  const attack = Math.round(1500 + q * 6500);
  const force = symbolForces(p.level);
  const rows: [string, string | number][] = [
    ["최소 스탯공격력", Math.floor(statAttack * 0.9)],
    ["최대 스탯공격력", statAttack],
    ["데미지", fixed(60 + q * 50)],
    ["보스 몬스터 데미지", fixed(200 + q * 250)],
    ["최종 데미지", fixed(30 + q * 60)],
    ["방어율 무시", fixed(85 + q * 10.5)],
    ["크리티컬 확률", 100],
    ["크리티컬 데미지", fixed(60 + q * 40)],
    ["상태이상 내성", int(r, 20, 80)],
    ["스탠스", 100],
    ["방어력", int(r, 20000, 70000)],
    ["이동속도", 160],
    ["점프력", 123],
    ["스타포스", Math.round(270 + q * 125)],
    ["아케인포스", force.arcane],
    ["어센틱포스", force.authentic],
    ["STR", statValue("STR")],
    ["DEX", statValue("DEX")],
    ["INT", statValue("INT")],
    ["LUK", statValue("LUK")],
    ["HP", c.cls.stat === "HP" ? 500000 + p.level * 1000 : int(r, 30000, 80000)],
    ["MP", int(r, 20000, 50000)],
    ["AP 배분 STR", ap("STR")],
    ["AP 배분 DEX", ap("DEX")],
    ["AP 배분 INT", ap("INT")],
    ["AP 배분 LUK", ap("LUK")],
    ["AP 배분 HP", c.cls.stat === "HP" ? 5 * p.level * 90 : 0],
    ["AP 배분 MP", 0],
    ["아이템 드롭률", int(r, 0, 40)],
    ["메소 획득량", int(r, 0, 40)],
    ["버프 지속시간", int(r, 20, 80)],
    ["공격 속도", 8],
    ["일반 몬스터 데미지", fixed(int(r, 0, 40))],
    ["재사용 대기시간 감소 (초)", int(r, 0, 6)],
    ["재사용 대기시간 감소 (%)", int(r, 0, 10)],
    ["재사용 대기시간 미적용", int(r, 0, 20)],
    ["속성 내성 무시", fixed(5)],
    ["상태이상 추가 데미지", fixed(int(r, 0, 8))],
    ["무기 숙련도", 90],
    ["추가 경험치 획득", fixed(int(r, 50, 150))],
    ["공격력", c.cls.stat === "INT" ? int(r, 1000, 2000) : attack],
    ["마력", c.cls.stat === "INT" ? attack : int(r, 1000, 2000)],
    ["전투력", p.combatPower],
    ["소환수 지속시간 증가", int(r, 0, 10)],
  ];
  return {
    character_class: c.cls.name,
    final_stat: rows.map(([stat_name, v]) => ({ stat_name, stat_value: String(v) })),
    remain_ap: 0,
  };
}

/** Hyper stat points: 3 a level from 140, one more every 10 levels (1,518 at 290). */
export function hyperStatPoints(level: number): number {
  let total = 0;
  for (let l = 140; l <= level; l++) total += 3 + Math.floor((l - 140) / 10);
  return total;
}

const HYPER_COST = [0, 1, 3, 7, 15, 25, 40, 60, 85, 115, 150, 200, 265, 345, 440, 550];
const HYPER_TYPES = ["STR", "DEX", "INT", "LUK", "HP", "MP", "DF/TF/PP", "크리티컬 확률", "크리티컬 데미지", "방어율 무시", "데미지", "보스 몬스터 공격 시 데미지 증가", "상태 이상 내성", "공격력/마력", "획득 경험치", "아케인포스", "일반 몬스터 공격 시 데미지 증가"];

function hyperIncrease(type: string, lv: number): string {
  const up = (lv2: number, a: number, b: number) => (lv2 <= 5 ? a * lv2 : 5 * a + (lv2 - 5) * b);
  switch (type) {
    case "STR": case "DEX": case "INT": case "LUK": return `${STAT_KO[type]} ${30 * lv} 증가`;
    case "HP": case "MP": return `최대 ${type} ${2 * lv}% 증가`;
    case "DF/TF/PP": return `최대 DF/TF/PP ${4 * lv} 증가`;
    case "크리티컬 확률": return `크리티컬 확률 ${up(lv, 1, 2)}% 증가`;
    case "보스 몬스터 공격 시 데미지 증가": return `보스 몬스터 공격 시 데미지 ${up(lv, 3, 4)}% 증가`;
    case "공격력/마력": return `공격력과 마력 ${3 * lv} 증가`;
    case "획득 경험치": return `획득 경험치 ${lv <= 10 ? lv * 0.5 : 5 + (lv - 10)}% 증가`;
    case "아케인포스": return `아케인포스 ${lv <= 10 ? 5 * lv : 50 + (lv - 10) * 10} 증가`;
    case "일반 몬스터 공격 시 데미지 증가": return `일반 몬스터 공격 시 데미지 ${2 * lv}% 증가`;
    case "상태 이상 내성": return `상태 이상 내성 ${lv <= 5 ? lv : 5 + (lv - 5) * 2} 증가`;
    default: return `${type} ${(type === "크리티컬 데미지" ? 1 : 3) * lv}% 증가`;
  }
}

/** Raises stats round-robin in priority order while points last. */
function hyperPreset(priority: string[], points: number) {
  const levels: Record<string, number> = {};
  let left = points;
  for (let raised = true; raised; ) {
    raised = false;
    for (const type of priority) {
      const lv = levels[type] ?? 0;
      const cost = (HYPER_COST[lv + 1] ?? Infinity) - HYPER_COST[lv]!;
      if (cost <= left) {
        levels[type] = lv + 1;
        left -= cost;
        raised = true;
      }
    }
  }
  const rows = HYPER_TYPES.map((stat_type) => {
    const lv = levels[stat_type] ?? 0;
    return { stat_type, stat_point: lv ? HYPER_COST[lv]! : null, stat_level: lv, stat_increase: lv ? hyperIncrease(stat_type, lv) : null };
  });
  return { rows, left };
}

export function hyperStatBody(c: Character, p: Progress) {
  const points = hyperStatPoints(p.level);
  const main = gearStats(c.cls)[0]!;
  const focus = ["보스 몬스터 공격 시 데미지 증가", "크리티컬 데미지", "방어율 무시", "데미지", "공격력/마력", main, "크리티컬 확률"];
  const presets = [focus, [...focus].reverse(), ["획득 경험치", "일반 몬스터 공격 시 데미지 증가", ...focus]].map((prio) => hyperPreset(prio, points));
  const body: Record<string, unknown> = { character_class: c.cls.name, use_preset_no: "1", use_available_hyper_stat: points };
  presets.forEach((preset, i) => {
    body[`hyper_stat_preset_${i + 1}`] = preset.rows;
    body[`hyper_stat_preset_${i + 1}_remain_point`] = preset.left;
  });
  return body;
}

export function propensityBody(c: Character, p: Progress) {
  const r = rng(`propensity:${c.seed}`);
  const grow = (base: number) => Math.min(100, base + Math.floor(p.days / 30));
  return {
    charisma_level: grow(int(r, 30, 100)),
    sensibility_level: grow(int(r, 30, 100)),
    insight_level: grow(int(r, 30, 100)),
    willingness_level: grow(int(r, 30, 100)),
    handicraft_level: grow(int(r, 20, 100)),
    charm_level: grow(int(r, 20, 100)),
  };
}

const ABILITY_GRADES = ["레어", "에픽", "유니크", "레전드리"];
const ABILITY_LINES: [string, number][] = [
  ["보스 몬스터 공격 시 데미지 {}% 증가", 5],
  ["스킬 사용 시 {}% 확률로 재사용 대기시간이 미적용", 5],
  ["크리티컬 확률 {}% 증가", 5],
  ["메소 획득량 {}% 증가", 5],
  ["아이템 드롭률 {}% 증가", 5],
  ["일반 몬스터 공격 시 데미지 {}% 증가", 2],
  ["버프 스킬의 지속 시간 {}% 증가", 13],
  ["공격력 {} 증가", 6],
];

function abilityPreset(seed: string, top: number) {
  const r = rng(seed);
  const lines = pickSome(r, ABILITY_LINES, 3);
  const ability_info = lines.map(([text, unit], i) => {
    const g = Math.max(0, top - (i === 0 ? 0 : 1 + int(r, 0, 1)));
    return { ability_no: String(i + 1), ability_grade: ABILITY_GRADES[g]!, ability_value: text.replace("{}", String(unit * (g + 1) - int(r, 0, unit - 1))) };
  });
  return { ability_preset_grade: ABILITY_GRADES[top]!, ability_info };
}

export function abilityBody(c: Character, p: Progress) {
  const top = Math.min(3, Math.floor(c.power / 2));
  const presets = [1, 2, 3].map((n) => abilityPreset(`ability:${c.seed}:${n}`, n === 1 ? top : Math.max(0, top - 1)));
  return {
    ability_grade: presets[0]!.ability_preset_grade,
    ability_info: presets[0]!.ability_info,
    remain_fame: 100000 + p.days * 4000 + (hash32(c.seed) % 100000),
    preset_no: 1,
    ability_preset_1: presets[0],
    ability_preset_2: presets[1],
    ability_preset_3: presets[2],
  };
}

const ARCANE: [string, number][] = [["소멸의 여로", 200], ["츄츄 아일랜드", 210], ["레헬른", 220], ["아르카나", 225], ["모라스", 230], ["에스페라", 235]];
const AUTHENTIC: [string, number][] = [["세르니움", 260], ["아르크스", 265], ["오디움", 270], ["도원경", 275], ["아르테리아", 280], ["카르시온", 285]];

/** Symbols grow with the character: one level per two character levels past the region's. */
function symbols(level: number) {
  const owned = (list: [string, number][], max: number, authentic: boolean) =>
    list.filter(([, req]) => level >= req).map(([region, req]) => ({ region, authentic, level: Math.min(max, 1 + Math.floor((level - req) / 2)), max }));
  return [...owned(ARCANE, 20, false), ...owned(AUTHENTIC, 11, true)];
}

export function symbolForces(level: number) {
  let arcane = 0;
  let authentic = 0;
  for (const s of symbols(level)) {
    if (s.authentic) authentic += s.level * 10;
    else arcane += (s.level + 2) * 10;
  }
  return { arcane, authentic };
}

export function symbolBody(c: Character, p: Progress) {
  const main = gearStats(c.cls);
  return {
    character_class: c.cls.name,
    symbol: symbols(p.level).map((s) => {
      const name = `${s.authentic ? "어센틱심볼" : "아케인심볼"} : ${s.region}`;
      const statValue = s.authentic ? (2 * s.level + 3) * 100 : (s.level + 2) * 100;
      const stat = (key: string) => String(main.includes(key) ? (main.length > 1 ? Math.round(statValue * 0.48) : statValue) : 0);
      const maxed = s.level === s.max;
      return {
        symbol_name: name,
        symbol_icon: ICON_BASE + lettersOf(`symbol:${s.region}`, 8),
        symbol_description: `${s.region} 지역에서 활동하는 데 도움을 주는 심볼이다.`,
        symbol_other_effect_description: null,
        symbol_force: String(s.authentic ? s.level * 10 : (s.level + 2) * 10),
        symbol_level: s.level,
        symbol_str: stat("STR"),
        symbol_dex: stat("DEX"),
        symbol_int: stat("INT"),
        symbol_luk: stat("LUK"),
        symbol_hp: String(main.includes("HP") ? statValue * 21 : 0),
        symbol_drop_rate: "0%",
        symbol_meso_rate: "0%",
        symbol_exp_rate: "0%",
        symbol_growth_count: maxed ? 0 : hash32(`${c.seed}:${s.region}`) % (s.level * s.level + 11),
        symbol_require_growth_count: maxed ? 0 : s.authentic ? 9 * s.level * s.level + 20 * s.level : s.level * s.level + 11,
      };
    }),
  };
}

const SET_BONUSES = ["최대 HP : +10%, 최대 MP : +10%", "올스탯 : +10, 공격력 : +10, 마력 : +10", "보스 몬스터 공격 시 데미지 : +10%", "몬스터 방어율 무시 : +10%", "공격력 : +20, 마력 : +20", "데미지 : +10%"];
const ACCESSORY_SETS: [string, string[]][] = [
  ["보스 장신구 세트", ["루즈 컨트롤 머신 마크", "마력이 깃든 안대", "골든 클로버 벨트", "도미네이터 펜던트", "크리스탈 웬투스 뱃지"]],
  ["칠흑의 보스 세트", ["거대한 공포", "저주받은 청의 마도서"]],
  ["마이스터 세트", ["마이스터 이어링", "마이스터링", "마이스터 숄더"]],
  ["여명의 보스 세트", ["여명의 가디언 엔젤 링", "데이브레이크 펜던트"]],
];
const FAMILY_SET = ["나이트", "메이지", "아처", "시프", "파이렛"];

export function setEffectBody(c: Character, p: Progress) {
  const names = equippedNames(c, p.level);
  const tiers = ["에테르넬", "아케인셰이드", "앱솔랩스", "제네시스"];
  const sets: [string, number, number][] = [];
  for (const tier of tiers.slice(0, 3)) {
    const count = names.filter((n) => n.startsWith(tier)).length;
    if (count > 1) sets.push([`${tier} ${FAMILY_SET[c.cls.family]}세트`, count, 5]);
  }
  for (const [set, members] of ACCESSORY_SETS) {
    const count = members.filter((m) => names.includes(m)).length;
    if (count > 1) sets.push([set, count, Math.max(members.length, 4)]);
  }
  const tierOptions = (upTo: number) => Array.from({ length: upTo - 1 }, (_, i) => ({ set_count: i + 2, set_option: SET_BONUSES[i % SET_BONUSES.length]! }));
  return {
    set_effect: sets.map(([set_name, total, full]) => ({
      set_name,
      total_set_count: total,
      set_effect_info: tierOptions(total),
      set_option_full: tierOptions(full),
    })),
  };
}

export function dojangBody(c: Character, day: string, p: Progress) {
  const floor = p.level < 105 ? 0 : Math.min(95, 10 + Math.floor((p.level - 105) / 3 + c.power * 2));
  const recordDay = addDays(day, -(hash32(`dojang:${c.seed}:${Math.floor(p.days / 14)}`) % 14));
  return {
    character_class: c.cls.name,
    world_name: c.world,
    dojang_best_floor: floor,
    date_dojang_record: floor ? midnightIn(recordDay < c.created ? c.created : recordDay, c.region) : null,
    dojang_best_time: floor ? 300 + (hash32(`dojang-time:${c.seed}`) % 600) : 0,
  };
}

export function otherStatBody(c: Character) {
  const r = rng(`other:${c.seed}`);
  return {
    other_stat: [
      { other_stat_type: "명예의 훈장", stat_info: [{ stat_name: "공격력", stat_value: "5" }, { stat_name: "마력", stat_value: "5" }, { stat_name: "최대 HP", stat_value: "300" }] },
      { other_stat_type: "코어 젬스톤", stat_info: [{ stat_name: "보스 몬스터 데미지", stat_value: `${int(r, 1, 5)}%` }, { stat_name: "올스탯", stat_value: String(int(r, 10, 30)) }] },
    ],
  };
}

export function ringExchangeBody(c: Character) {
  if (!c.ringExchange) return { character_class: c.cls.name };
  return {
    character_class: c.cls.name,
    special_ring_exchange_name: pick(rng(`ring:${c.seed}`), ["리스트레인트 링", "웨폰퍼프 - I링", "리스크테이커 링"]),
    special_ring_exchange_level: 4,
    special_ring_exchange_icon: ICON_BASE + lettersOf(`ring:${c.seed}`, 8),
    special_ring_exchange_description: "특수 반지 교환 시스템으로 교환된 반지의 스킬이 적용된다.",
  };
}
