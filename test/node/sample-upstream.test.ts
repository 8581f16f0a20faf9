import { crc32, inflateSync } from "node:zlib";
import { afterEach, describe, expect, it, vi } from "vitest";
import schema from "../fixtures/nexon-schema.json";
import schemaMsea from "../fixtures/nexon-schema-msea.json";
import schemaTms from "../fixtures/nexon-schema-tms.json";
import { FAKE_UPSTREAM_ORIGIN, fakeUpstream } from "../fake-upstream";
import { earliestIn, regionsOf, ENDPOINTS as TABLE } from "../../src/upstream/endpoints";
import { REGION_IDS, REGIONS, type RegionId } from "../../src/upstream/regions";
import { UPSTREAM_BODY_SCHEMAS } from "../../src/upstream/schemas.generated";
import {
  SAMPLE_CHARACTERS,
  SAMPLE_GUILD,
  SAMPLE_NOTICE_IDS,
  createSampleUpstream,
  ROUTES,
  isSampleKeyValid,
  sampleCharactersIn,
  sampleGuildIn,
  sampleUpstreamFetch,
} from "../../dev/sample-upstream";

/**
 * The sample upstream must be indistinguishable (in shape and rules) from the real
 * NEXON Open API: every body is checked against the public SDK's wire shapes, each
 * region's against its own (test/fixtures/nexon-schema*.json).
 */

// 2026-11-26 14:00 KST: "today" is fixed so dated assertions never drift.
const NOW = Date.parse("2026-11-26T05:00:00Z");
const TODAY = "2026-11-26";
const YESTERDAY = "2026-11-25";
const KEY = "sample-test-key-1";
const OTHER_KEY = "another-players-key";
const upstream = createSampleUpstream({ now: () => NOW });

type Json = Record<string, unknown>;

type Params = Record<string, string | number>;

/** A request to `/<service>/v1/<path>` of `region`. */
async function callIn(region: RegionId, path: string, params: Params = {}, key: string | null = KEY, init: RequestInit = {}) {
  const url = new URL(`https://sample.nexon.invalid/${REGIONS[region].service}/v1/${path}`);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, String(v));
  const headers: Record<string, string> = key === null ? {} : { "x-nxopen-api-key": key };
  const res = await upstream(new Request(url, { headers, ...init }));
  return { res, status: res.status, body: (await res.json()) as Json };
}

const call = (path: string, params: Params = {}, key: string | null = KEY, init: RequestInit = {}) => callIn("kms", path, params, key, init);

async function expectErrorIn(region: RegionId, path: string, params: Params, status: number, name: string, key: string | null = KEY) {
  const { status: got, body } = await callIn(region, path, params, key);
  expect({ region, path, params, got, error: (body.error as Json | undefined)?.name }).toEqual({ region, path, params, got: status, error: name });
  expect(typeof (body.error as Json).message).toBe("string");
}

const expectError = (path: string, params: Params, status: number, name: string, key: string | null = KEY) => expectErrorIn("kms", path, params, status, name, key);

// ---- Shape checking against test/fixtures/nexon-schema.json ----

interface Field {
  t?: "string" | "number" | "boolean" | "array";
  ref?: string;
  items?: { t?: string; ref?: string };
  nullable: boolean;
  optional?: boolean;
  enum?: string[];
}
interface Schema {
  types: Record<string, Record<string, Field>>;
  endpoints: Record<string, string>;
}
const SCHEMAS = { kms: schema, msea: schemaMsea, tms: schemaTms } as unknown as Record<RegionId, Schema>;
const TYPES = SCHEMAS.kms.types;
const ENDPOINTS = SCHEMAS.kms.endpoints;
const typeOf = (path: string, region: RegionId = "kms") => SCHEMAS[region].endpoints[`/${REGIONS[region].service}/v1/${path}`]!;

function checkObject(value: unknown, typeName: string, at: string, errors: string[], top = false, types = TYPES): void {
  const fields = types[typeName];
  if (!fields) return void errors.push(`${at}: unknown type ${typeName}`);
  if (typeof value !== "object" || value === null || Array.isArray(value)) return void errors.push(`${at}: not an object`);
  const record = value as Json;
  for (const key of Object.keys(record)) if (!(key in fields)) errors.push(`${at}.${key}: not in ${typeName}`);
  for (const [key, field] of Object.entries(fields)) {
    if (!(key in record)) {
      if (!field.optional) errors.push(`${at}.${key}: missing`);
      continue;
    }
    const v = record[key];
    // A top-level `date` is null whenever the latest data was asked for (nexon-upstream.md §3),
    // even where the SDK's type forgot to say so (union-champion, ring-exchange).
    if (v === null) {
      if (!field.nullable && !(top && key === "date")) errors.push(`${at}.${key}: null but not nullable`);
      continue;
    }
    checkField(v, field, `${at}.${key}`, errors, types);
  }
}

function checkField(v: unknown, field: Field, at: string, errors: string[], types: Schema["types"]): void {
  if (field.ref) return checkObject(v, field.ref, at, errors, false, types);
  if (field.t === "array") {
    if (!Array.isArray(v)) return void errors.push(`${at}: not an array`);
    v.forEach((item, i) => {
      if (field.items?.ref) checkObject(item, field.items.ref, `${at}[${i}]`, errors, false, types);
      else if (typeof item !== field.items?.t) errors.push(`${at}[${i}]: not ${field.items?.t}`);
    });
    return;
  }
  if (typeof v !== field.t) errors.push(`${at}: ${typeof v} instead of ${field.t}`);
  if (field.enum && !field.enum.includes(v as string)) errors.push(`${at}: ${String(v)} not in ${field.enum.join("|")}`);
}

/** Checks a body against its region's wire shape (KMS's unless told). */
function expectShape(path: string, body: Json, region: RegionId = "kms"): void {
  const errors: string[] = [];
  checkObject(body, typeOf(path, region), `${region}:${path}`, errors, true, SCHEMAS[region].types);
  expect(errors).toEqual([]);
}

/** The body's `date` for a day: midnight in the region's clock. */
const ZONE: Record<RegionId, string> = { kms: "+09:00", msea: "+08:00", tms: "+08:00" };
const bodyDateOf = (date: string | null, region: RegionId = "kms") => (date === null ? null : `${date}T00:00${ZONE[region]}`);

/** "No data": the endpoint's keys, every one but `date` null or an empty list. */
function expectEmptyBody(path: string, body: Json, date: string | null, region: RegionId = "kms"): void {
  expect(body.date).toBe(bodyDateOf(date, region));
  const fields = SCHEMAS[region].types[typeOf(path, region)]!;
  expect(Object.keys(body).sort()).toEqual(Object.keys(fields).filter((k) => !fields[k]!.optional || k in body).sort());
  for (const [key, value] of Object.entries(body)) if (key !== "date") expect([key, value === null || (Array.isArray(value) && value.length === 0)]).toEqual([key, true]);
}

const SNAPSHOT_PATHS = Object.keys(ENDPOINTS)
  .map((p) => p.replace("/maplestory/v1/", ""))
  .filter((p) => (p.startsWith("character/") && p !== "character/list") || (p.startsWith("user/union")));
const SKILL_GRADES = ["0", "1", "1.5", "2", "2.5", "3", "4", "hyperpassive", "hyperactive", "5", "6"];
const DAWN = SAMPLE_CHARACTERS.find((c) => !c.has_android)!;

