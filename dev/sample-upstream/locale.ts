import { REGIONS, type RegionId } from "../../src/upstream/regions";
import { CLASSES } from "./catalog";

/**
 * How an MSEA or TMS answer differs from the KMS one the generators write
 * (nexon-regions.md §3): game text in the region's language, static files under
 * the region's path, and a few fields those regions' bodies lack. Only the names
 * that label things are translated (classes, job groups, genders, stat names);
 * longer generated texts (item, skill and set descriptions) stay as they are:
 * this is a sample, not a localisation.
 */
type Foreign = Exclude<RegionId, "kms">;

/** Class names in CLASSES order (catalog.ts): MSEA's English, TMS's Traditional Chinese. */
const CLASS_NAMES: Record<Foreign, string> = {
  msea:
    "Hero;Paladin;Dark Knight;Arch Mage (F/P);Arch Mage (I/L);Bishop;Bowmaster;Marksman;Pathfinder;Night Lord;Shadower;Dual Blade;" +
    "Buccaneer;Corsair;Cannoneer;Dawn Warrior;Blaze Wizard;Wind Archer;Night Walker;Thunder Breaker;Mihile;" +
    "Battle Mage;Wild Hunter;Mechanic;Demon Slayer;Demon Avenger;Xenon;Blaster;Aran;Evan;Mercedes;" +
    "Phantom;Luminous;Kaiser;Angelic Buster;Shade;Cadena;Illium;Ark;Hoyoung;Adele;Kain;Lara;Khali;Zero;Kinesis",
  tms:
    "英雄;聖騎士;黑騎士;大魔導士（火、毒）;大魔導士（冰、雷）;主教;箭神;神射手;開拓者;夜使者;暗影神偷;影武者;" +
    "拳霸;槍神;重砲指揮官;聖魂劍士;烈焰巫師;破風使者;暗夜行者;閃雷悍將;米哈逸;" +
    "煉獄巫師;狂豹獵人;機甲戰神;惡魔殺手;惡魔復仇者;傑諾;爆拳槍神;狂狼勇士;龍魔導士;精靈遊俠;" +
    "幻影俠盜;夜光;凱撒;天使破壞者;隱月;卡蒂娜;伊利恩;亞克;虎影;阿戴爾;凱殷;菈菈;卡莉;神之子;凱內西斯",
};

/** The translation columns of LABELS, after KMS's. */
const COLUMNS: readonly Foreign[] = ["msea", "tms"];

