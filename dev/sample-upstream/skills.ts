import { ICON_BASE } from "./catalog";
import type { Character, Progress } from "./characters";
import { hash32, int, lettersOf, pickSome, rng } from "./random";

/** Skill sections: skills by grade, link skills, V matrix, HEXA matrix (bodies without `date`). */

const icon = (name: string) => ICON_BASE + lettersOf(`skill:${name}`, 8);

/** Character level a grade needs; 1.5 / 2.5 exist only for Dual Blades. */
const GRADE_LEVEL: Record<string, number> = { "0": 0, "1": 10, "1.5": 20, "2": 30, "2.5": 45, "3": 60, "4": 100, hyperpassive: 140, hyperactive: 140, "5": 200, "6": 260 };
const V_SKILLS = ["에르다 노바", "에르다 샤워", "로프 커넥트", "블링크", "쓸만한 샤프 아이즈", "쓸만한 하이퍼 바디"];

function skillNames(c: Character, grade: string): string[] {
  const sig = c.cls.signature;
  const w = c.cls.weapon;
  const table: Record<string, string[]> = {
    "0": ["연합의 의지", "여제의 축복", "정령의 축복"],
    "1": ["마스터리 베이직", "피지컬 트레이닝", "점프 어택"],
    "1.5": ["토네이도 스핀", "플래시 뱅"],
    "2": [`${w} 마스터리`, `${w} 액셀레이션`, "파이널 어택"],
    "2.5": ["블레이드 어센션", "블레이드 퓨리"],
    "3": ["익스퍼트 컨트롤", "어드밴스드 파이널 어택", "인레이지"],
    "4": [sig, `${w} 엑스퍼트`, "메이플 용사"],
    hyperpassive: [`${sig}-리인포스`, `${sig}-보스 킬러`, `${sig}-이그노어 가드`],
    hyperactive: [`${sig} 익스텐션`, "글로리 오브 가디언즈"],
    "5": V_SKILLS,
    "6": ["솔 야누스", "솔 야누스 : 새벽", `${sig} VI`, `${c.cls.name} 오리진`],
  };
  return table[grade] ?? [];
}

const MAX_LEVEL: Record<string, number> = { "5": 30, "6": 30, hyperpassive: 1, hyperactive: 1 };

function skillInfo(c: Character, grade: string, name: string, days: number) {
  const max = MAX_LEVEL[grade] ?? 20;
  const level = grade === "6" ? Math.min(max, 1 + (hash32(`${c.seed}:${name}`) % 10) + Math.floor(days / 30)) : max;
  const effect = (lv: number) => `MP ${10 + lv}% 소비, 최대 ${6 + (lv % 3)}명의 적을 ${100 + lv * 10}% 데미지로 ${2 + (lv % 4)}번 공격`;
  return {
    skill_name: name,
    skill_description: `${name}: ${c.cls.name}의 ${grade === "6" ? "HEXA" : grade}차 스킬이다.`,
    skill_level: level,
    skill_effect: effect(level),
    skill_effect_next: level < max ? effect(level + 1) : null,
    skill_icon: icon(name),
  };
}

/** A grade the character does not have: 200 with grade null and no skills. */
export function skillBody(c: Character, grade: string, p: Progress) {
  const has = p.level >= GRADE_LEVEL[grade]! && (!grade.includes(".") || c.cls.name === "듀얼블레이더");
  return {
    character_class: c.cls.name,
    character_skill_grade: has ? grade : null,
    character_skill: has ? skillNames(c, grade).map((name) => skillInfo(c, grade, name, p.days)) : [],
  };
}

const LINKS = ["시프 커닝", "인빈서블 빌리프", "임피리컬 널리지", "어드벤처러 큐리어스", "판단", "데몬스 퓨리", "와일드 레이지", "퍼미에이트", "하이브리드 로직", "전투의 흐름", "노블레스의 보호", "륀느의 축복", "자신감", "이네이트 기프트", "무아", "리듬 트랜스", "솔루스", "프라이어 프리퍼레이션"];

function linkInfo(name: string, level: number) {
  return {
    skill_name: name,
    skill_description: `[링크 스킬] ${name}의 효과를 얻는다.`,
    skill_level: level,
    skill_effect: `데미지 ${level * 3}% 증가`,
    skill_effect_next: level < 3 ? `데미지 ${(level + 1) * 3}% 증가` : null,
    skill_icon: icon(name),
  };
}