/** Finds a day with at least `min` history rows for the key (rows are seeded per day). */
async function dayWithHistory(kind: string, key: string, min: number): Promise<string> {
  for (let back = 0; back < 200; back++) {
    const day = new Date(Date.parse(`${TODAY}T00:00:00Z`) - back * 86_400_000).toISOString().slice(0, 10);
    const { body } = await call(`history/${kind}`, { count: 1000, date: day }, key);
    if ((body.count as number) >= min) return day;
  }
  throw new Error(`no ${kind} day with ${min} rows`);
}

describe("every row of the endpoint table (src/upstream/endpoints.ts)", () => {
  it("has a generated body schema", () => {
    const missing = TABLE.filter((def) => !(def.path in UPSTREAM_BODY_SCHEMAS)).map((def) => def.path);
    expect(missing).toEqual([]);
  });

  it("is answered by the sample upstream, which serves exactly the table's paths", async () => {
    expect([...ROUTES.keys()].sort()).toEqual(TABLE.map((def) => def.path).sort());
    for (const def of TABLE) {
      const { body } = await call(def.path);
      expect([def.path, (body.error as Json | undefined)?.name]).not.toEqual([def.path, "OPENAPI00006"]);
    }
  });

  it("is answered in each region of its row, and unknown (00006) under the others", async () => {
    for (const def of TABLE) {
      expect([def.path, [...ROUTES.get(def.path)!.keys()]]).toEqual([def.path, regionsOf(def)]);
      for (const region of REGION_IDS) {
        const error = ((await callIn(region, def.path)).body.error as Json | undefined)?.name;
        expect([region, def.path, error === "OPENAPI00006"]).toEqual([region, def.path, !regionsOf(def).includes(region)]);
      }
    }
    // MSEA and TMS serve exactly the paths of their own wire-shape files (26 each).
    for (const region of ["msea", "tms"] as const) {
      const served = TABLE.filter((def) => regionsOf(def).includes(region)).map((def) => `/${REGIONS[region].service}/v1/${def.path}`);
      expect(served.sort()).toEqual(Object.keys(SCHEMAS[region].endpoints).sort());
      expect(served).toHaveLength(26);
    }
  });

  it("dates snapshot and ranking answers from the row's earliest day, in every region of the row", async () => {
    for (const def of TABLE) {
      for (const region of regionsOf(def)) {
        const earliest = earliestIn(def, region);
        if ((def.date.kind !== "snapshot" && def.date.kind !== "ranking") || !earliest) continue;
        const ocid = sampleCharactersIn(region)[0]!.ocid;
        const dayBefore = new Date(Date.parse(`${earliest}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
        const params: Record<string, string> = def.path === "guild/basic" ? { oguild_id: sampleGuildIn(region).oguild_id } : def.path === "ranking/guild" ? { ranking_type: "0" } : def.path === "ranking/dojang" ? { difficulty: "1" } : def.path === "character/skill" ? { ocid, character_skill_grade: "6" } : { ocid };
        if (def.date.kind === "ranking") delete params.ocid;
        await expectErrorIn(region, def.path, { ...params, date: dayBefore }, 400, "OPENAPI00004");
        const { status, body } = await callIn(region, def.path, { ...params, date: earliest });
        expect([region, def.path, status]).toEqual([region, def.path, 200]);
        if (def.date.kind === "snapshot") expect(body.date).toBe(bodyDateOf(earliest, region));
      }
    }
  });
});

describe("sample identities", () => {
  it("has at least three made-up characters in different worlds and classes, one with a Korean name", () => {
    expect(SAMPLE_CHARACTERS.length).toBeGreaterThanOrEqual(3);
    for (const c of SAMPLE_CHARACTERS) expect(c.ocid).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(SAMPLE_CHARACTERS.map((c) => c.ocid)).size).toBe(SAMPLE_CHARACTERS.length);
    expect(new Set(SAMPLE_CHARACTERS.map((c) => c.world_name)).size).toBeGreaterThanOrEqual(3);
    expect(new Set(SAMPLE_CHARACTERS.map((c) => c.character_class)).size).toBe(SAMPLE_CHARACTERS.length);
    expect(SAMPLE_CHARACTERS.some((c) => /^[가-힣]+$/.test(c.character_name))).toBe(true);
    expect(SAMPLE_CHARACTERS.some((c) => !c.has_android)).toBe(true);
    expect(SAMPLE_GUILD.oguild_id).toMatch(/^[0-9a-f]{32}$/);
  });

  it("resolves every sample name to its ocid, ASCII names case-insensitively", async () => {
    for (const c of SAMPLE_CHARACTERS) {
      const { status, body } = await call("id", { character_name: c.character_name });
      expect(status).toBe(200);
      expect(body).toEqual({ ocid: c.ocid });
    }
    const ascii = SAMPLE_CHARACTERS.find((c) => /^[A-Za-z]+$/.test(c.character_name))!;
    expect((await call("id", { character_name: ascii.character_name.toLowerCase() })).body).toEqual({ ocid: ascii.ocid });
  });

  it("finds the sample guild by name and lists the sample characters among its members", async () => {
    const { body: id } = await call("guild/id", { guild_name: SAMPLE_GUILD.guild_name, world_name: SAMPLE_GUILD.world_name });
    expect(id).toEqual({ oguild_id: SAMPLE_GUILD.oguild_id });
    const { body } = await call("guild/basic", { oguild_id: SAMPLE_GUILD.oguild_id });
    const members = SAMPLE_CHARACTERS.filter((c) => c.character_guild_name === SAMPLE_GUILD.guild_name);
    expect(members.length).toBeGreaterThanOrEqual(2);
    for (const m of members) expect(body.guild_member).toContain(m.character_name);
    expect(body.guild_member_count).toBe((body.guild_member as string[]).length);
  });

  it("accepts keys that look valid and nothing else", () => {
    expect(isSampleKeyValid("sample-service-key")).toBe(true);
    expect(isSampleKeyValid("short")).toBe(false);
    expect(isSampleKeyValid("")).toBe(false);
    expect(isSampleKeyValid("my-INVALID-key-123")).toBe(false);
    expect(isSampleKeyValid(null)).toBe(false);
  });
});

describe("every endpoint matches the SDK's wire shapes", () => {
  const covered = new Set<string>();
  const shaped = async (path: string, params: Record<string, string | number>, key = KEY) => {
    const { status, body, res } = await call(path, params, key);
    expect({ path, params, status }).toEqual({ path, params, status: 200 });
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(res.headers.get("x-data-source")).toBeNull();
    covered.add(`/maplestory/v1/${path}`);
    return body;
  };

  it("character and union sections, latest and dated, for each sample character", async () => {
    for (const c of SAMPLE_CHARACTERS) {
      for (const path of SNAPSHOT_PATHS) {
        const grades = path === "character/skill" ? SKILL_GRADES : [undefined];
        for (const grade of grades) {
          for (const date of [null, "2025-09-01"]) {
            const params: Record<string, string> = { ocid: c.ocid, ...(grade ? { character_skill_grade: grade } : {}), ...(date ? { date } : {}) };
            const body = await shaped(path, params);
            if (path === "character/android-equipment" && !c.has_android) expectEmptyBody(path, body, date);
            else expectShape(path, body);
            expect(body.date).toBe(date === null ? null : `${date}T00:00+09:00`);
          }
        }
      }
    }
  });

  it("item-equipment is realistic: two dozen items with every option object", async () => {
    const body = await shaped("character/item-equipment", { ocid: SAMPLE_CHARACTERS[0]!.ocid });
    const items = body.item_equipment as Json[];
    expect(items.length).toBeGreaterThanOrEqual(20);
    expect(new Set(items.map((i) => i.item_equipment_slot)).size).toBe(items.length);
    const weapon = items.find((i) => i.item_equipment_slot === "무기")!;
    expect(Number(weapon.starforce)).toBeGreaterThan(0);
    expect(Number((weapon.item_total_option as Json).magic_power)).toBeGreaterThan(Number((weapon.item_base_option as Json).magic_power));
    expect(weapon.potential_option_grade).not.toBeNull();
  });

  it("identity, guild, ranking, notice and account endpoints", async () => {
    const c = SAMPLE_CHARACTERS[0]!;
    expectShape("id", await shaped("id", { character_name: c.character_name }));
    expectShape("guild/id", await shaped("guild/id", { guild_name: SAMPLE_GUILD.guild_name, world_name: SAMPLE_GUILD.world_name }));
    for (const date of [null, "2025-09-01"]) expectShape("guild/basic", await shaped("guild/basic", { oguild_id: SAMPLE_GUILD.oguild_id, ...(date ? { date } : {}) }));

    const rankings: [string, Record<string, string | number>][] = [
      ["ranking/overall", {}],
      ["ranking/overall", { world_name: "스카니아", class: "마법사-비숍" }],
      ["ranking/overall", { world_type: 1, page: 2 }],
      ["ranking/union", { world_name: "루나" }],
      ["ranking/guild", { ranking_type: 0 }],
      ["ranking/guild", { ranking_type: 2, world_name: SAMPLE_GUILD.world_name }],
      ["ranking/dojang", { difficulty: 0, class: "전사-전체 전직" }],
      ["ranking/dojang", { difficulty: 1 }],
      ["ranking/theseed", {}],
      ["ranking/achievement", {}],
    ];
    for (const [path, params] of rankings) {
      const body = await shaped(path, { date: YESTERDAY, ...params });
      expectShape(path, body);
      expect((body.ranking as Json[]).length).toBeGreaterThan(0);
      for (const row of body.ranking as Json[]) expect(row.date).toBe(YESTERDAY);
    }

    for (const [kind, list] of [["notice", "notice"], ["notice-update", "update_notice"], ["notice-event", "event_notice"], ["notice-cashshop", "cashshop_notice"]] as const) {
      const body = await shaped(kind, {});
      expectShape(kind, body);
      expect((body[list] as Json[]).length).toBe(20);
    }
    for (const [kind, type] of [["notice", "general"], ["notice-update", "update"], ["notice-event", "event"], ["notice-cashshop", "cashshop"]] as const) {
      for (const id of SAMPLE_NOTICE_IDS[type]) expectShape(`${kind}/detail`, await shaped(`${kind}/detail`, { notice_id: id }));
    }

    expectShape("character/list", await shaped("character/list", {}));
    expectShape("user/achievement", await shaped("user/achievement", {}));
    for (const kind of ["starforce", "cube", "potential"]) {
      const day = await dayWithHistory(kind, KEY, 1);
      const body = await shaped(`history/${kind}`, { count: 1000, date: day });
      expectShape(`history/${kind}`, body);
    }
  });

  it("covered every endpoint of the schema", () => {
    expect([...covered].sort()).toEqual(Object.keys(ENDPOINTS).sort());
  });
});

describe("no data", () => {
  const dawn = DAWN;

  it("a character answers with empty bodies before it was created, and with data from that day", async () => {
    const before = "2024-05-31";
    for (const path of ["character/basic", "character/stat", "character/popularity", "user/union", "character/item-equipment"]) {
      const { status, body } = await call(path, { ocid: dawn.ocid, date: before });
      expect(status).toBe(200);
      expectEmptyBody(path, body, before);
    }
    const { body } = await call("character/basic", { ocid: dawn.ocid, date: dawn.date_create });
    expectShape("character/basic", body);
    expect(body.character_name).toBe(dawn.character_name);
  });

  it("a character without an android has an empty android body", async () => {
    const { body } = await call("character/android-equipment", { ocid: dawn.ocid });
    expectEmptyBody("character/android-equipment", body, null);
  });

  it("a ring-exchange body without a ring carries only date and class", async () => {
    const c = SAMPLE_CHARACTERS.find((s) => !s.has_ring_exchange)!;
    expect((await call("character/ring-exchange-skill-equipment", { ocid: c.ocid })).body).toEqual({ date: null, character_class: c.character_class });
    const withRing = SAMPLE_CHARACTERS.find((s) => s.has_ring_exchange)!;
    expect((await call("character/ring-exchange-skill-equipment", { ocid: withRing.ocid })).body.special_ring_exchange_name).toEqual(expect.any(String));
  });

  it("a skill grade the character lacks is 200 with grade null and no skills", async () => {
    const c = SAMPLE_CHARACTERS.find((s) => s.character_class !== "듀얼블레이더")!;
    const { status, body } = await call("character/skill", { ocid: c.ocid, character_skill_grade: "1.5" });
    expect(status).toBe(200);
    expect(body).toEqual({ date: null, character_class: c.character_class, character_skill_grade: null, character_skill: [] });
  });

  it("an unknown guild name in a real world is 200 without an id", async () => {
    expect(await call("guild/id", { guild_name: "없는길드", world_name: "스카니아" })).toMatchObject({ status: 200, body: {} });
  });
});

describe("errors like the real API", () => {
  const ocid = SAMPLE_CHARACTERS[0]!.ocid;

  it("refuses a missing, empty or invalid key with 00005, on public and private paths", async () => {
    for (const key of [null, "", "short", "this-is-INVALID-key"]) {
      await expectError("character/basic", { ocid }, 400, "OPENAPI00005", key);
      await expectError("character/list", {}, 400, "OPENAPI00005", key);
    }
  });

  it("answers unknown paths and other games with 00006", async () => {
    await expectError("character/nothing", { ocid }, 400, "OPENAPI00006");
    const res = await upstream(new Request(`https://x.invalid/maplestorym/v1/character/basic?ocid=${ocid}`, { headers: { "x-nxopen-api-key": KEY } }));
    expect(((await res.json()) as { error: Json }).error.name).toBe("OPENAPI00006");
  });

  it("answers an unknown ocid (well-formed or not) with 00003 and a missing one with 00004", async () => {
    for (const path of ["character/basic", "character/item-equipment", "user/union", "user/union-champion"]) {
      await expectError(path, { ocid: "0".repeat(32) }, 400, "OPENAPI00003");
      await expectError(path, { ocid: ocid.slice(0, 31) + (ocid.endsWith("0") ? "1" : "0") }, 400, "OPENAPI00003");
      await expectError(path, { ocid: "invalid_ocid_123" }, 400, "OPENAPI00003");
      await expectError(path, {}, 400, "OPENAPI00004");
    }
    await expectError("guild/basic", { oguild_id: "f".repeat(32) }, 400, "OPENAPI00003");
  });

  it("answers an unknown character name with 00004", async () => {
    await expectError("id", { character_name: "없는캐릭터이름" }, 400, "OPENAPI00004");
    await expectError("id", {}, 400, "OPENAPI00004");
  });

  it("refuses malformed dates, today, the future and days before each endpoint's first day", async () => {
    for (const date of ["2025-13-01", "2025-02-30", "20250101", "", "2025-1-01", TODAY, "2027-01-01"]) {
      await expectError("character/basic", { ocid, date }, 400, "OPENAPI00004");
    }
    const firsts: [string, string, string][] = [
      ["character/basic", "2023-12-20", "2023-12-21"],
      ["user/union-raider", "2023-12-20", "2023-12-21"],
      ["guild/basic", "2023-12-20", "2023-12-21"],
      ["character/other-stat", "2025-08-20", "2025-08-21"],
      ["character/ring-exchange-skill-equipment", "2025-08-20", "2025-08-21"],
      ["user/union-artifact", "2024-01-17", "2024-01-18"],
      ["user/union-champion", "2025-02-19", "2025-02-20"],
    ];
    for (const [path, before, first] of firsts) {
      const id: Record<string, string> = path === "guild/basic" ? { oguild_id: SAMPLE_GUILD.oguild_id } : { ocid };
      await expectError(path, { ...id, date: before }, 400, "OPENAPI00004");
      expect((await call(path, { ...id, date: first })).status).toBe(200);
    }
    expect((await call("character/basic", { ocid, date: YESTERDAY })).status).toBe(200);
  });

  it("requires a known skill grade", async () => {
    await expectError("character/skill", { ocid }, 400, "OPENAPI00004");
    await expectError("character/skill", { ocid, character_skill_grade: "7" }, 400, "OPENAPI00004");
  });

  it("validates ranking parameters", async () => {
    await expectError("ranking/overall", {}, 400, "OPENAPI00004");
    await expectError("ranking/overall", { date: "2023-12-21" }, 400, "OPENAPI00004");
    await expectError("ranking/overall", { date: "2026-11-27" }, 400, "OPENAPI00004");
    await expectError("ranking/overall", { date: YESTERDAY, world_name: "메이플" }, 400, "OPENAPI00004");
    await expectError("ranking/overall", { date: YESTERDAY, class: "전사" }, 400, "OPENAPI00004");
    await expectError("ranking/overall", { date: YESTERDAY, world_type: 2 }, 400, "OPENAPI00004");
    await expectError("ranking/overall", { date: YESTERDAY, page: 0 }, 400, "OPENAPI00004");
    await expectError("ranking/overall", { date: YESTERDAY, ocid: "0".repeat(32) }, 400, "OPENAPI00003");
    await expectError("ranking/guild", { date: YESTERDAY }, 400, "OPENAPI00004");
    await expectError("ranking/guild", { date: YESTERDAY, ranking_type: 3 }, 400, "OPENAPI00004");
    await expectError("ranking/dojang", { date: YESTERDAY }, 400, "OPENAPI00004");
    expect((await call("ranking/overall", { date: "2023-12-22" })).status).toBe(200);
    expect((await call("ranking/overall", { date: TODAY })).status).toBe(200);
  });

  it("validates guild lookups", async () => {
    await expectError("guild/id", { guild_name: SAMPLE_GUILD.guild_name, world_name: "없는월드" }, 400, "OPENAPI00004");
    await expectError("guild/id", { world_name: SAMPLE_GUILD.world_name }, 400, "OPENAPI00004");
    await expectError("guild/basic", {}, 400, "OPENAPI00004");
  });

  it("answers notice details only for listed ids", async () => {
    for (const notice_id of ["-1", "1", "abc", String(SAMPLE_NOTICE_IDS.general[0]! + 1)]) {
      await expectError("notice/detail", { notice_id }, 400, "OPENAPI00004");
    }
    await expectError("notice-event/detail", {}, 400, "OPENAPI00004");
    await expectError("notice-update/detail", { notice_id: SAMPLE_NOTICE_IDS.event[0]! }, 400, "OPENAPI00004");
  });

  it("applies the history parameter rules", async () => {
    for (const count of ["9", "1001", "abc", "10.5"]) await expectError("history/cube", { count, date: YESTERDAY }, 400, "OPENAPI00004");
    await expectError("history/cube", { date: YESTERDAY }, 400, "OPENAPI00004");
    await expectError("history/cube", { count: 10 }, 400, "OPENAPI00004");
    await expectError("history/cube", { count: 10, date: YESTERDAY, cursor: "abc" }, 400, "OPENAPI00004");
    await expectError("history/cube", { count: 10, cursor: "not-a-cursor" }, 400, "OPENAPI00003");
    await expectError("history/starforce", { count: 10, date: "2023-12-26" }, 400, "OPENAPI00004");
    await expectError("history/potential", { count: 10, date: "2024-01-24" }, 400, "OPENAPI00004");
    await expectError("history/starforce", { count: 10, date: "2026-11-27" }, 400, "OPENAPI00004");
    await expectError("history/starforce", { count: 10, date: "2026-02-31" }, 400, "OPENAPI00004");
    expect((await call("history/starforce", { count: 10, date: TODAY })).status).toBe(200);
    // Older than the two years kept: an empty page, not an error.
    expect((await call("history/starforce", { count: 10, date: "2024-01-10" })).body).toEqual({ count: 0, starforce_history: [], next_cursor: null });
  });

  it("answers 00009 for not-yet-published days only when publish delays are emulated", async () => {
    const night = Date.parse("2026-11-25T16:30:00Z"); // 01:30 KST on 2026-11-26
    const delayed = createSampleUpstream({ now: () => night, publishDelays: true });
    const plain = createSampleUpstream({ now: () => night });
    const get = (f: typeof upstream, path: string) => f(new Request(`https://x.invalid/maplestory/v1/${path}`, { headers: { "x-nxopen-api-key": KEY } }));
    const snapshot = `character/basic?ocid=${ocid}&date=${YESTERDAY}`;
    const todayRanking = `ranking/overall?date=${TODAY}`;
    expect(((await (await get(delayed, snapshot)).json()) as { error: Json }).error.name).toBe("OPENAPI00009");
    expect(((await (await get(delayed, todayRanking)).json()) as { error: Json }).error.name).toBe("OPENAPI00009");
    expect((await get(delayed, `character/basic?ocid=${ocid}&date=2026-11-24`)).status).toBe(200);
    expect((await get(plain, snapshot)).status).toBe(200);
    expect((await get(plain, todayRanking)).status).toBe(200);
  });
});

describe("rankings", () => {
  it("pages by 200 rows with continuous positions, and is empty past the end", async () => {
    const page1 = (await call("ranking/overall", { date: YESTERDAY })).body.ranking as Json[];
    const page2 = (await call("ranking/overall", { date: YESTERDAY, page: 2 })).body.ranking as Json[];
    expect(page1).toHaveLength(200);
    expect(page1[0]!.ranking).toBe(1);
    expect(page2[0]!.ranking).toBe(201);
    expect((page1[0]!.character_level as number) >= (page2[0]!.character_level as number)).toBe(true);
    expect((await call("ranking/overall", { date: YESTERDAY, page: 999 })).body).toEqual({ ranking: [] });
  });

  it("narrows to one row for an ocid, and filters by world, world type and class", async () => {
    for (const c of SAMPLE_CHARACTERS) {
      for (const path of ["ranking/union", "ranking/overall", "ranking/achievement"]) {
        const { body } = await call(path, { date: YESTERDAY, ocid: c.ocid });
        expect([path, (body.ranking as Json[]).map((r) => r.character_name)]).toEqual([path, [c.character_name]]);
      }
    }
    const bishop = SAMPLE_CHARACTERS.find((c) => c.character_class === "비숍")!;
    const byWorld = (await call("ranking/overall", { date: YESTERDAY, world_name: bishop.world_name, class: "마법사-비숍", ocid: bishop.ocid })).body.ranking as Json[];
    expect(byWorld).toHaveLength(1);
    expect(byWorld[0]).toMatchObject({ character_name: bishop.character_name, class_name: "마법사", sub_class_name: "비숍" });
    const special = (await call("ranking/overall", { date: YESTERDAY, world_type: 1 })).body.ranking as Json[];
    expect(new Set(special.map((r) => r.world_name))).toEqual(new Set(["에오스", "헬리오스"]));
    const normal = (await call("ranking/overall", { date: YESTERDAY })).body.ranking as Json[];
    expect(normal.some((r) => r.world_name === "에오스" || r.world_name === "헬리오스")).toBe(false);
    const guilds = (await call("ranking/guild", { date: YESTERDAY, ranking_type: 1, guild_name: SAMPLE_GUILD.guild_name })).body.ranking as Json[];
    expect(guilds.map((g) => g.guild_name)).toEqual([SAMPLE_GUILD.guild_name]);
    expect((await call("ranking/guild", { date: YESTERDAY, ranking_type: 0, guild_name: "없는길드" })).body).toEqual({ ranking: [] });
  });

  it("leaves out a character on days before it existed", async () => {
    expect((await call("ranking/overall", { date: "2024-05-31", ocid: DAWN.ocid })).body).toEqual({ ranking: [] });
    expect((await call("ranking/overall", { date: "2024-06-01", world_name: DAWN.world_name, ocid: DAWN.ocid })).body.ranking).toHaveLength(1);
  });

  it("ranks characters that the character endpoints know", async () => {
    const row = ((await call("ranking/overall", { date: YESTERDAY })).body.ranking as Json[])[0]!;
    const { body: id } = await call("id", { character_name: row.character_name as string });
    const { body } = await call("character/basic", { ocid: id.ocid as string, date: YESTERDAY });
    expect(body).toMatchObject({ character_name: row.character_name, world_name: row.world_name, character_level: row.character_level, character_exp: row.character_exp });
  });
});

describe("account-private data comes from the key", () => {
  it("gives two keys two different accounts, and the same key the same answer", async () => {
    const mine = (await call("character/list", {}, KEY)).body;
    const theirs = (await call("character/list", {}, OTHER_KEY)).body;
    expect((await call("character/list", {}, KEY)).body).toEqual(mine);
    const ids = (b: Json) => (b.account_list as Json[]).map((a) => a.account_id);
    expect(ids(mine)).not.toEqual(ids(theirs));
    const characters = (b: Json) => (b.account_list as { character_list: Json[] }[]).flatMap((a) => a.character_list);
    expect(characters(mine).length).toBeGreaterThanOrEqual(3);
    expect(characters(mine).length).toBeLessThanOrEqual(8);
    expect(characters(mine).map((c) => c.ocid)).not.toEqual(characters(theirs).map((c) => c.ocid));
    const achievements = (await call("user/achievement", {}, KEY)).body.account_list as Json[];
    expect(achievements.map((a) => a.account_id)).toEqual(ids(mine));
  });

  it("lists characters the public endpoints know", async () => {
    const list = (await call("character/list", {})).body.account_list as { character_list: Json[] }[];
    for (const c of list.flatMap((a) => a.character_list)) {
      const { status, body } = await call("character/basic", { ocid: c.ocid as string });
      expect(status).toBe(200);
      expect(body).toMatchObject({ character_name: c.character_name, world_name: c.world_name, character_class: c.character_class, character_level: c.character_level });
    }
  });

  it("pages history by next_cursor, newest first, and refuses another key's cursor", async () => {
    const day = await dayWithHistory("starforce", KEY, 25);
    const all = (await call("history/starforce", { count: 1000, date: day })).body;
    const rows: Json[] = [];
    let page = (await call("history/starforce", { count: 10, date: day })).body;
    const cursors: string[] = [];
    for (;;) {
      expect(page.count).toBe((page.starforce_history as Json[]).length);
      expect(page.count as number).toBeLessThanOrEqual(10);
      rows.push(...(page.starforce_history as Json[]));
      if (page.next_cursor === null) break;
      cursors.push(page.next_cursor as string);
      page = (await call("history/starforce", { count: 10, cursor: page.next_cursor as string })).body;
    }
    expect(rows).toEqual(all.starforce_history);
    expect(cursors.length).toBeGreaterThanOrEqual(2);
    const stamps = rows.map((r) => r.date_create as string);
    expect([...stamps].sort().reverse()).toEqual(stamps);
    for (const r of rows) expect((r.date_create as string).startsWith(day)).toBe(true);
    await expectError("history/starforce", { count: 10, cursor: cursors[0]! }, 400, "OPENAPI00003", OTHER_KEY);
    await expectError("history/cube", { count: 10, cursor: cursors[0]! }, 400, "OPENAPI00003");
    const theirs = (await call("history/starforce", { count: 1000, date: day }, OTHER_KEY)).body;
    expect(theirs.starforce_history).not.toEqual(all.starforce_history);
  });
});

describe("progress over time", () => {
  const series = async (ocid: string, dates: string[]) =>
    Promise.all(
      dates.map(async (date) => {
        const basic = (await call("character/basic", { ocid, date })).body;
        const stat = (await call("character/stat", { ocid, date })).body;
        const power = (stat.final_stat as { stat_name: string; stat_value: string }[]).find((s) => s.stat_name === "전투력")!;
        return { level: basic.character_level as number, exp: basic.character_exp as number, rate: Number(basic.character_exp_rate), power: Number(power.stat_value) };
      }),
    );
  const days = (from: string, count: number, step: number) =>
    Array.from({ length: count }, (_, i) => new Date(Date.parse(`${from}T00:00:00Z`) + i * step * 86_400_000).toISOString().slice(0, 10));

  it("level, EXP and combat power grow with every day, and latest is ahead of yesterday", async () => {
    for (const c of SAMPLE_CHARACTERS) {
      const start = c.date_create > "2023-12-21" ? c.date_create : "2023-12-21";
      for (const dates of [days("2026-10-25", 31, 1), days(start, 30, 30)]) {
        const points = await series(c.ocid, dates.filter((d) => d < TODAY));
        for (let i = 1; i < points.length; i++) {
          const [a, b] = [points[i - 1]!, points[i]!];
          expect(b.level > a.level || (b.level === a.level && b.exp > a.exp && b.rate >= a.rate)).toBe(true);
          expect(b.power).toBeGreaterThan(a.power);
        }
      }
      const [yesterday] = await series(c.ocid, [YESTERDAY]);
      const latest = (await call("character/basic", { ocid: c.ocid })).body;
      expect((latest.character_level as number) * 1e15 + (latest.character_exp as number)).toBeGreaterThan(yesterday!.level * 1e15 + yesterday!.exp);
    }
  });

  it("a dated answer never changes", async () => {
    const a = await call("character/item-equipment", { ocid: SAMPLE_CHARACTERS[1]!.ocid, date: "2025-01-01" });
    const b = await call("character/item-equipment", { ocid: SAMPLE_CHARACTERS[1]!.ocid, date: "2025-01-01" });
    expect(a.body).toEqual(b.body);
  });
});

describe("the exported fetcher", () => {
  it("serves the real clock's latest data", async () => {
    const res = await sampleUpstreamFetch(
      new Request(`https://sample.nexon.invalid/maplestory/v1/character/basic?ocid=${SAMPLE_CHARACTERS[0]!.ocid}`, { headers: { "x-nxopen-api-key": "sample-service-key" } }),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ date: null, character_name: SAMPLE_CHARACTERS[0]!.character_name });
  });
});

// ---- MSEA and TMS: their own characters, clock, language and wire shapes ----

const FOREIGN = ["msea", "tms"] as const;
const HANGUL = /[가-힣]/;
const GENDERS: Record<RegionId, string[]> = { kms: ["남", "여"], msea: ["Male", "Female"], tms: ["男", "女"] };
/** The region's section rows (character and union), in table order. */
const sectionsOf = (region: RegionId) => TABLE.filter((def) => def.group === "character" && regionsOf(def).includes(region));
const STATIC = "https://open.api.nexon.com/static/";

/** Every string in a body, with where it is. */
function strings(value: unknown, at = ""): [string, string][] {
  if (typeof value === "string") return [[at, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${at}[${i}]`));
  if (typeof value === "object" && value !== null) return Object.entries(value).flatMap(([k, v]) => strings(v, `${at}.${k}`));
  return [];
}

describe("MSEA and TMS", () => {
  it("have three or four made-up characters and a guild of their own, named and described in the region's language", () => {
    expect(sampleCharactersIn("kms")).toEqual(SAMPLE_CHARACTERS);
    expect(sampleGuildIn("kms")).toEqual(SAMPLE_GUILD);
    const ocids = new Set(SAMPLE_CHARACTERS.map((c) => c.ocid));
    const guildIds = new Set<string>([SAMPLE_GUILD.oguild_id]);
    for (const region of FOREIGN) {
      const { namePattern, worlds, firstDay } = REGIONS[region];
      const chars = sampleCharactersIn(region);
      expect(chars.length).toBeGreaterThanOrEqual(3);
      expect(chars.length).toBeLessThanOrEqual(4);
      for (const c of chars) {
        expect(c.ocid).toMatch(/^[0-9a-f]{32}$/);
        expect(ocids.has(c.ocid)).toBe(false);
        ocids.add(c.ocid);
        expect(c.character_name).toMatch(namePattern);
        expect(c.character_name).toMatch(region === "msea" ? /^[A-Za-z0-9]+$/ : /\p{Script=Han}/u);
        expect(worlds).toContain(c.world_name);
        expect(GENDERS[region]).toContain(c.character_gender);
        expect(c.character_class).not.toMatch(HANGUL);
        expect(c.character_class).toMatch(region === "msea" ? /^[A-Za-z][A-Za-z ()/]*$/ : /\p{Script=Han}/u);
        expect(c.has_ring_exchange).toBe(false);
      }
      expect(new Set(chars.map((c) => c.world_name)).size).toBeGreaterThanOrEqual(2);
      expect(chars.some((c) => c.date_create > firstDay)).toBe(true);
      expect(chars.some((c) => !c.has_android)).toBe(true);
      const guild = sampleGuildIn(region);
      expect(guild.oguild_id).toMatch(/^[0-9a-f]{32}$/);
      expect(guildIds.has(guild.oguild_id)).toBe(false);
      guildIds.add(guild.oguild_id);
      expect(guild.guild_name).toMatch(namePattern);
      expect(guild.guild_name).not.toMatch(HANGUL);
      expect(worlds).toContain(guild.world_name);
      const members = chars.filter((c) => c.character_guild_name === guild.guild_name);
      expect(members.length).toBeGreaterThanOrEqual(2);
      for (const m of members) expect(m.world_name).toBe(guild.world_name);
    }
  });

  it("know names, ocids and guilds only in their own region: another region's are 00004 (names) and 00003 (ids)", async () => {
    for (const region of REGION_IDS) {
      const others = REGION_IDS.filter((r) => r !== region);
      for (const c of sampleCharactersIn(region)) {
        expect((await callIn(region, "id", { character_name: c.character_name })).body).toEqual({ ocid: c.ocid });
        for (const other of others) {
          await expectErrorIn(other, "id", { character_name: c.character_name }, 400, "OPENAPI00004");
          await expectErrorIn(other, "character/basic", { ocid: c.ocid }, 400, "OPENAPI00003");
          await expectErrorIn(other, "user/union", { ocid: c.ocid }, 400, "OPENAPI00003");
        }
      }
      const guild = sampleGuildIn(region);
      expect((await callIn(region, "guild/id", { guild_name: guild.guild_name, world_name: guild.world_name })).body).toEqual({ oguild_id: guild.oguild_id });
      for (const other of others) {
        await expectErrorIn(other, "guild/basic", { oguild_id: guild.oguild_id }, 400, "OPENAPI00003");
        // Another region's world is no world here.
        await expectErrorIn(other, "guild/id", { guild_name: guild.guild_name, world_name: guild.world_name }, 400, "OPENAPI00004");
      }
    }
    // ASCII names match case-insensitively there too.
    const sea = sampleCharactersIn("msea")[0]!;
    expect((await callIn("msea", "id", { character_name: sea.character_name.toUpperCase() })).body).toEqual({ ocid: sea.ocid });
    expect(await callIn("msea", "guild/id", { guild_name: "NoSuchGuild", world_name: "Aquila" })).toMatchObject({ status: 200, body: {} });
  });

  it("answer KMS-only paths (rankings, notices, history, account data, other-stat, ring exchange) with 00006", async () => {
    const sea = sampleCharactersIn("msea")[0]!;
    const tw = sampleCharactersIn("tms")[0]!;
    const kmsOnly: [string, Params][] = [
      ["ranking/overall", { date: YESTERDAY }],
      ["notice", {}],
      ["notice-event/detail", { notice_id: SAMPLE_NOTICE_IDS.event[0]! }],
      ["history/cube", { count: 10, date: YESTERDAY }],
      ["character/list", {}],
      ["user/achievement", {}],
      ["character/other-stat", { ocid: sea.ocid }],
      ["character/ring-exchange-skill-equipment", { ocid: sea.ocid }],
    ];
    for (const [path, params] of kmsOnly) {
      await expectErrorIn("msea", path, params, 400, "OPENAPI00006");
      await expectErrorIn("tms", path, { ...params, ...("ocid" in params ? { ocid: tw.ocid } : {}) }, 400, "OPENAPI00006");
    }
    // The key is still checked first.
    await expectErrorIn("msea", "ranking/overall", {}, 400, "OPENAPI00005", null);
  });

  it("answer every section, latest and dated, in the region's own wire shapes, dated in UTC+8", async () => {
    for (const region of FOREIGN) {
      const covered = new Set<string>();
      for (const c of sampleCharactersIn(region)) {
        for (const def of sectionsOf(region)) {
          const grades = def.path === "character/skill" ? SKILL_GRADES : [undefined];
          for (const grade of grades) {
            for (const date of [null, earliestIn(def, region)!, "2026-01-15"]) {
              const params: Params = { ocid: c.ocid, ...(grade ? { character_skill_grade: grade } : {}), ...(date ? { date } : {}) };
              const { status, body, res } = await callIn(region, def.path, params);
              expect({ region, path: def.path, params, status }).toEqual({ region, path: def.path, params, status: 200 });
              expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
              covered.add(`/${REGIONS[region].service}/v1/${def.path}`);
              const empty = (date !== null && date < c.date_create) || (def.path === "character/android-equipment" && !c.has_android);
              if (empty) expectEmptyBody(def.path, body, date, region);
              else expectShape(def.path, body, region);
              expect(body.date).toBe(bodyDateOf(date, region));
            }
          }
        }
      }
      for (const path of ["id", "guild/id", "guild/basic"]) covered.add(`/${REGIONS[region].service}/v1/${path}`);
      expect([...covered].sort()).toEqual(Object.keys(SCHEMAS[region].endpoints).sort());
    }
  });

  it("answer the identity and guild endpoints in the region's wire shapes, the guild listing its sample members", async () => {
    for (const region of FOREIGN) {
      const c = sampleCharactersIn(region)[0]!;
      const guild = sampleGuildIn(region);
      expectShape("id", (await callIn(region, "id", { character_name: c.character_name })).body, region);
      expectShape("guild/id", (await callIn(region, "guild/id", { guild_name: guild.guild_name, world_name: guild.world_name })).body, region);
      for (const date of [null, "2025-12-01"]) {
        const { body } = await callIn(region, "guild/basic", { oguild_id: guild.oguild_id, ...(date ? { date } : {}) });
        expectShape("guild/basic", body, region);
        expect(body.date).toBe(bodyDateOf(date, region));
        expect(body).toMatchObject({ guild_name: guild.guild_name, world_name: guild.world_name });
        const members = sampleCharactersIn(region).filter((m) => m.character_guild_name === guild.guild_name);
        expect([...(body.guild_member as string[])].sort()).toEqual(members.map((m) => m.character_name).sort());
        expect(body.guild_member_count).toBe(members.length);
      }
    }
  });

  it("write class names, genders, worlds and stat names in the region's language, stats in KMS's order", async () => {
    const kmsStats = (await call("character/stat", { ocid: SAMPLE_CHARACTERS[0]!.ocid })).body.final_stat as { stat_name: string }[];
    const kmsPower = kmsStats.findIndex((s) => s.stat_name === REGIONS.kms.combatPowerStat);
    for (const region of FOREIGN) {
      for (const c of sampleCharactersIn(region)) {
        const basic = (await callIn(region, "character/basic", { ocid: c.ocid })).body;
        expect(basic).toMatchObject({ character_name: c.character_name, world_name: c.world_name, character_class: c.character_class, character_gender: c.character_gender, character_guild_name: c.character_guild_name });
        const stats = (await callIn(region, "character/stat", { ocid: c.ocid })).body.final_stat as { stat_name: string; stat_value: string }[];
        expect(stats).toHaveLength(kmsStats.length);
        expect(stats.findIndex((s) => s.stat_name === REGIONS[region].combatPowerStat)).toBe(kmsPower);
        expect(stats.filter((s) => HANGUL.test(s.stat_name))).toEqual([]);
        for (const def of sectionsOf(region)) {
          const { body } = await callIn(region, def.path, { ocid: c.ocid, ...(def.path === "character/skill" ? { character_skill_grade: "5" } : {}) });
          for (const [at, value] of strings(body)) {
            if (/\.(character_class|champion_class|block_class|block_type|character_gender|android_gender|world_name|guild_name|character_guild_name)$/.test(at)) {
              expect([region, def.path, at, HANGUL.test(value)]).toEqual([region, def.path, at, false]);
            }
          }
          if ("character_class" in body) expect([def.path, body.character_class]).toEqual([def.path, c.character_class]);
        }
      }
    }
  });

  it("leave out the fields their bodies lack, and serve static files from the region's path", async () => {
    for (const region of FOREIGN) {
      const ownStatic = `${STATIC}${REGIONS[region].service}/`;
      for (const c of sampleCharactersIn(region)) {
        const cash = (await callIn(region, "character/cashitem-equipment", { ocid: c.ocid })).body;
        const items = cash.cash_item_equipment_base as Json[];
        expect(items.length).toBeGreaterThan(0);
        for (const item of items) {
          expect("cash_item_effect_prism" in item).toBe(false);
          expect("emotion_name" in item).toBe(false);
        }
        const symbols = (await callIn(region, "character/symbol-equipment", { ocid: c.ocid })).body.symbol as Json[];
        expect(symbols.length).toBeGreaterThan(0);
        for (const symbol of symbols) expect("symbol_other_effect_description" in symbol).toBe(false);

        const basic = (await callIn(region, "character/basic", { ocid: c.ocid })).body;
        expect(basic.character_image as string).toMatch(new RegExp(`^${ownStatic}character/look/[A-P]+$`));
        const icons: string[] = [];
        for (const def of sectionsOf(region)) {
          const { body } = await callIn(region, def.path, { ocid: c.ocid, ...(def.path === "character/skill" ? { character_skill_grade: "5" } : {}) });
          for (const [at, value] of strings(body)) {
            if (!value.startsWith(STATIC)) continue;
            expect([def.path, at, value.startsWith(ownStatic)]).toEqual([def.path, at, true]);
            if (/_icon$/.test(at)) icons.push(value);
          }
        }
        expect(icons.length).toBeGreaterThan(0);
        for (const icon of icons) expect(icon.startsWith(`${ownStatic}item/icon/`)).toBe(true);
      }
    }
  });

  it("answer empty bodies for a character before its creation, and for one without an android", async () => {
    for (const region of FOREIGN) {
      const late = sampleCharactersIn(region).find((c) => c.date_create > REGIONS[region].firstDay)!;
      const before = new Date(Date.parse(`${late.date_create}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
      for (const path of ["character/basic", "character/stat", "character/popularity", "user/union", "character/item-equipment"]) {
        const { status, body } = await callIn(region, path, { ocid: late.ocid, date: before });
        expect(status).toBe(200);
        expectEmptyBody(path, body, before, region);
      }
      const { body } = await callIn(region, "character/basic", { ocid: late.ocid, date: late.date_create });
      expectShape("character/basic", body, region);
      expect(body.character_name).toBe(late.character_name);
      expect(body.character_date_create).toBe(bodyDateOf(late.date_create, region));
      const noAndroid = sampleCharactersIn(region).find((c) => !c.has_android)!;
      expectEmptyBody("character/android-equipment", (await callIn(region, "character/android-equipment", { ocid: noAndroid.ocid })).body, null, region);
    }
  });

  it("refuses today (UTC+8), the future, and days before each row's first day there", async () => {
    // NOW is 13:00 on 2026-11-26 in UTC+8 too.
    for (const region of FOREIGN) {
      const ocid = sampleCharactersIn(region)[0]!.ocid;
      for (const date of [TODAY, "2027-01-01", "2025-02-30"]) await expectErrorIn(region, "character/basic", { ocid, date }, 400, "OPENAPI00004");
      await expectErrorIn(region, "user/union-champion", { ocid, date: "2025-12-17" }, 400, "OPENAPI00004");
      expect((await callIn(region, "user/union-champion", { ocid, date: "2025-12-18" })).status).toBe(200);
      expect((await callIn(region, "character/basic", { ocid, date: YESTERDAY })).status).toBe(200);
      await expectErrorIn(region, "character/skill", { ocid, character_skill_grade: "7" }, 400, "OPENAPI00004");
    }
    await expectErrorIn("msea", "character/basic", { ocid: sampleCharactersIn("msea")[0]!.ocid, date: "2025-04-19" }, 400, "OPENAPI00004");
    await expectErrorIn("tms", "character/basic", { ocid: sampleCharactersIn("tms")[0]!.ocid, date: "2025-10-14" }, 400, "OPENAPI00004");
  });

  it("publish yesterday at 02:00 in their own clock (UTC+8), an hour after KMS", async () => {
    const at = (iso: string, publishDelays = true) => createSampleUpstream({ now: () => Date.parse(iso), publishDelays });
    const get = async (f: ReturnType<typeof createSampleUpstream>, region: RegionId, date: string) => {
      const ocid = sampleCharactersIn(region)[0]!.ocid;
      const res = await f(new Request(`https://x.invalid/${REGIONS[region].service}/v1/character/basic?ocid=${ocid}&date=${date}`, { headers: { "x-nxopen-api-key": KEY } }));
      const body = (await res.json()) as Json;
      return res.status === 200 ? 200 : (body.error as Json).name;
    };
    // 01:30 on 2026-11-26 in UTC+8 is 02:30 KST: KMS has published 11-25, MSEA and TMS not yet.
    const night = at("2026-11-25T17:30:00Z");
    expect(await get(night, "msea", "2026-11-25")).toBe("OPENAPI00009");
    expect(await get(night, "tms", "2026-11-25")).toBe("OPENAPI00009");
    expect(await get(night, "kms", "2026-11-25")).toBe(200);
    expect(await get(night, "msea", "2026-11-24")).toBe(200);
    // 02:00 UTC+8: published there too.
    expect(await get(at("2026-11-25T18:00:00Z"), "msea", "2026-11-25")).toBe(200);
    // 00:30 KST on 11-26 is 23:30 on 11-25 in UTC+8: there 11-25 is still today.
    const lateEvening = at("2026-11-25T15:30:00Z", false);
    expect(await get(lateEvening, "msea", "2026-11-25")).toBe("OPENAPI00004");
    expect(await get(lateEvening, "tms", "2026-11-25")).toBe("OPENAPI00004");
    expect(await get(lateEvening, "kms", "2026-11-25")).toBe(200);
  });

  it("grow their characters day by day, and a dated answer never changes", async () => {
    for (const region of FOREIGN) {
      for (const c of sampleCharactersIn(region)) {
        const start = c.date_create > REGIONS[region].firstDay ? c.date_create : REGIONS[region].firstDay;
        const levels: number[] = [];
        for (const date of [start, "2026-01-01", "2026-06-01", YESTERDAY]) {
          const basic = (await callIn(region, "character/basic", { ocid: c.ocid, date })).body;
          levels.push((basic.character_level as number) * 1e15 + (basic.character_exp as number));
        }
        expect([...levels].sort((a, b) => a - b)).toEqual(levels);
        expect(new Set(levels).size).toBe(levels.length);
      }
      const c = sampleCharactersIn(region)[1]!;
      const a = await callIn(region, "character/item-equipment", { ocid: c.ocid, date: "2026-02-01" });
      expect((await callIn(region, "character/item-equipment", { ocid: c.ocid, date: "2026-02-01" })).body).toEqual(a.body);
    }
  });
});

// ---- Character images (/static/<service>/character/look/<token>) ----

/** A well-formed PNG: signature, chunks with good CRCs, IHDR first, IEND last, image data of the declared size. */
function expectPng(bytes: Uint8Array): void {
  expect([...bytes.slice(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const types: string[] = [];
  const idat: Uint8Array[] = [];
  let header: DataView | undefined;
  for (let at = 8; at < bytes.length; ) {
    const length = view.getUint32(at);
    const typeAndData = bytes.slice(at + 4, at + 8 + length);
    const type = new TextDecoder().decode(typeAndData.slice(0, 4));
    expect([type, view.getUint32(at + 8 + length)]).toEqual([type, crc32(typeAndData)]);
    types.push(type);
    if (type === "IHDR") header = new DataView(typeAndData.buffer, typeAndData.byteOffset + 4, length);
    if (type === "IDAT") idat.push(typeAndData.slice(4));
    at += 12 + length;
  }
  expect(types[0]).toBe("IHDR");
  expect(types.at(-1)).toBe("IEND");
  const [width, height, depth, colour] = [header!.getUint32(0), header!.getUint32(4), header!.getUint8(8), header!.getUint8(9)];
  expect(width).toBeGreaterThan(0);
  expect(height).toBeGreaterThan(0);
  expect([depth, colour]).toEqual([8, 6]);
  const pixels = inflateSync(Buffer.concat(idat));
  expect(pixels.length).toBe(height * (1 + width * 4));
}

describe("character images", () => {
  const picture = (path: string, init: RequestInit = {}) => upstream(new Request(`https://sample.nexon.invalid${path}`, init));

  it("serve every sample character's character_image as a PNG, without a key, ignoring the image parameters", async () => {
    for (const region of REGION_IDS) {
      for (const c of sampleCharactersIn(region)) {
        const image = new URL((await callIn(region, "character/basic", { ocid: c.ocid })).body.character_image as string);
        expect(image.origin + image.pathname).toMatch(new RegExp(`^${STATIC}${REGIONS[region].service}/character/look/[A-P]+$`));
        const res = await picture(`${image.pathname}?action=A01&emotion=E02&wmotion=W01&width=300&height=300&x=150&y=200`);
        expect([region, c.character_name, res.status]).toEqual([region, c.character_name, 200]);
        expect(res.headers.get("content-type")).toBe("image/png");
        expectPng(new Uint8Array(await res.arrayBuffer()));
      }
    }
  });

  it("answer 404 with an empty body for an unknown token, another region's look and other static files", async () => {
    const kmsLook = new URL((await call("character/basic", { ocid: SAMPLE_CHARACTERS[0]!.ocid })).body.character_image as string).pathname;
    const token = kmsLook.split("/").at(-1)!;
    for (const path of [
      "/static/maplestory/character/look/ABCDEFGH",
      `/static/maplestorysea/character/look/${token}`,
      `/static/maplestorym/character/look/${token}`,
      `${kmsLook}/more`,
      "/static/maplestory/item/icon/ABCDEFGH",
    ]) {
      const res = await picture(path, { headers: { "x-nxopen-api-key": KEY } });
      expect([path, res.status, await res.text()]).toEqual([path, 404, ""]);
    }
    expect((await picture(kmsLook, { method: "POST" })).status).toBe(404);
  });
});

// ---- The tests' fake upstream (test/fake-upstream.ts) ----

describe("the tests' fake upstream", () => {
  afterEach(() => vi.restoreAllMocks());

  it("records each call's region and path under its service, and static files by their whole path", async () => {
    const { calls } = fakeUpstream();
    const headers = { "x-nxopen-api-key": KEY };
    const [kms, sea, tw] = [SAMPLE_CHARACTERS[0]!, sampleCharactersIn("msea")[0]!, sampleCharactersIn("tms")[0]!];
    expect((await fetch(`${FAKE_UPSTREAM_ORIGIN}/maplestory/v1/character/basic?ocid=${kms.ocid}`, { headers })).status).toBe(200);
    const basic = (await (await fetch(`${FAKE_UPSTREAM_ORIGIN}/maplestorysea/v1/character/basic?ocid=${sea.ocid}`, { headers })).json()) as Json;
    expect((await fetch(`${FAKE_UPSTREAM_ORIGIN}/maplestorytw/v1/id?character_name=${encodeURIComponent(tw.character_name)}`, { headers })).status).toBe(200);
    const look = new URL(basic.character_image as string).pathname;
    const image = await fetch(`${FAKE_UPSTREAM_ORIGIN}${look}?width=96`);
    expect([image.status, image.headers.get("content-type")]).toEqual([200, "image/png"]);
    expect(calls.map(({ region, path, key }) => ({ region, path, key }))).toEqual([
      { region: "kms", path: "character/basic", key: KEY },
      { region: "msea", path: "character/basic", key: KEY },
      { region: "tms", path: "id", key: KEY },
      { region: "msea", path: look.slice(1), key: null },
    ]);
    expect(calls[3]!.params.get("width")).toBe("96");
  });
});
