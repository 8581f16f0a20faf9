import { addYears } from "../../src/lib/calendar";
import { POPULATION, existsOn, populationCharacter, progressOn, type Character } from "./characters";
import { historyDate, kstStamp, type Clock } from "./dates";
import { fail } from "./errors";
import { hash32, hexOf, int, pick, pickSome, rng, type Rng } from "./random";

/**
 * Account-private endpoints. The key stands for its owner: a hash of the key picks
 * 1–2 accounts and 3–8 generated characters, and seeds achievements and history,
 * so two keys see two different players.
 */

/** A key that looks valid; anything else is 00005, as a revoked or mistyped key would be. */
export const isSampleKeyValid = (key: string | null | undefined): key is string =>
  typeof key === "string" && key.length >= 8 && !key.toLowerCase().includes("invalid");

interface Account {
  account_id: string;
  characters: Character[];
}

export function accountsOf(key: string, today: string): Account[] {
  const r = rng(`key:${key}`);
  const accounts = r() < 0.4 ? 2 : 1;
  const picked = new Set<number>();
  const count = int(r, 3, 8);
  while (picked.size < count) picked.add(int(r, 0, POPULATION - 1));
  const characters = [...picked].map(populationCharacter).filter((c) => existsOn(c, today));
  const split = Math.ceil(characters.length / accounts);
  return Array.from({ length: accounts }, (_, i) => ({
    account_id: hexOf(`account:${key}:${i}`, 32),
    characters: characters.slice(i * split, (i + 1) * split),
  }));
}

export function characterListBody(key: string, today: string) {
  return {
    account_list: accountsOf(key, today).map((a) => ({
      account_id: a.account_id,
      character_list: a.characters.map((c) => ({
        ocid: c.ocid,
        character_name: c.name,
        world_name: c.world,
        character_class: c.cls.name,
        character_level: progressOn(c, today).level,
      })),
    })),
  };
}

const ACHIEVEMENTS: [string, string][] = [
  ["메이플 첫걸음", "메이플 월드에 첫 발을 내디뎠다."],
  ["레벨 200 달성", "캐릭터 레벨 200을 달성했다."],
  ["레벨 250 달성", "캐릭터 레벨 250을 달성했다."],
  ["보스 사냥꾼", "보스 몬스터를 100회 처치했다."],
  ["검은 마법사 격파", "검은 마법사를 처치했다."],
  ["스타포스 22성", "장비를 22성까지 강화했다."],
  ["유니온 8000", "유니온 레벨 8000을 달성했다."],
  ["무릉도장 50층", "무릉도장 50층을 돌파했다."],
  ["더 시드 40층", "더 시드 40층을 돌파했다."],
  ["길드 가입", "길드에 가입했다."],
  ["몬스터 파크 100회", "몬스터 파크를 100회 클리어했다."],
  ["메소 부자", "메소 100억을 모았다."],
  ["큐브 마스터", "큐브를 1000개 사용했다."],
  ["전설의 잠재능력", "레전드리 잠재능력을 처음 얻었다."],
  ["심볼 수집가", "아케인심볼을 모두 모았다."],
  ["어센틱 탐험가", "어센틱심볼 지역을 모두 방문했다."],
  ["펫 친구", "펫을 3마리 동시에 데리고 다녔다."],
  ["출석왕", "30일 연속 출석했다."],
];

export function achievementBody(key: string, today: string) {
  return {
    account_list: accountsOf(key, today).map((a) => {
      const r = rng(`achievements:${a.account_id}`);
      return {
        account_id: a.account_id,
        achievement_achieve: pickSome(r, ACHIEVEMENTS, int(r, 5, 15)).map(([achievement_name, achievement_description]) => ({ achievement_name, achievement_description })),
      };
    }),
  };
}

export type HistoryKind = "starforce" | "cube" | "potential";

const ITEMS: [string, string, number][] = [
  ["에테르넬 시프셔츠", "상의", 250], ["앱솔랩스 나이트글러브", "장갑", 160], ["루즈 컨트롤 머신 마크", "얼굴장식", 160],
  ["마이스터링", "반지", 140], ["거대한 공포", "반지", 200], ["제네시스 원드", "무기", 200], ["아케인셰이드 아처햇", "모자", 200],
];
const GRADES = ["레어", "에픽", "유니크", "레전드리"];
const OPTIONS = ["STR +12%", "DEX +9%", "INT +12%", "LUK +9%", "올스탯 +6%", "최대 HP +9%", "보스 몬스터 데미지 +30%", "공격력 +9%"];

/** Rows a key's owner made on a day: often none, sometimes many (so paging is exercised). */
function rowCount(key: string, kind: HistoryKind, day: string, clock: Clock): { total: number; first: number } {
  if (day < addYears(clock.today, -2)) return { total: 0, first: 0 };
  const h = hash32(`history:${key}:${kind}:${day}`);
  const u = h % 100;
  const total = u < 45 ? 0 : u < 85 ? 1 + ((h >>> 8) % 30) : 40 + ((h >>> 8) % 160);
  let first = 0;
  // Today's rows appear as the day goes on: rows are spread over the day, newest first.
  if (day === clock.today) while (first < total && rowMinute(first, total) > clock.minutesOfDay) first++;
  return { total, first };
}

