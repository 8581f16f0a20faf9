import { ICON_BASE, STAT_KO, gearStats } from "./catalog";
import {
  companionsOf,
  existsOn,
  guildMemberIndexes,
  populationCharacter,
  samplesInGuild,
  POPULATION,
  type Character,
  type Progress,
} from "./characters";
import { addDays } from "../../src/lib/calendar";
import { dayIndex, zoneOf } from "./dates";
import type { Guild } from "./guilds";
import { hash32, int, lettersOf, pickSome, rng } from "./random";

/** Union sections and the guild body (bodies without `date`). */

const TIERS: [string, number, number][] = [["노비스", 0, 300], ["베테랑", 1500, 300], ["마스터", 3000, 500], ["그랜드 마스터", 5500, 500], ["슈프림", 8000, 600]];

export const unionLevelOn = (c: Character, p: Progress): number => Math.min(11000, c.unionLevel + Math.floor(p.days * 0.8));

export function unionGrade(level: number): string {
  const [name, start, step] = [...TIERS].reverse().find(([, from]) => level >= from)!;
  return `${name} 유니온 ${Math.min(5, 1 + Math.floor((level - start) / step))}`;
}

export function unionBody(c: Character, p: Progress) {
  const level = unionLevelOn(c, p);
  const artifactLevel = Math.min(60, 1 + Math.floor(level / 200));
  return {
    union_level: level,
    union_grade: unionGrade(level),
    union_artifact_level: artifactLevel,
    union_artifact_exp: (hash32(`artifact-exp:${c.seed}`) % 50000) + p.days * 30,
    union_artifact_point: artifactLevel * 150 + p.days * 5,
  };
}

const FAMILY_BLOCK = ["전사", "마법사", "궁수", "도적", "해적"];
const INNER = ["유니온 STR", "유니온 DEX", "유니온 INT", "유니온 LUK", "유니온 공격력", "유니온 마력", "유니온 최대 HP", "유니온 크리티컬 데미지", "유니온 보스 몬스터 공격 시 데미지", "유니온 방어율 무시", "유니온 버프 지속시간", "유니온 크리티컬 확률"];

function raiderPreset(c: Character, level: number, seed: string) {
  const r = rng(seed);
  const count = Math.min(42, Math.floor(level / 220));
  const members = Array.from({ length: count }, (_, k) => populationCharacter((hash32(`${seed}:${k}`) % POPULATION) >>> 0));
  const union_block = members.map((m, k) => {
    const cells = m.start >= 250 ? 5 : m.start >= 200 ? 4 : 3;
    const x = -11 + 6 * Math.floor(k / 20);
    const y = -10 + (k % 20);
    return {
      block_type: m.cls.stat === "ALL" ? "하이브리드" : FAMILY_BLOCK[m.cls.family]!,
      block_class: m.cls.name,
      block_level: String(Math.floor(m.start)),
      block_control_point: { x, y },
      block_position: Array.from({ length: cells }, (_, i) => ({ x: x + i, y })),
    };
  });
  const statOf = (m: Character) => gearStats(m.cls)[0]!;
  return {
    union_raider_stat: [...new Set(members.map((m) => `${statOf(m)} ${m.start >= 250 ? 100 : 80} 증가`))],
    union_occupied_stat: [`크리티컬 데미지 ${(int(r, 20, 40) / 2).toFixed(2)}% 증가`, `보스 몬스터 공격 시 데미지 ${int(r, 10, 40)}% 증가`, `방어율 무시 ${int(r, 10, 40)}% 증가`, `${STAT_KO[gearStats(c.cls)[0]!] ?? "HP"} ${int(r, 5, 40)} 증가`],
    union_inner_stat: pickSome(r, INNER, 8).map((stat_field_effect, i) => ({ stat_field_id: String(i), stat_field_effect })),
    union_block,
  };
}

export function unionRaiderBody(c: Character, p: Progress) {
  const level = unionLevelOn(c, p);
  const current = raiderPreset(c, level, `raider:${c.seed}`);
  const empty = { union_raider_stat: [], union_occupied_stat: [], union_inner_stat: [], union_block: [] };
  return {
    ...current,
    use_preset_no: 1,
    union_raider_preset_1: current,
    union_raider_preset_2: raiderPreset(c, level, `raider2:${c.seed}`),
    union_raider_preset_3: empty,
    union_raider_preset_4: empty,
    union_raider_preset_5: empty,
  };
}

const ARTIFACT_EFFECTS = ["올스탯 {15} 증가", "최대 HP/MP {150} 증가", "공격력 {3}, 마력 {3} 증가", "데미지 {1.5}% 증가", "보스 몬스터 공격 시 데미지 {1.5}% 증가", "몬스터 방어율 무시 {2}% 증가", "버프 지속시간 {2}% 증가", "메소 획득량 {1.2}% 증가", "아이템 드롭률 {1.2}% 증가", "크리티컬 확률 {2}% 증가", "크리티컬 데미지 {0.4}% 증가", "추가 경험치 획득 {1.2}% 증가"];
const CRYSTALS = ["주황버섯", "슬라임", "뿔버섯", "스텀프", "예티", "발록", "자쿰", "핑크빈", "파풀라투스"];

const effectText = (template: string, level: number) =>
  template.replace(/\{([\d.]+)\}/g, (_, unit: string) => String(Math.round(Number(unit) * level * 100) / 100));

