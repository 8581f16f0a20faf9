import { ICON_BASE, gearStats } from "./catalog";
import type { Character } from "./characters";
import { lettersOf, pick, rng, type Rng } from "./random";

/** character/item-equipment: ~24 items built from a handful of templates. */

type Kind = "weapon" | "armor" | "acc" | "plain";
interface Template {
  part: string;
  slot: string;
  name: string;
  level: number;
  kind: Kind;
  stars: number;
  description?: string;
  special?: number;
  /** Potential pool beyond the kind's default. */
  extra?: string;
}

const FAMILY = ["나이트", "메이지", "아처", "시프", "파이렛"];
const HAT = ["헬름", "햇", "햇", "반다나", "바이저"];
const TOP = ["아머", "로브", "후드", "셔츠", "코트"];
const SECONDARY = [
  ["방패", "카오스 실드"],
  ["마법서", "카오스 매직북"],
  ["화살깃", "카오스 애로우헤드"],
  ["블레이드", "카오스 블레이드"],
  ["건파우더", "카오스 건파우더"],
] as const;
const RESTRAINT = "스킬 사용 시, 일정 시간 동안 생성되는 영역 안에서 자신의 공격력과 마력을 증가시킨다.";

function templates(c: Character, level: number): Template[] {
  const f = FAMILY[c.cls.family]!;
  const top = level >= 250 ? ["에테르넬", 250] as const : level >= 200 ? ["아케인셰이드", 200] as const : ["앱솔랩스", 160] as const;
  const weapon = level >= 200 ? ["제네시스", 200] as const : ["앱솔랩스", 160] as const;
  const [secondaryPart, secondaryName] = SECONDARY[c.cls.family]!;
  const t = (part: string, name: string, lv: number, kind: Kind, stars: number, slot = part): Template => ({ part, slot, name, level: lv, kind, stars });
  return [
    { ...t("모자", `${top[0]} ${f}${HAT[c.cls.family]}`, top[1], "armor", 22), extra: "스킬 재사용 대기시간 -2초" },
    t("얼굴장식", "루즈 컨트롤 머신 마크", 160, "acc", 22),
    t("눈장식", "마력이 깃든 안대", 160, "acc", 22),
    t("귀고리", "마이스터 이어링", 140, "acc", 22),
    t("상의", `${top[0]} ${f}${TOP[c.cls.family]}`, top[1], "armor", 22),
    t("하의", `${top[0]} ${f}팬츠`, top[1], "armor", 22),
    t("신발", `앱솔랩스 ${f}슈즈`, 160, "armor", 22),
    { ...t("장갑", `앱솔랩스 ${f}글러브`, 160, "armor", 22), extra: "크리티컬 데미지 +8%" },
    t("망토", `앱솔랩스 ${f}케이프`, 160, "armor", 22),
    t(secondaryPart, secondaryName, 100, "weapon", 0, "보조무기"),
    t(c.cls.weapon, `${weapon[0]} ${c.cls.weaponItem}`, weapon[1], "weapon", 22, "무기"),
    c.ringExchange
      ? { ...t("반지", "리스트레인트 링", 110, "plain", 0, "반지1"), description: RESTRAINT, special: 4 }
      : t("반지", "이터널 플레임 링", 110, "acc", 0, "반지1"),
    t("반지", "여명의 가디언 엔젤 링", 160, "acc", 22, "반지2"),
    t("반지", "마이스터링", 140, "acc", 22, "반지3"),
    t("반지", "거대한 공포", 200, "acc", 22, "반지4"),
    t("펜던트", "도미네이터 펜던트", 140, "acc", 22),
    { ...t("훈장", "메이플 아이돌스타", 0, "plain", 0), description: "메이플 아이돌스타에게 주어지는 훈장이다." },
    t("벨트", "골든 클로버 벨트", 140, "acc", 15),
    t("어깨장식", "마이스터 숄더", 140, "acc", 22),
    { ...t("포켓 아이템", "저주받은 청의 마도서", 160, "plain", 0), description: "포켓 슬롯에만 장착 가능" },
    t("기계 심장", "플라즈마 하트", 130, "acc", 18),
    t("뱃지", "크리스탈 웬투스 뱃지", 130, "plain", 0),
    t("엠블렘", "골드 메이플 리프 엠블렘", 100, "weapon", 0),
    t("펜던트", "데이브레이크 펜던트", 140, "acc", 22, "펜던트2"),
  ];
}