const rowMinute = (i: number, total: number) => (1440 * (total - i - 0.5)) / total;

const options = (r: Rng, grade: string) => Array.from({ length: 3 }, () => ({ value: pick(r, OPTIONS), grade }));

function historyRow(key: string, kind: HistoryKind, day: string, i: number, total: number, owner: Character[]) {
  const r = rng(`row:${key}:${kind}:${day}:${i}`);
  const c = pick(r, owner);
  const [target, part, level] = pick(r, ITEMS);
  const id = hexOf(`row-id:${key}:${kind}:${day}:${i}`, 40);
  const date_create = kstStamp(day, rowMinute(i, total), true);
  if (kind === "starforce") {
    const before = int(r, 12, 21);
    const roll = r();
    const result = roll < 0.4 ? "성공" : roll < 0.9 ? "실패(유지)" : roll < 0.97 ? "실패(하락)" : "파괴";
    const event = r() < 0.2;
    return {
      id,
      item_upgrade_result: result,
      before_starforce_count: before,
      after_starforce_count: result === "성공" ? before + 1 : result === "실패(하락)" ? before - 1 : result === "파괴" ? 12 : before,
      starcatch_result: pick(r, ["성공", "실패", "미적용"]),
      superior_item_flag: "미적용",
      destroy_defence: before < 17 && r() < 0.3 ? "적용" : "미적용",
      chance_time: "미적용",
      event_field_flag: "미적용",
      upgrade_item: "",
      protect_shield: "미적용",
      bonus_stat_upgrade: "미적용",
      character_name: c.name,
      world_name: c.world,
      target_item: target,
      date_create,
      starforce_event_list: event ? [{ success_rate: "0", destroy_decrease_rate: "30", cost_discount_rate: "30", plus_value: "0", starforce_event_range: "15,16,17,18,19,20,21" }] : null,
    };
  }
  const success = r() < 0.1;
  const after = int(r, 1, 3);
  const before = success ? after - 1 : after;
  const row = {
    id,
    character_name: c.name,
    date_create,
    [kind === "cube" ? "cube_type" : "potential_type"]: kind === "cube" ? pick(r, ["블랙 큐브", "레드 큐브", "명장의 큐브", "에디셔널 큐브"]) : pick(r, ["잠재능력 재설정", "에디셔널 잠재능력 재설정"]),
    item_upgrade_result: success ? "성공" : "실패",
    miracle_time_flag: "이벤트 적용되지 않음",
    item_equipment_part: part,
    item_level: level,
    target_item: target,
    potential_option_grade: GRADES[after]!,
    additional_potential_option_grade: GRADES[int(r, 0, 2)]!,
    upgrade_guarantee: false,
    upgrade_guarantee_count: int(r, 0, 100),
    before_potential_option: options(r, GRADES[before]!),
    before_additional_potential_option: options(r, GRADES[1]!),
    after_potential_option: options(r, GRADES[after]!),
    after_additional_potential_option: options(r, GRADES[1]!),
  };
  return row;
}

const encodeCursor = (key: string, kind: string, day: string, offset: number) => {
  const head = day.replace(/-/g, "") + offset.toString(16).padStart(4, "0");
  return head + hexOf(`cursor:${key}:${kind}:${head}`, 20);
};

/** A cursor is bound to its key and endpoint; anything else is 00003. */
function decodeCursor(key: string, kind: string, cursor: string): { day: string; offset: number } {
  const m = /^(\d{4})(\d{2})(\d{2})([0-9a-f]{4})([0-9a-f]{20})$/.exec(cursor);
  if (!m || hexOf(`cursor:${key}:${kind}:${cursor.slice(0, 12)}`, 20) !== m[5]) fail("OPENAPI00003");
  return { day: `${m[1]}-${m[2]}-${m[3]}`, offset: parseInt(m[4]!, 16) };
}

/** One page of a key's history; `earliest` is the endpoint's first day (its row in ENDPOINTS). */
export function historyBody(kind: HistoryKind, earliest: string | undefined, q: URLSearchParams, key: string, clock: Clock) {
  const rawCount = q.get("count");
  const count = rawCount !== null && /^\d{2,4}$/.test(rawCount) ? Number(rawCount) : 0;
  if (count < 10 || count > 1000) fail("OPENAPI00004");
  const date = q.get("date");
  const cursor = q.get("cursor");
  if ((date === null) === (cursor === null)) fail("OPENAPI00004");
  const { day, offset } = cursor !== null ? decodeCursor(key, kind, cursor) : { day: historyDate(date!, earliest, clock), offset: 0 };
  const owner = accountsOf(key, clock.today).flatMap((a) => a.characters);
  const { total, first } = owner.length > 0 ? rowCount(key, kind, day, clock) : { total: 0, first: 0 };
  const start = Math.min(total, first + offset);
  const end = Math.min(total, start + count);
  const rows = [];
  for (let i = start; i < end; i++) rows.push(historyRow(key, kind, day, i, total, owner));
  return {
    count: rows.length,
    [`${kind}_history`]: rows,
    next_cursor: end < total ? encodeCursor(key, kind, day, end - first) : null,
  };
}
