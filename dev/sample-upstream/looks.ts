import { ICON_BASE } from "./catalog";
import type { Character } from "./characters";
import { int, lettersOf, pick, pickSome, rng, type Rng } from "./random";

/** Appearance sections: cash items, beauty, android, pets (bodies without `date`). */

const icon = (seed: string) => ICON_BASE + lettersOf(seed, 8);

const CASH_ITEMS: [string, string[]][] = [
  ["모자", ["꽃사슴 모자", "리본 베레모", "별빛 고깔모자"]],
  ["얼굴장식", ["하트 볼터치", "수줍은 주근깨"]],
  ["눈장식", ["동글 안경", "별빛 렌즈 안경"]],
  ["상의", ["포근한 니트", "단풍잎 셔츠"]],
  ["하의", ["체크 스커트", "데님 팬츠"]],
  ["신발", ["하늘 운동화", "리본 구두"]],
  ["장갑", ["털실 장갑", "하얀 레이스 장갑"]],
  ["망토", ["요정 날개", "단풍 망토"]],
  ["무기", ["우산 무기", "별사탕 지팡이"]],
];
const LABELS = [null, null, "스페셜라벨", "레드라벨", "블랙라벨"];

function cashItem(r: Rng, part: string, name: string, genderField: "item_gender" | "android_item_gender", gender: string) {
  const prism = r() < 0.3 ? { color_range: "전체 색상계열", hue: int(r, 0, 359), saturation: int(r, -99, 99), value: int(r, -99, 99) } : null;
  const common = {
    cash_item_equipment_part: part,
    cash_item_equipment_slot: part,
    cash_item_name: name,
    cash_item_icon: icon(`cash:${name}`),
    cash_item_description: null,
    cash_item_option: [] as { option_type: string; option_value: string }[],
    date_expire: null,
    date_option_expire: null,
    cash_item_label: pick(r, LABELS),
    cash_item_coloring_prism: prism,
  };
  return genderField === "item_gender"
    ? { ...common, cash_item_effect_prism: null, item_gender: null, skills: [] as string[], freestyle_flag: "0", emotion_name: null }
    : { ...common, android_item_gender: gender, freestyle_flag: "0" };
}

const outfit = (c: Character, seed: string) => {
  const r = rng(seed);
  return CASH_ITEMS.filter(() => r() < 0.85).map(([part, names]) => cashItem(r, part, pick(r, names), "item_gender", c.gender));
};

/** Zero and Angelic Buster have a second look (additional_*). */
const hasSecondLook = (c: Character) => c.cls.name === "제로" || c.cls.name === "엔젤릭버스터";

export function cashItemBody(c: Character) {
  const base = outfit(c, `cash:${c.seed}`);
  const second = hasSecondLook(c) ? outfit(c, `cash2:${c.seed}`) : [];
  return {
    character_gender: c.gender,
    character_class: c.cls.name,
    character_look_mode: "0",
    preset_no: 1,
    cash_item_equipment_base: base,
    cash_item_equipment_preset_1: base,
    cash_item_equipment_preset_2: outfit(c, `cash-preset:${c.seed}`),
    cash_item_equipment_preset_3: [],
    additional_cash_item_equipment_base: second,
    additional_cash_item_equipment_preset_1: second,
    additional_cash_item_equipment_preset_2: [],
    additional_cash_item_equipment_preset_3: [],
  };
}

const COLORS = ["검은색", "빨간색", "주황색", "노란색", "초록색", "파란색", "보라색", "갈색"];
const HAIRS = ["미스티크 헤어", "새침 헤어", "레트로 웨이브 헤어", "바람결 헤어"];
const FACES = ["초롱 얼굴", "새침한 얼굴", "반짝 눈망울 얼굴", "졸린 얼굴"];
const SKINS = ["뽀얀 피부", "하얀 피부", "백옥 피부", "황혼 피부"];

function beauty(r: Rng) {
  const hairColor = pick(r, COLORS);
  const faceColor = pick(r, COLORS);
  const mix = r() < 0.3 ? pick(r, COLORS) : null;
  return {
    hair: { hair_name: `${hairColor} ${pick(r, HAIRS)}`, base_color: hairColor, mix_color: mix, mix_rate: mix ? String(int(r, 1, 99)) : "0", freestyle_flag: "0" },
    face: { face_name: `${faceColor} ${pick(r, FACES)}`, base_color: faceColor, mix_color: null, mix_rate: "0", freestyle_flag: "0" },
    skin: { skin_name: pick(r, SKINS), color_style: null, hue: null, saturation: null, brightness: null },
  };
}