export function linkSkillBody(c: Character) {
  const r = rng(`links:${c.seed}`);
  const preset = () => pickSome(r, LINKS, 12).map((name) => linkInfo(name, int(r, 1, 3)));
  const presets = [preset(), preset(), preset()];
  const owned = linkInfo(LINKS[hash32(c.cls.name) % LINKS.length]!, 2);
  return {
    character_class: c.cls.name,
    character_link_skill: presets[0],
    character_link_skill_preset_1: presets[0],
    character_link_skill_preset_2: presets[1],
    character_link_skill_preset_3: presets[2],
    character_owned_link_skill: owned,
    character_owned_link_skill_preset_1: owned,
    character_owned_link_skill_preset_2: owned,
    character_owned_link_skill_preset_3: owned,
  };
}

export function vMatrixBody(c: Character, p: Progress) {
  if (p.level < 200) return { character_class: c.cls.name, character_v_core_equipment: [], character_v_matrix_remain_slot_upgrade_point: 0 };
  const r = rng(`vmatrix:${c.seed}`);
  const classSkills = [c.cls.signature, ...skillNames(c, "4").slice(1), ...skillNames(c, "3")];
  const cores = [
    ...[`${c.cls.signature} 익스플로전`, ...V_SKILLS.slice(0, 3)].map((name) => ({ name, type: "Skill", skills: [name, null, null] })),
    ...Array.from({ length: 4 }, (_, i) => {
      const skills = [classSkills[i % classSkills.length]!, classSkills[(i + 1) % classSkills.length]!, classSkills[(i + 2) % classSkills.length]!];
      return { name: skills[0]!, type: "Enhancement", skills };
    }),
    { name: "보스 킬링 머신", type: "Special", skills: ["보스 킬링 머신", null, null] },
  ];
  const slots = Math.min(cores.length, 6 + Math.floor((p.level - 200) / 5));
  const used = Math.min(p.level - 200, slots * 3);
  return {
    character_class: c.cls.name,
    character_v_core_equipment: cores.slice(0, slots).map((core, i) => ({
      slot_id: String(i),
      slot_level: Math.min(5, Math.floor(used / slots)),
      v_core_name: core.name,
      v_core_type: core.type,
      v_core_level: core.type === "Special" ? 1 : int(r, 15, 25),
      v_core_skill_1: core.skills[0]!,
      v_core_skill_2: core.skills[1] ?? null,
      v_core_skill_3: core.skills[2] ?? null,
    })),
    character_v_matrix_remain_slot_upgrade_point: p.level - 200 - used,
  };
}

const sixth = (p: Progress) => p.level >= 260;

export function hexaMatrixBody(c: Character, p: Progress) {
  if (!sixth(p)) return { character_hexa_core_equipment: [] };
  const grow = (name: string, cap: number) => Math.min(cap, 1 + (hash32(`${c.seed}:${name}`) % 8) + Math.floor(p.days / 25));
  const core = (name: string, type: string, linked: string[]) => ({
    hexa_core_name: name,
    hexa_core_level: grow(name, 30),
    hexa_core_type: type,
    linked_skill: linked.map((hexa_skill_id) => ({ hexa_skill_id })),
  });
  const sig = c.cls.signature;
  return {
    character_hexa_core_equipment: [
      core(`${c.cls.name} 오리진`, "스킬 코어", [`${c.cls.name} 오리진`]),
      core(`${sig} VI`, "마스터리 코어", [`${sig} VI`]),
      core(`${sig} 익스플로전 VI`, "강화 코어", [`${sig} 익스플로전 VI`]),
      core("솔 야누스", "공용 코어", ["솔 야누스", "솔 야누스 : 새벽"]),
    ],
  };
}

const HEXA_STATS = ["보스 데미지 증가", "크리티컬 데미지 증가", "방어율 무시 증가", "데미지 증가", "공격력 증가", "주력 스탯 증가"];

export function hexaStatBody(c: Character, p: Progress) {
  const core = (seed: string) => {
    const r = rng(`${seed}:${c.seed}`);
    const [main, sub1, sub2] = pickSome(r, HEXA_STATS, 3) as [string, string, string];
    const levels = [int(r, 3, 8), int(r, 1, 4), int(r, 1, 4)] as const;
    return [{ slot_id: "0", main_stat_name: main, sub_stat_name_1: sub1, sub_stat_name_2: sub2, main_stat_level: levels[0], sub_stat_level_1: levels[1], sub_stat_level_2: levels[2], stat_grade: levels[0] + levels[1] + levels[2] }];
  };
  const first = sixth(p) ? core("hexa-stat") : [];
  const second = sixth(p) && p.level >= 275 ? core("hexa-stat-2") : [];
  return {
    character_class: c.cls.name,
    character_hexa_stat_core: first,
    character_hexa_stat_core_2: second,
    character_hexa_stat_core_3: [],
    preset_hexa_stat_core: first,
    preset_hexa_stat_core_2: second,
    preset_hexa_stat_core_3: [],
  };
}
