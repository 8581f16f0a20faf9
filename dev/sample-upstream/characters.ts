import { addDays, daysBetween } from "../../src/lib/calendar";
import { REGIONS, type RegionId } from "../../src/upstream/regions";
import { CLASSES, WORLDS, classNamed, type ClassInfo } from "./catalog";
import { CHARACTER_START, REGION_START } from "./dates";
import { GUILD_COUNT, guildAt, type Guild } from "./guilds";
import { decodeId, encodeId } from "./ids";
import { termIn } from "./locale";
import { hash32, int, lettersOf, pick, rng } from "./random";

/**
 * Every character the sample upstream knows: in KMS a few documented sample
 * characters plus a generated population (ranking rows, guild members, key-owned
 * accounts); in MSEA and TMS a few sample characters of their own. All are
 * answerable through /id and every character endpoint of their region, and only
 * there: each region is its own game.
 */
export interface Character {
  region: RegionId;
  ocid: string;
  name: string;
  world: string;
  /** The class (KMS names; a region's answers translate it, locale.ts). */
  cls: ClassInfo;
  gender: "남" | "여";
  /** Day of creation in the region's clock; no data before it. */
  created: string;
  /** Index of the region's guild (guilds.ts), or none. */
  guild: number | null;
  seed: string;
  /** Level progress start + span·(1 − e^(−t/τ)), t = days since creation or the region's first day (REGION_START). */
  start: number;
  span: number;
  tau: number;
  /** Scales combat power. */
  power: number;
  popularity: number;
  android: boolean;
  ringExchange: boolean;
  liberation: string;
  unionLevel: number;
}

export interface SampleCharacter {
  character_name: string;
  ocid: string;
  world_name: string;
  character_class: string;
  /** 남/여 in KMS, Male/Female in MSEA, 男/女 in TMS. */
  character_gender: string;
  character_guild_name: string | null;
  /** First day with data (the region's clock); earlier dates answer with an empty body. */
  date_create: string;
  has_android: boolean;
  has_ring_exchange: boolean;
}

type SampleSeed = Omit<Character, "cls" | "seed" | "region"> & { cls: string };

const SAMPLE_SEEDS: SampleSeed[] = [
  { ocid: "5f3a8c2e9b1d4f60a7c3e8b2d9f1a4c6", name: "메이플소녀", world: "스카니아", cls: "비숍", gender: "여", created: "2019-03-14", guild: 0, start: 262.4, span: 30, tau: 2600, power: 6.2, popularity: 1204, android: true, ringExchange: true, liberation: "1", unionLevel: 8420 },
  { ocid: "c81e4a7f02b95d3e6a4f1c8d7b2e9a05", name: "SampleHero", world: "스카니아", cls: "히어로", gender: "남", created: "2016-08-20", guild: 0, start: 271.3, span: 24, tau: 3000, power: 7.1, popularity: 543, android: true, ringExchange: true, liberation: "2", unionLevel: 9105 },
  { ocid: "3b9d7e1f6a2c4e8b0d5f7a9c1e3b6d80", name: "새벽별", world: "루나", cls: "나이트로드", gender: "남", created: "2024-06-01", guild: null, start: 200, span: 85, tau: 520, power: 3.4, popularity: 87, android: false, ringExchange: false, liberation: "0", unionLevel: 3120 },
  { ocid: "e4a1c9f3b7d2058e6c1a4f9b3d7e2c51", name: "구름정원", world: "에오스", cls: "아델", gender: "남", created: "2021-11-18", guild: null, start: 248.7, span: 45, tau: 1800, power: 4.8, popularity: 260, android: true, ringExchange: false, liberation: "1", unionLevel: 6230 },
];

/**
 * MSEA's and TMS's own characters (classes by their KMS names, translated in answers).
 * In each: two guild members, one created after the region's first day without an
 * android, one outside the guild. No ring exchange: those regions lack the endpoint.
 */