const STAT_KEYS = ["str", "dex", "int", "luk", "max_hp", "max_mp", "attack_power", "magic_power"];
const ETC_KEYS = [...STAT_KEYS, "armor", "speed", "jump"];
const TOTAL_KEYS = [...ETC_KEYS, "boss_damage", "ignore_monster_armor", "all_stat", "damage", "equipment_level_decrease", "max_hp_rate", "max_mp_rate"];
const BASE_KEYS = [...ETC_KEYS, "boss_damage", "ignore_monster_armor", "all_stat", "max_hp_rate", "max_mp_rate", "base_equipment_level"];
const EXCEPTIONAL_KEYS = [...STAT_KEYS, "exceptional_upgrade"];
const ADD_KEYS = [...ETC_KEYS, "boss_damage", "damage", "all_stat", "equipment_level_decrease"];
const NUMERIC = new Set(["equipment_level_decrease", "base_equipment_level", "exceptional_upgrade"]);

type Values = Record<string, number>;

/** The upstream writes option values as strings, a few counters as numbers. */
const optionObject = (keys: string[], v: Values) =>
  Object.fromEntries(keys.map((k) => [k, NUMERIC.has(k) ? (v[k] ?? 0) : String(v[k] ?? 0)]));

const statKey = (stat: string) => (stat === "HP" ? "max_hp" : stat.toLowerCase());

const GRADES = ["레어", "에픽", "유니크", "레전드리"];

function potentials(r: Rng, kind: Kind, extra: string | undefined, c: Character, additional: boolean): string[] {
  const att = c.cls.stat === "INT" ? "마력" : "공격력";
  const stat = gearStats(c.cls)[0]!;
  const pool =
    kind === "weapon"
      ? additional
        ? [`${att} +12%`, `${att} +9%`, "크리티컬 확률 +9%", "보스 몬스터 데미지 +18%"]
        : ["보스 몬스터 데미지 +40%", "보스 몬스터 데미지 +30%", "몬스터 방어율 무시 +40%", `${att} +12%`, `${att} +9%`]
      : additional
        ? [`${stat} +7%`, `${stat} +5%`, "올스탯 +5%", `${att} +12`, `캐릭터 기준 10레벨 당 ${stat} +2`]
        : [`${stat} +12%`, `${stat} +9%`, "올스탯 +9%", "올스탯 +6%", "최대 HP +12%", ...(extra ? [extra, extra] : [])];
  return [pick(r, pool), pick(r, pool), pick(r, pool)];
}

/** Star force stat and attack gains, roughly the game's table. */
function starforceGain(stars: number, level: number, kind: Kind, main: string[]): Values {
  const v: Values = {};
  const perStar = level >= 200 ? 15 : 13;
  const stat = Math.min(stars, 15) * (stars > 5 ? 3 : 2) + Math.max(0, stars - 15) * perStar;
  for (const s of main) v[statKey(s)] = stat;
  const attack = kind === "weapon" ? Math.round(stars * 11.3) : Math.max(0, stars - 15) * (level >= 200 ? 13 : 9);
  v.attack_power = attack;
  v.magic_power = attack;
  if (kind !== "weapon") v.armor = stars * 80;
  return v;
}