/** Other labels: [KMS, MSEA, TMS]. STR, DEX, INT, LUK, HP and MP read the same everywhere. */
const LABELS: string[][] = [
  // character_gender, android_gender
  ["남", "Male", "男"],
  ["여", "Female", "女"],
  // union block types (MSEA's are documented: Warrior … Hybrid)
  ["전사", "Warrior", "劍士"],
  ["마법사", "Magician", "法師"],
  ["궁수", "Bowman", "弓箭手"],
  ["도적", "Thief", "盜賊"],
  ["해적", "Pirate", "海盜"],
  ["하이브리드", "Hybrid", "混合"],
  // final_stat names, in the order statBody writes them (the regions keep KMS's order)
  ["최소 스탯공격력", "Minimum stat attack power", "最低屬性攻擊力"],
  ["최대 스탯공격력", "Maximum stat attack power", "最高屬性攻擊力"],
  ["데미지", "Damage", "傷害"],
  ["보스 몬스터 데미지", "Boss Monster Damage", "BOSS怪物傷害"],
  ["최종 데미지", "Final Damage", "最終傷害"],
  ["방어율 무시", "Ignore Enemy DEF", "無視防禦率"],
  ["크리티컬 확률", "Critical Rate", "爆擊機率"],
  ["크리티컬 데미지", "Critical Damage", "爆擊傷害"],
  ["상태이상 내성", "Abnormal Status Resistance", "異常狀態耐性"],
  ["스탠스", "Stance", "穩如泰山"],
  ["방어력", "DEF", "防禦力"],
  ["이동속도", "Speed", "移動速度"],
  ["점프력", "Jump", "跳躍力"],
  ["스타포스", "Star Force", "星力"],
  ["아케인포스", "Arcane Power", "神秘力量"],
  ["어센틱포스", "Sacred Power", "真實力量"],
  ["AP 배분 STR", "AP Assigned STR", "AP配點 STR"],
  ["AP 배분 DEX", "AP Assigned DEX", "AP配點 DEX"],
  ["AP 배분 INT", "AP Assigned INT", "AP配點 INT"],
  ["AP 배분 LUK", "AP Assigned LUK", "AP配點 LUK"],
  ["AP 배분 HP", "AP Assigned HP", "AP配點 HP"],
  ["AP 배분 MP", "AP Assigned MP", "AP配點 MP"],
  ["아이템 드롭률", "Item Drop Rate", "道具掉落率"],
  ["메소 획득량", "Mesos Obtained", "楓幣獲得量"],
  ["버프 지속시간", "Buff Duration", "增益持續時間"],
  ["공격 속도", "Attack Speed", "攻擊速度"],
  ["일반 몬스터 데미지", "Normal Monster Damage", "一般怪物傷害"],
  ["재사용 대기시간 감소 (초)", "Cooldown Reduction (sec)", "冷卻時間減少（秒）"],
  ["재사용 대기시간 감소 (%)", "Cooldown Reduction (%)", "冷卻時間減少（%）"],
  ["재사용 대기시간 미적용", "Cooldown Skip", "無視冷卻時間"],
  ["속성 내성 무시", "Ignore Elemental Resistance", "無視屬性耐性"],
  ["상태이상 추가 데미지", "Abnormal Status Bonus Damage", "異常狀態追加傷害"],
  ["무기 숙련도", "Weapon Mastery", "武器熟練度"],
  ["추가 경험치 획득", "Bonus EXP", "額外經驗值獲得"],
  ["공격력", "Attack Power", "攻擊力"],
  ["마력", "Magic Attack", "魔法攻擊力"],
  ["전투력", REGIONS.msea.combatPowerStat, REGIONS.tms.combatPowerStat],
  ["소환수 지속시간 증가", "Summon Duration", "召喚獸持續時間增加"],
];

function glossary(region: Foreign): ReadonlyMap<string, string> {
  const classes = CLASS_NAMES[region].split(";");
  if (classes.length !== CLASSES.length) throw new Error(`sample upstream: ${region} needs ${CLASSES.length} class names, has ${classes.length}`);
  const column = 1 + COLUMNS.indexOf(region);
  if (column === 0 || LABELS.some((row) => row.length !== 1 + COLUMNS.length)) throw new Error(`sample upstream: LABELS needs a ${region} column`);
  return new Map([...CLASSES.map((c, i): [string, string] => [c.name, classes[i]!]), ...LABELS.map((row): [string, string] => [row[0]!, row[column]!])]);
}

const GLOSSARIES: Record<Foreign, ReadonlyMap<string, string>> = { msea: glossary("msea"), tms: glossary("tms") };

/** One label (class name, gender, stat name) as `region` writes it; unknown text is returned as is. */
export const termIn = (text: string, region: RegionId): string => (region === "kms" ? text : (GLOSSARIES[region].get(text) ?? text));

/** Fields the SDK's MSEA/TMS types lack (cash items' effect prism and emotion, symbols' other effect). */
const ABSENT_OUTSIDE_KMS = new Set(["cash_item_effect_prism", "emotion_name", "symbol_other_effect_description"]);

const KMS_STATIC = "https://open.api.nexon.com/static/maplestory/";

/**
 * A generated body as `region` answers it: labels translated (whole string values
 * only), static URLs under the region's path, the fields it lacks left out. KMS
 * bodies are returned untouched.
 */
export function localise<T>(body: T, region: RegionId): T {
  if (region === "kms") return body;
  const words = GLOSSARIES[region];
  const statics = `https://open.api.nexon.com/static/${REGIONS[region].service}/`;
  const walk = (value: unknown): unknown => {
    if (typeof value === "string") return value.startsWith(KMS_STATIC) ? statics + value.slice(KMS_STATIC.length) : (words.get(value) ?? value);
    if (Array.isArray(value)) return value.map(walk);
    if (typeof value !== "object" || value === null) return value;
    return Object.fromEntries(Object.entries(value).filter(([key]) => !ABSENT_OUTSIDE_KMS.has(key)).map(([key, v]) => [key, walk(v)]));
  };
  return walk(body) as T;
}