const REGION_SEEDS: Record<Exclude<RegionId, "kms">, SampleSeed[]> = {
  msea: [
    { ocid: "a7c2e94f1b3d6082c5e8f1a4d7b09e36", name: "AquilaSage", world: "Aquila", cls: "비숍", gender: "여", created: "2018-05-02", guild: 0, start: 265.2, span: 28, tau: 2400, power: 5.9, popularity: 812, android: true, ringExchange: false, liberation: "1", unionLevel: 8110 },
    { ocid: "2d8f5b1e9c04a7d3f6b2e8c1a5d94f70", name: "IronVanguard", world: "Aquila", cls: "히어로", gender: "남", created: "2020-01-10", guild: 0, start: 258.6, span: 32, tau: 2200, power: 5.2, popularity: 377, android: true, ringExchange: false, liberation: "1", unionLevel: 7350 },
    { ocid: "f3b60d8a2e7c19b4d5a1e6f8c3b27d09", name: "NightRaven", world: "Bootes", cls: "나이트로드", gender: "여", created: "2025-08-14", guild: null, start: 200, span: 80, tau: 480, power: 3.1, popularity: 42, android: false, ringExchange: false, liberation: "0", unionLevel: 2840 },
    { ocid: "6e1a9d3c7f2b05e8a4c6d1f9b3e72a58", name: "TunerKnight", world: "Cassiopeia", cls: "아델", gender: "남", created: "2022-03-03", guild: null, start: 246.1, span: 44, tau: 1700, power: 4.5, popularity: 198, android: true, ringExchange: false, liberation: "1", unionLevel: 5980 },
  ],
  tms: [
    { ocid: "b5e83f1a6d0c29e7b4f1a8d3c6e05b92", name: "楓葉小祭司", world: "艾麗亞", cls: "비숍", gender: "여", created: "2015-06-18", guild: 0, start: 263.8, span: 29, tau: 2500, power: 6.0, popularity: 956, android: true, ringExchange: false, liberation: "2", unionLevel: 8560 },
    { ocid: "0c7d2a9e4f1b68d3a5e9c2f7b1d40e83", name: "晨曦劍士", world: "艾麗亞", cls: "히어로", gender: "남", created: "2012-09-01", guild: 0, start: 269.5, span: 25, tau: 2900, power: 6.8, popularity: 1420, android: true, ringExchange: false, liberation: "2", unionLevel: 9020 },
    { ocid: "d9f4a2c8e1b703f6d2a8c5e1f9b46a17", name: "月影x", world: "普力特", cls: "나이트로드", gender: "남", created: "2025-11-20", guild: null, start: 200, span: 82, tau: 500, power: 3.0, popularity: 15, android: false, ringExchange: false, liberation: "0", unionLevel: 2510 },
    { ocid: "3a6c9e2f5b8d14a7e0c3f6b9d2a58e41", name: "雲端旅人", world: "琉德", cls: "아델", gender: "남", created: "2019-12-24", guild: null, start: 249.9, span: 43, tau: 1850, power: 4.6, popularity: 305, android: true, ringExchange: false, liberation: "1", unionLevel: 6400 },
  ],
};

const seeded = (region: RegionId) => (s: SampleSeed): Character => ({ ...s, region, cls: classNamed(s.cls), seed: s.ocid });

const SAMPLES: Character[] = SAMPLE_SEEDS.map(seeded("kms"));

/** Each region's sample characters (KMS: SAMPLES; the population is KMS's alone). */
const SAMPLES_IN: Record<RegionId, Character[]> = {
  kms: SAMPLES,
  msea: REGION_SEEDS.msea.map(seeded("msea")),
  tms: REGION_SEEDS.tms.map(seeded("tms")),
};

/** The character's guild, in its region. */
export const characterGuild = (c: Character): Guild | null => (c.guild === null ? null : guildAt(c.guild, c.region));

/** A sample character as documented: class and gender as its region writes them. */
const describe = (c: Character): SampleCharacter => ({
  character_name: c.name,
  ocid: c.ocid,
  world_name: c.world,
  character_class: termIn(c.cls.name, c.region),
  character_gender: termIn(c.gender, c.region),
  character_guild_name: characterGuild(c)?.name ?? null,
  date_create: c.created,
  has_android: c.android,
  has_ring_exchange: c.ringExchange,
});