function item(t: Template, c: Character, r: Rng, quality: number) {
  const main = gearStats(c.cls);
  const att = c.cls.stat === "INT" ? "magic_power" : "attack_power";
  const stars = t.kind === "plain" || t.stars === 0 ? 0 : Math.min(t.stars, 12 + Math.round(quality * 10));
  const base: Values = { base_equipment_level: t.level };
  const add: Values = {};
  const etc: Values = {};
  const statBase = t.kind === "plain" ? 7 : Math.round(t.level * 0.32);
  for (const s of t.kind === "acc" || t.kind === "plain" ? ["STR", "DEX", "INT", "LUK"] : main) base[statKey(s)] = statBase;
  if (t.kind === "weapon") base[att] = t.slot === "무기" ? Math.round(t.level * 1.63) : 10;
  if (t.kind === "armor") base.armor = t.level * 3;
  if (t.slot === "무기") {
    base.boss_damage = 30;
    base.ignore_monster_armor = 20;
    add[att] = Math.round(t.level * quality);
    add.boss_damage = 10;
    etc[att] = 72;
  } else if (t.kind === "armor" || t.kind === "acc") {
    for (const s of main) add[statKey(s)] = Math.round(60 + quality * 60);
    add.all_stat = Math.round(quality * 6);
    etc[statKey(main[0]!)] = t.stars ? 40 : 0;
    if (t.slot === "장갑") etc[att] = 9;
  }
  const star = stars ? starforceGain(stars, t.level, t.kind, main) : {};
  const total: Values = {};
  for (const part of [base, add, etc, star]) for (const [k, v] of Object.entries(part)) if (k !== "base_equipment_level") total[k] = (total[k] ?? 0) + v;
  const potential = t.kind !== "plain";
  const grade = potential ? GRADES[Math.min(3, Math.floor(quality * 4))]! : null;
  const pot = potential ? potentials(r, t.kind, t.extra, c, false) : [];
  const addPot = potential ? potentials(r, t.kind, t.extra, c, true) : [];
  const icon = ICON_BASE + lettersOf(`item:${t.name}`, 8);
  return {
    item_equipment_part: t.part,
    item_equipment_slot: t.slot,
    item_name: t.name,
    item_icon: icon,
    item_description: t.description ?? null,
    item_shape_name: t.name,
    item_shape_icon: icon,
    item_gender: null,
    item_total_option: optionObject(TOTAL_KEYS, total),
    item_base_option: optionObject(BASE_KEYS, base),
    potential_option_flag: "false",
    additional_potential_option_flag: "false",
    potential_option_grade: grade,
    additional_potential_option_grade: grade && GRADES[Math.max(0, GRADES.indexOf(grade) - 1)]!,
    potential_option_1: pot[0] ?? null,
    potential_option_2: pot[1] ?? null,
    potential_option_3: pot[2] ?? null,
    additional_potential_option_1: addPot[0] ?? null,
    additional_potential_option_2: addPot[1] ?? null,
    additional_potential_option_3: addPot[2] ?? null,
    equipment_level_increase: 0,
    item_exceptional_option: optionObject(EXCEPTIONAL_KEYS, {}),
    item_add_option: optionObject(ADD_KEYS, add),
    growth_exp: 0,
    growth_level: 0,
    scroll_upgrade: String(t.stars && t.kind !== "plain" ? 8 : 0),
    cuttable_count: t.kind === "armor" ? "10" : "255",
    golden_hammer_flag: t.stars ? "적용" : "미적용",
    scroll_resilience_count: "0",
    scroll_upgradeable_count: "0",
    soul_name: t.slot === "무기" ? "위대한 카링의 소울 적용" : null,
    soul_option: t.slot === "무기" ? `${att === "magic_power" ? "마력" : "공격력"} +3%` : null,
    item_etc_option: optionObject(ETC_KEYS, etc),
    starforce: String(stars),
    starforce_scroll_flag: "미사용",
    item_starforce_option: optionObject(ETC_KEYS, star),
    special_ring_level: t.special ?? 0,
    date_expire: null,
    freestyle_flag: "0",
  };
}

const POTENTIAL_FIELDS = /potential_option/;

/** Evan's dragon and the Mechanic's machine wear items without potentials. */
function companionItems(c: Character, r: Rng, quality: number) {
  const parts =
    c.cls.name === "에반"
      ? ["드래곤 모자", "드래곤 펜던트", "드래곤 날개장식", "드래곤 꼬리장식"]
      : c.cls.name === "메카닉"
        ? ["메카닉 엔진", "메카닉 암", "메카닉 레그", "메카닉 프레임", "메카닉 트랜지스터"]
        : [];
  return parts.map((part) => {
    const full: Record<string, unknown> = item({ part, slot: part, name: part, level: 120, kind: "acc", stars: 0 }, c, r, quality);
    for (const key of Object.keys(full)) if (POTENTIAL_FIELDS.test(key)) delete full[key];
    return full;
  });
}

export function itemEquipmentBody(c: Character, level: number) {
  const r = rng(`items:${c.seed}`);
  const quality = Math.min(1, c.power / 7);
  const items = templates(c, level).map((t) => item(t, c, r, quality));
  return {
    character_gender: c.gender,
    character_class: c.cls.name,
    preset_no: 1,
    item_equipment: items,
    item_equipment_preset_1: items,
    item_equipment_preset_2: items.map((it) => (it.item_equipment_slot === "반지4" ? { ...it, item_name: "어웨이크 링", item_shape_name: "어웨이크 링" } : it)),
    item_equipment_preset_3: items,
    title: {
      title_name: "모험의 시작",
      title_icon: ICON_BASE + lettersOf("title", 8),
      title_description: "메이플 월드의 모험을 시작한 자에게 주어지는 칭호.\n올스탯 +10\n공격력/마력 +5",
      date_expire: null,
      date_option_expire: null,
      title_shape_name: null,
      title_shape_icon: null,
      title_shape_description: null,
    },
    medal_shape: c.power > 3
      ? {
          medal_shape_name: "메이플 아이돌스타",
          medal_shape_icon: ICON_BASE + lettersOf("medal", 8),
          medal_shape_description: "메이플 아이돌스타에게 주어지는 훈장이다.",
          medal_shape_changed_name: "메이플 아이돌스타",
          medal_shape_changed_icon: ICON_BASE + lettersOf("medal", 8),
          medal_shape_changed_description: "메이플 아이돌스타에게 주어지는 훈장이다.",
        }
      : null,
    dragon_equipment: c.cls.name === "에반" ? companionItems(c, r, quality) : [],
    mechanic_equipment: c.cls.name === "메카닉" ? companionItems(c, r, quality) : [],
  };
}

/** Equipped item names, for set effects. */
export const equippedNames = (c: Character, level: number): string[] => templates(c, level).map((t) => t.name);
