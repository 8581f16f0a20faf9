import { RANKING_CLASSES, WORLD_NAMES } from "../../src/upstream/game-data";

/** Game vocabulary the sample characters are built from. */

export const WORLDS: readonly string[] = WORLD_NAMES;
/** world_type 1 of the ranking filters. */
export const SPECIAL_WORLDS = ["에오스", "헬리오스"];

export const isWorld = (name: string): boolean => WORLDS.includes(name);

export interface ClassInfo {
  /** character_class, e.g. 히어로. */
  name: string;
  /** Ranking job group, e.g. 전사; the class itself for single-job groups. */
  group: string;
  /** True when the group has several jobs (ranking sub_class_name is then the job). */
  multi: boolean;
  /** STR, DEX, INT, LUK, HP (Demon Avenger) or ALL (Xenon). */
  stat: string;
  /** Armour family: 0 warrior, 1 magician, 2 archer, 3 thief, 4 pirate. */
  family: number;
  /** item_equipment_part of the weapon, e.g. 두손검. */
  weapon: string;
  /** Weapon item name after "제네시스 ". */
  weaponItem: string;
  /** The class's best-known attack, reused for skills, cores and link names. */
  signature: string;
  gender?: "남" | "여";
}

// class/group (empty: single-job group)/stat/family/weapon/weapon item/signature skill/gender lock
const CLASS_TABLE =
  "히어로/전사/STR/0/두손검/투핸드소드/레이징 블로우;팔라딘/전사/STR/0/한손둔기/햄머/블래스트;다크나이트/전사/STR/0/창/스피어/궁그닐 디센트;" +
  "아크메이지(불,독)/마법사/INT/1/스태프/스태프/플레임 스윕;아크메이지(썬,콜)/마법사/INT/1/스태프/스태프/체인 라이트닝;비숍/마법사/INT/1/완드/원드/엔젤레이;" +
  "보우마스터/궁수/DEX/2/활/보우/폭풍의 시;신궁/궁수/DEX/2/석궁/크로스보우/스나이핑;패스파인더/궁수/DEX/2/에인션트 보우/에인션트 보우/카디널 디스차지;" +
  "나이트로드/도적/LUK/3/아대/가즈/쿼드러플 스로우;섀도어/도적/LUK/3/단검/다거/암살;듀얼블레이더/도적/LUK/3/단검/다거/팬텀 블로우;" +
  "바이퍼/해적/STR/4/너클/너클/씨 서펜트;캡틴/해적/DEX/4/건/피스톨/래피드 파이어;캐논마스터/해적/STR/4/핸드캐논/시즈 건/캐논 버스터;" +
  "소울마스터/기사단/STR/0/두손검/투핸드소드/댄스 오브 문;플레임위자드/기사단/INT/1/스태프/스태프/오비탈 플레임;윈드브레이커/기사단/DEX/2/활/보우/천공의 노래;" +
  "나이트워커/기사단/LUK/3/아대/가즈/퀸터플 스로우;스트라이커/기사단/STR/4/너클/너클/태풍;미하일/기사단/STR/0/한손검/세이버/로얄 가드;" +
  "배틀메이지/레지스탕스/INT/1/스태프/스태프/피니쉬 블로우;와일드헌터/레지스탕스/DEX/2/석궁/크로스보우/와일드 발칸;메카닉/레지스탕스/DEX/4/건/피스톨/매시브 파이어;" +
  "데몬슬레이어/레지스탕스/STR/0/한손둔기/햄머/데몬 임팩트;데몬어벤져/레지스탕스/HP/0/데스페라도/데스페라도/익시드 엑스큐션;" +
  "제논/레지스탕스/ALL/4/에너지소드/에너지체인/퍼지롱;블래스터/레지스탕스/STR/0/건틀렛 리볼버/리볼빙 블래스터/매그넘 펀치;" +
  "아란//STR/0/폴암/폴암/비욘더;에반//INT/1/완드/원드/드래곤 브레스;메르세데스//DEX/2/듀얼 보우건/듀얼 보우건/이슈타르의 링/여;" +
  "팬텀//LUK/3/케인/케인/템페스트 오브 카드/남;루미너스//INT/1/샤이닝 로드/샤이닝 로드/앱솔루트 킬/남;카이저//STR/0/두손검/투핸드소드/기가 슬래셔/남;" +
  "엔젤릭버스터//DEX/4/소울 슈터/소울 슈터/트리니티/여;은월//STR/4/너클/너클/귀참/남;카데나//LUK/3/체인/체인/체인아츠 퓨리/여;" +
  "일리움//INT/1/매직 건틀렛/매직 건틀렛/크리스탈 이그니션/남;아크//STR/4/너클/너클/스펙터 오브 비욘드/남;호영//LUK/3/부채/부채/여의선 인/남;" +
  "아델//STR/0/튜너/튜너/디바이드/남;카인//DEX/2/브레스 슈터/브레스 슈터/스트라이크 애로우/남;라라//INT/1/장병/장병/분출/여;" +
  "칼리//LUK/3/차크람/차크람/헥스 차크람 스윕/여;제로/초월자/STR/0/태도/라즐리/문 스트라이크;키네시스/프렌즈 월드/INT/1/ESP 리미터/ESP 리미터/싸이킥 그랩";

export const CLASSES: readonly ClassInfo[] = CLASS_TABLE.split(";").map((row) => {
  const [name, group, stat, family, weapon, weaponItem, signature, gender] = row.split("/") as [string, string, string, string, string, string, string, string?];
  return {
    name,
    group: group || name,
    multi: group !== "",
    stat,
    family: Number(family),
    weapon,
    weaponItem,
    signature,
    ...(gender ? { gender: gender as "남" | "여" } : {}),
  };
});

export function classNamed(name: string): ClassInfo {
  const found = CLASSES.find((c) => c.name === name);
  if (!found) throw new Error(`sample class ${name} is not in the table`);
  return found;
}

export const isRankingClass = (filter: string): boolean => (RANKING_CLASSES as readonly string[]).includes(filter);

/** Whether a character of `cls` is in a ranking `class` filter ("group-job" or "group-전체 전직"). */
export function inRankingClass(cls: ClassInfo, filter: string): boolean {
  const at = filter.indexOf("-");
  const group = filter.slice(0, at);
  const job = filter.slice(at + 1);
  return cls.group === group && (job === "전체 전직" || job === cls.name);
}

/** Ranking rows name the group and, for multi-job groups, the job. */
export const rankingClassNames = (cls: ClassInfo) => ({ class_name: cls.group, sub_class_name: cls.multi ? cls.name : "" });

/** Main-stat names as the game writes them in stat_type / options. */
export const STAT_KO: Record<string, string> = { STR: "힘", DEX: "민첩성", INT: "지력", LUK: "운", HP: "HP" };

/** The stats a class's gear rolls: Xenon rolls all three of STR/DEX/LUK. */
export const gearStats = (cls: ClassInfo): string[] => (cls.stat === "ALL" ? ["STR", "DEX", "LUK"] : cls.stat === "HP" ? ["HP"] : [cls.stat]);

export const ICON_BASE = "https://open.api.nexon.com/static/maplestory/item/icon/";