const DESCRIBED: Record<RegionId, readonly SampleCharacter[]> = {
  kms: SAMPLES.map(describe),
  msea: SAMPLES_IN.msea.map(describe),
  tms: SAMPLES_IN.tms.map(describe),
};

/** The documented KMS sample characters (for docs, tests and the README). */
export const SAMPLE_CHARACTERS: readonly SampleCharacter[] = DESCRIBED.kms;

/** The documented sample characters of a region (KMS: SAMPLE_CHARACTERS). */
export const sampleCharactersIn = (region: RegionId): SampleCharacter[] => [...DESCRIBED[region]];

// Generated names: head + tail + optional number 1..15, e.g. 별빛검객, 노을토끼7.
const HEADS = ["별빛", "달빛", "노을", "새싹", "파도", "구름", "바람", "단풍", "겨울", "여름", "은하", "호수", "초록", "하늘", "푸른", "작은"];
const TAILS = ["검객", "궁수", "마녀", "도적", "기사", "여우", "냥이", "토끼", "나비", "전사", "법사", "사냥꾼", "요정", "늑대", "곰돌", "용사"];
export const POPULATION = HEADS.length * TAILS.length * 16;

const populationName = (n: number) => HEADS[n >> 8]! + TAILS[(n >> 4) & 15]! + (n & 15 ? String(n & 15) : "");

function populationIndex(name: string): number | null {
  const head = HEADS.findIndex((h) => name.startsWith(h));
  if (head < 0) return null;
  const rest = name.slice(2);
  const tail = TAILS.findIndex((t) => rest.startsWith(t));
  if (tail < 0) return null;
  const suffix = rest.slice(TAILS[tail]!.length);
  const k = suffix === "" ? 0 : /^[1-9]\d?$/.test(suffix) ? Number(suffix) : 16;
  return k < 16 ? (head << 8) | (tail << 4) | k : null;
}

/**
 * Guild membership is decided on a shuffled index s (an xorshift and an odd multiplier,
 * both bijections mod 2^12), so guild mates don't share a name pattern: members are
 * s = 256·k + g, sixteen per generated guild.
 */
const SHUFFLE = 1597;
const UNSHUFFLE = Array.from({ length: POPULATION }, (_, x) => x).find((x) => (Math.imul(x, SHUFFLE) & (POPULATION - 1)) === 1)!;
function guildOf(n: number): number | null {
  const s = Math.imul(n ^ (n >> 6), SHUFFLE) & (POPULATION - 1);
  return s % 64 < GUILD_COUNT && ((s >> 6) & 3) === 0 ? s % 64 : null;
}
export const guildMemberIndexes = (guild: number): number[] =>
  Array.from({ length: POPULATION / 256 }, (_, k) => {
    const t = Math.imul(256 * k + guild, UNSHUFFLE) & (POPULATION - 1);
    return t ^ (t >> 6);
  });

const population = new Map<number, Character>();

export function populationCharacter(n: number): Character {
  let c = population.get(n);
  if (c) return c;
  const r = rng(`pop:${n}`);
  const cls = pick(r, CLASSES);
  const guild = guildOf(n);
  const created = addDays("2011-07-15", int(r, 0, 5160));
  const fresh = created > CHARACTER_START;
  const start = fresh ? 200 + r() * 30 : r() < 0.15 ? 120 + r() * 80 : 200 + r() * 78;
  c = {
    region: "kms",
    ocid: encodeId("character", n),
    name: populationName(n),
    world: guild === null ? pick(r, WORLDS) : guildAt(guild).world,
    cls,
    gender: cls.gender ?? (r() < 0.5 ? "남" : "여"),
    created,
    guild,
    seed: `pop:${n}`,
    start,
    span: (298 - start) * (0.2 + r() * 0.7),
    tau: fresh ? 300 + r() * 1200 : 1500 + r() * 3000,
    power: 0.8 + r() * 6,
    popularity: int(r, 0, 400),
    android: r() < 0.8,
    ringExchange: r() < 0.5,
    liberation: start > 250 ? pick(r, ["0", "1", "2"]) : "0",
    unionLevel: int(r, 1500, 9600),
  };
  population.set(n, c);
  return c;
}