export function beautyBody(c: Character) {
  const look = beauty(rng(`beauty:${c.seed}`));
  const second = hasSecondLook(c) ? beauty(rng(`beauty2:${c.seed}`)) : null;
  return {
    character_gender: c.gender,
    character_class: c.cls.name,
    character_hair: look.hair,
    character_face: look.face,
    character_skin: look.skin,
    additional_character_hair: second?.hair ?? null,
    additional_character_face: second?.face ?? null,
    additional_character_skin: second?.skin ?? null,
  };
}

const ANDROIDS = ["퓨어 안드로이드", "하이브리드 안드로이드", "여성형 안드로이드", "남성형 안드로이드"];

/** A character without an android answers with every field null (an empty body). */
export function androidBody(c: Character) {
  const r = rng(`android:${c.seed}`);
  const name = pick(r, ANDROIDS);
  const gender = name.startsWith("남성") ? "남" : "여";
  const look = beauty(r);
  const grade = pick(r, ["B", "A", "S"]);
  const preset = {
    android_name: name,
    android_nickname: `${c.name}의 친구`.slice(0, 12),
    android_icon: icon(`android:${name}`),
    android_description: "주인을 따라다니며 도와주는 안드로이드.",
    android_gender: gender,
    android_grade: grade,
    android_hair: look.hair,
    android_face: look.face,
    android_skin: look.skin,
    android_ear_sensor_clip_flag: "0",
    android_non_humanoid_flag: "0",
    android_shop_usable_flag: grade === "S" ? "1" : "0",
  };
  return {
    android_name: preset.android_name,
    android_nickname: preset.android_nickname,
    android_icon: preset.android_icon,
    android_description: preset.android_description,
    android_hair: look.hair,
    android_face: look.face,
    android_skin: look.skin,
    android_cash_item_equipment: pickSome(r, CASH_ITEMS, int(r, 1, 3)).map(([part, names]) => cashItem(r, part, pick(r, names), "android_item_gender", gender)),
    android_ear_sensor_clip_flag: "0",
    android_gender: gender,
    android_grade: grade,
    android_non_humanoid_flag: "0",
    android_shop_usable_flag: preset.android_shop_usable_flag,
    preset_no: 1,
    android_preset_1: preset,
    android_preset_2: null,
    android_preset_3: null,
  };
}

const PETS = ["루나 쁘띠 미니 예티", "루나 쁘띠 핑크빈", "루나 쁘띠 슬라임", "원더 블랙 고양이", "원더 블랙 강아지"];
const PET_SKILLS = ["아이템 줍기", "이동반경 확대", "자동 줍기", "아이템 줍기 무시", "버프 자동 사용"];

export function petBody(c: Character) {
  const r = rng(`pets:${c.seed}`);
  const count = Math.min(3, 1 + Math.floor(c.power / 2));
  const body: Record<string, unknown> = {};
  for (let n = 1; n <= 3; n++) {
    const has = n <= count;
    const name = pick(r, PETS);
    const k = `pet_${n}_`;
    body[`${k}name`] = has ? name : null;
    body[`${k}nickname`] = has ? name.replace("루나 쁘띠 ", "") : null;
    body[`${k}icon`] = has ? icon(`pet:${name}`) : null;
    body[`${k}description`] = has ? "주인과 함께 모험하는 펫이다." : null;
    body[`${k}equipment`] = has
      ? {
          item_name: "루나 쁘띠 전용 장비",
          item_icon: icon("pet-equip"),
          item_description: null,
          item_option: [{ option_type: "공격력", option_value: String(int(r, 20, 40)) }, { option_type: "마력", option_value: String(int(r, 20, 40)) }],
          scroll_upgrade: 9,
          scroll_upgradable: 0,
          item_shape: null,
          item_shape_icon: null,
        }
      : null;
    body[`${k}auto_skill`] = has ? { skill_1: "HP 물약 자동 사용", skill_1_icon: icon("auto-hp"), skill_2: null, skill_2_icon: null } : null;
    body[`${k}pet_type`] = has ? name.split(" ").slice(0, 2).join(" ") : null;
    body[`${k}skill`] = has ? PET_SKILLS.slice(0, int(r, 2, 5)) : [];
    body[`${k}date_expire`] = null;
    body[`${k}appearance`] = has ? name : null;
    body[`${k}appearance_icon`] = has ? icon(`pet:${name}`) : null;
  }
  return body;
}