export function unionArtifactBody(c: Character, day: string, p: Progress) {
  const r = rng(`artifact:${c.seed}`);
  const level = unionLevelOn(c, p);
  const crystals = Math.min(9, 1 + Math.floor(level / 1000));
  const effects = pickSome(r, ARTIFACT_EFFECTS, 10);
  return {
    union_artifact_effect: effects.map((name) => ({ name: effectText(name, Math.min(10, 1 + Math.floor(level / 1000))), level: Math.min(10, 1 + Math.floor(level / 1000)) })),
    union_artifact_crystal: CRYSTALS.slice(0, crystals).map((monster, i) => ({
      name: `크리스탈 : ${monster}`,
      validity_flag: "0",
      date_expire: `${addDays(day, 20 + i)}T${String(int(r, 0, 23)).padStart(2, "0")}:00${zoneOf(c.region)}`,
      level: Math.min(5, 1 + Math.floor(p.days / 90) + (i % 2)),
      crystal_option_name_1: effectText(effects[i % effects.length]!, 1).replace(/ [\d.]+%? ?/, " "),
      crystal_option_name_2: effectText(effects[(i + 1) % effects.length]!, 1).replace(/ [\d.]+%? ?/, " "),
      crystal_option_name_3: effectText(effects[(i + 2) % effects.length]!, 1).replace(/ [\d.]+%? ?/, " "),
    })),
    union_artifact_remain_ap: int(r, 0, 10),
  };
}

const CHAMPION_GRADES = ["C", "B", "A", "S", "SS", "SSS"];
const BADGES = ["올스탯 20 증가", "공격력 10 증가", "마력 10 증가", "보스 몬스터 공격 시 데미지 3% 증가", "방어율 무시 3% 증가", "최대 HP 5% 증가", "크리티컬 데미지 2% 증가"];

export function unionChampionBody(c: Character, p: Progress) {
  const r = rng(`champion:${c.seed}`);
  const count = Math.min(6, 1 + Math.floor(unionLevelOn(c, p) / 1800));
  const champions = [c, ...companionsOf(c, count - 1)];
  const union_champion = champions.map((m, i) => {
    const grade = Math.min(5, int(r, 1, 3) + Math.floor(p.days / 200));
    return {
      champion_name: m.name,
      champion_slot: i + 1,
      champion_grade: CHAMPION_GRADES[grade]!,
      champion_class: m.cls.name,
      champion_badge_info: BADGES.slice(0, grade).map((stat) => ({ stat })),
    };
  });
  const total = new Map<string, number>();
  for (const champion of union_champion) for (const { stat } of champion.champion_badge_info) total.set(stat, (total.get(stat) ?? 0) + 1);
  return {
    union_champion,
    champion_badge_total_info: [...total].map(([stat, times]) => ({ stat: stat.replace(/\d+/, (n) => String(Number(n) * times)) })),
  };
}

/** Guild members on a day: the sample members first (the first is the master); only KMS has generated members. */
export function guildMembersOn(g: Guild, day: string): Character[] {
  const generated = g.region === "kms" ? guildMemberIndexes(g.index).map(populationCharacter) : [];
  return [...samplesInGuild(g), ...generated].filter((m) => existsOn(m, day));
}

const GUILD_SKILLS = ["길드의 이름으로", "단결력", "잔재주", "장사 기술", "위기 극복", "보스 사냥꾼", "찬스 획득", "방어 태세"];
const NOBLESSE_SKILLS = ["보스전 각오", "방어율 무시 강화", "치명적인 일격", "풍요의 시대"];

const guildSkill = (name: string, level: number) => ({
  skill_name: name,
  skill_description: `${name}: 길드원 모두에게 도움이 되는 길드 스킬이다.`,
  skill_level: level,
  skill_effect: `[레벨 ${level}] 효과 ${level * 2}% 증가`,
  skill_icon: ICON_BASE + lettersOf(`guild-skill:${name}`, 8),
});

/** guild/basic on a day; a guild none of whose members existed yet has no data. */
export function guildBody(g: Guild, day: string) {
  const members = guildMembersOn(g, day);
  const r = rng(`guild:${g.key}`);
  const days = Math.max(0, dayIndex(day, g.region));
  return {
    world_name: g.world,
    guild_name: g.name,
    guild_level: Math.min(30, int(r, 15, 25) + Math.floor(days / 120)),
    guild_fame: int(r, 100000, 900000) + days * 900,
    guild_point: int(r, 10000, 90000) + days * 150,
    guild_master_name: members[0]?.name ?? "",
    guild_member_count: members.length,
    guild_member: members.map((m) => m.name),
    guild_skill: GUILD_SKILLS.map((name) => guildSkill(name, int(r, 1, 5))),
    guild_noblesse_skill: pickSome(r, NOBLESSE_SKILLS, 3).map((name) => guildSkill(name, int(r, 1, 15))),
  };
}

/** Weekly fame, flag race and waterway scores for the guild ranking. */
export function guildScores(g: Guild, day: string): [number, number, number] {
  const r = rng(`guild-score:${g.index}:${day}`);
  return [int(r, 100000, 3000000), int(r, 0, 30000), int(r, 0, 5000000)];
}

export const guildMark = (g: Guild): string => (g.index % 3 === 0 ? "" : `${ICON_BASE}${lettersOf(`mark:${g.index}`, 8)}`);