/** Every character, samples first (rankings rank them all). */
let everyone: Character[] | undefined;
export function allCharacters(): Character[] {
  everyone ??= [...SAMPLES, ...Array.from({ length: POPULATION }, (_, n) => populationCharacter(n))];
  return everyone;
}

export const samplesInGuild = (guild: Guild): Character[] => SAMPLES_IN[guild.region].filter((c) => c.guild === guild.index);

/** A character of `region` by ocid; another region's ocid is unknown here. */
export function characterByOcid(ocid: string, region: RegionId = "kms"): Character | null {
  const sample = SAMPLES_IN[region].find((c) => c.ocid === ocid);
  if (sample || region !== "kms") return sample ?? null;
  const n = decodeId("character", ocid);
  return n !== null && n < POPULATION ? populationCharacter(n) : null;
}

/** Names match exactly; ASCII letters case-insensitively (unverified upstream behaviour). */
export function characterByName(name: string, region: RegionId = "kms"): Character | null {
  const sample = SAMPLES_IN[region].find((c) => c.name.toLowerCase() === name.toLowerCase());
  if (sample || region !== "kms") return sample ?? null;
  const n = populationIndex(name);
  return n === null ? null : populationCharacter(n);
}

/**
 * Other characters of c's game to fill union champion slots: KMS draws them from
 * the generated population, the other regions from their sample characters.
 */
export function companionsOf(c: Character, count: number): Character[] {
  if (c.region !== "kms") return SAMPLES_IN[c.region].filter((o) => o !== c).slice(0, count);
  return Array.from({ length: count }, (_, i) => populationCharacter(hash32(`${c.seed}:champion:${i}`) % POPULATION));
}

/** A character exists from its creation day on. */
export const existsOn = (c: Character, day: string): boolean => c.created <= day;

export interface Progress {
  level: number;
  exp: number;
  expRate: string;
  combatPower: number;
  /** Days since the growth curve started: drives slow-growing values (union, popularity). */
  days: number;
}

/** EXP needed for the next level: roughly the real curve's size at 200–290. */
export const expToLevelUp = (level: number): number => Math.round(2e11 * 1.085 ** (level - 200));

/**
 * Level, EXP and combat power on a day: strictly increasing day over day (a small
 * daily jitter never outweighs a day's growth), so progress series look real.
 */
export function progressOn(c: Character, day: string): Progress {
  const start = REGION_START[c.region];
  const from = c.created > start ? c.created : start;
  const days = Math.max(0, daysBetween(from, day));
  const t = days + 0.45 * (hash32(`${c.seed}|${day}`) / 4294967296);
  const x = Math.min(299.999, c.start + c.span * (1 - Math.exp(-t / c.tau)));
  const level = Math.floor(x);
  const fraction = x - level;
  return {
    level,
    exp: Math.floor(fraction * expToLevelUp(level)),
    expRate: (Math.floor(fraction * 100000) / 1000).toFixed(3),
    combatPower: Math.floor(c.power * 1e6 * 1.045 ** (x - 200) * (1 + days / 5000)),
    days,
  };
}

/** The token of a character's look (character_image's last segment). */
const lookToken = (c: Character): string => lettersOf(`look:${c.seed}`, 160);

export const characterImage = (c: Character): string =>
  `https://open.api.nexon.com/static/${REGIONS[c.region].service}/character/look/${lookToken(c)}`;

let looks: Map<string, Character> | undefined;

/** The character whose look `token` is, in the region whose static path is `service`. */
export function characterByLook(service: string, token: string): Character | null {
  looks ??= new Map([...allCharacters(), ...SAMPLES_IN.msea, ...SAMPLES_IN.tms].map((c) => [lookToken(c), c]));
  const c = looks.get(token);
  return c && REGIONS[c.region].service === service ? c : null;
}
