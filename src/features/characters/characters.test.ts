import { afterEach, describe, expect, it, vi } from "vitest";
import { call, expectProblem } from "../../../test/helpers";
import { fakeUpstream, nexonError, nexonJson } from "../../../test/fake-upstream";
import { SECTION_NAMES, SECTIONS } from "../../upstream/endpoints";
import { SAMPLE_CHARACTERS } from "../../../dev/sample-upstream";

const hero = SAMPLE_CHARACTERS[0]!;
const korean = SAMPLE_CHARACTERS.find((ch) => /[가-힣]/.test(ch.character_name))!;
const UNKNOWN_OCID = "ffffffffffffffffffffffffffffffff";

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe("GET /v1/characters/lookup", () => {
  it("resolves a Korean name to its ocid", async () => {
    fakeUpstream();
    const res = await call(`/v1/characters/lookup?name=${encodeURIComponent(korean.character_name)}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ocid: korean.ocid, character_name: korean.character_name });
  });

  it("answers 404 CHARACTER_NOT_FOUND for an unknown name", async () => {
    fakeUpstream();
    await expectProblem(await call("/v1/characters/lookup?name=NoSuchHero"), 404, "CHARACTER_NOT_FOUND");
  });

  it.each(["", "a b", "toolongname123", "名前", "abc;drop", "%00", "<script>"])(
    "refuses the name %j before calling the upstream",
    async (name) => {
      const { calls } = fakeUpstream();
      await expectProblem(await call(`/v1/characters/lookup?name=${encodeURIComponent(name)}`), 400, "VALIDATION_FAILED");
      expect(calls).toHaveLength(0);
    },
  );
});

describe("GET /v1/characters/{ocid}/{section}", () => {
  it.each(SECTIONS.map((s) => s.name).filter((n) => n !== "skill"))("serves the %s section as the upstream body", async (name) => {
    const { calls } = fakeUpstream();
    const res = await call(`/v1/characters/${hero.ocid}/${name}`);
    const body = (await res.json()) as Record<string, unknown>;
    // A section the character has nothing in (e.g. no android) is still its real answer.
    expect(res.status).toBe(200);
    expect(body).toHaveProperty("date", null);
    const path = SECTIONS.find((s) => s.name === name)!.path;
    const empty = Object.entries(body).every(([k, v]) => k === "date" || v === null || (Array.isArray(v) && v.length === 0));
    // An empty section asks whether the character had any data that day: its basic.
    expect(calls.map((c) => c.path)).toEqual(empty && name !== "basic" ? [path, "character/basic"] : [path]);
  });

  it("needs a valid grade for the skill section", async () => {
    const { calls } = fakeUpstream();
    await expectProblem(await call(`/v1/characters/${hero.ocid}/skill`), 400, "VALIDATION_FAILED");
    await expectProblem(await call(`/v1/characters/${hero.ocid}/skill?grade=7`), 400, "VALIDATION_FAILED");
    expect(calls).toHaveLength(0);
    const res = await call(`/v1/characters/${hero.ocid}/skill?grade=hyperpassive`);
    expect(res.status).toBe(200);
    expect(calls[0]!.params.get("character_skill_grade")).toBe("hyperpassive");
  });

  it("passes a valid date through", async () => {
    const { calls } = fakeUpstream();
    const res = await call(`/v1/characters/${hero.ocid}/basic?date=2025-01-15`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { date: string }).date).toBe("2025-01-15T00:00+09:00");
    expect(calls[0]!.params.get("date")).toBe("2025-01-15");
  });

  it.each([
    ["2023-12-20", "before the earliest day"],
    ["2099-01-01", "in the future"],
    ["2025-02-30", "impossible"],
    ["25-01-01", "malformed"],
    ["", "empty"],
  ])("refuses date=%s (%s) without calling the upstream", async (date) => {
    const { calls } = fakeUpstream();
    const body = await expectProblem(await call(`/v1/characters/${hero.ocid}/basic?date=${date}`), 400, "VALIDATION_FAILED");
    expect(calls).toHaveLength(0);
    if (date.length === 10 && date !== "2025-02-30") expect(body.detail).toMatch(/2023-12-21/);
  });

  it("refuses today and, before 02:00 KST, yesterday", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-03-10T01:30:00+09:00"));
    const { calls } = fakeUpstream();
    await expectProblem(await call(`/v1/characters/${hero.ocid}/basic?date=2026-03-10`), 400, "VALIDATION_FAILED");
    await expectProblem(await call(`/v1/characters/${hero.ocid}/basic?date=2026-03-09`), 400, "VALIDATION_FAILED");
    expect(calls).toHaveLength(0);
    vi.setSystemTime(new Date("2026-03-10T02:30:00+09:00"));
    expect((await call(`/v1/characters/${hero.ocid}/basic?date=2026-03-09`)).status).toBe(200);
  });

  it("refuses a section's dates before that section existed", async () => {
    const { calls } = fakeUpstream();
    await expectProblem(await call(`/v1/characters/${hero.ocid}/other-stat?date=2025-08-20`), 400, "VALIDATION_FAILED");
    expect(calls).toHaveLength(0);
  });

  it.each(["123", "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", "0123456789abcdef0123456789abcdef0"])(
    "refuses the malformed ocid %s before calling the upstream",
    async (ocid) => {
      const { calls } = fakeUpstream();
      await expectProblem(await call(`/v1/characters/${ocid}/basic`), 400, "VALIDATION_FAILED");
      expect(calls).toHaveLength(0);
    },
  );

  it("answers 404 CHARACTER_NOT_FOUND for an unknown well-formed ocid", async () => {
    fakeUpstream();
    await expectProblem(await call(`/v1/characters/${UNKNOWN_OCID}/basic`), 404, "CHARACTER_NOT_FOUND");
  });

  it("answers 404 NO_DATA when the character had no data that day (its basic is empty)", async () => {
    fakeUpstream(() => nexonJson({ date: "2025-06-18T00:00+09:00", popularity: null }));
    await expectProblem(await call(`/v1/characters/${hero.ocid}/popularity?date=2025-06-18`), 404, "NO_DATA");
    await expectProblem(await call(`/v1/characters/${hero.ocid}/basic?date=2025-06-18`), 404, "NO_DATA");
  });

  it("answers 200 with the upstream's body for a section that is empty for a character that exists", async () => {
    const noAndroid = { date: "2025-06-18T00:00+09:00", android_name: null, android_nickname: null, android_equipment: [] };
    const { calls } = fakeUpstream((c) => (c.path === "character/android-equipment" ? nexonJson(noAndroid) : undefined));
    const res = await call(`/v1/characters/${hero.ocid}/android-equipment?date=2025-06-18`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(noAndroid);
    expect(calls.map((c) => c.path)).toEqual(["character/android-equipment", "character/basic"]);
    // In a profile too: the empty section is there, not an error.
    const profile = await call(`/v1/characters/${hero.ocid}?date=2025-06-18&sections=basic,android-equipment`);
    const body = (await profile.json()) as { sections: Record<string, unknown>; errors: Record<string, unknown> };
    expect(body.sections["android-equipment"]).toEqual(noAndroid);
    expect(body.errors).toEqual({});
  });

  it("answers 404 listing the valid sections for an unknown one", async () => {
    const { calls } = fakeUpstream();
    const body = await expectProblem(await call(`/v1/characters/${hero.ocid}/wings`), 404, "NOT_FOUND");
    expect(body.valid_sections).toEqual(SECTION_NAMES);
    expect(calls).toHaveLength(0);
  });

  it.each([
    ["OPENAPI00009", 400, 503, "DATA_NOT_READY"],
    ["OPENAPI00010", 400, 503, "UPSTREAM_MAINTENANCE"],
    ["OPENAPI00011", 503, 503, "UPSTREAM_MAINTENANCE"],
    ["OPENAPI00007", 429, 503, "UPSTREAM_RATE_LIMITED"],
    ["OPENAPI00001", 500, 502, "UPSTREAM_UNAVAILABLE"],
  ])("maps upstream %s to %i %s", async (name, upstreamStatus, status, code) => {
    fakeUpstream(() => nexonError(name, upstreamStatus));
    const res = await call(`/v1/characters/${hero.ocid}/basic`);
    await expectProblem(res, status, code);
    if (status === 503) expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});

describe("GET /v1/characters/{ocid} (aggregate)", () => {
  it("fetches all default sections concurrently: about one round trip", async () => {
    const expected = SECTIONS.filter((s) => s.name !== "skill").length;
    let inFlight = 0;
    let release!: () => void;
    const allInFlight = new Promise<void>((resolve) => (release = resolve));
    // Answers nothing until every section's call is in flight: a sequential client would hang.
    fakeUpstream(async () => {
      inFlight += 1;
      if (inFlight === expected) release();
      await allInFlight;
      return undefined;
    });
    const res = await call(`/v1/characters/${hero.ocid}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { sections: Record<string, unknown>; errors: Record<string, unknown> };
    expect(Object.keys(body.sections).sort()).toEqual(SECTIONS.filter((s) => s.name !== "skill").map((s) => s.name).sort());
    expect(inFlight).toBe(expected);
  });

  it("keeps the requested keys, skill grades included", async () => {
    fakeUpstream();
    const res = await call(`/v1/characters/${hero.ocid}?sections=basic,stat,skill:6,skill:hyperpassive`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { ocid: string; date: null; sections: Record<string, unknown> };
    expect(body.ocid).toBe(hero.ocid);
    expect(body.date).toBeNull();
    expect(Object.keys(body.sections)).toEqual(["basic", "stat", "skill:6", "skill:hyperpassive"]);
  });

  it("leaves out sections that did not exist yet on the asked date, and refuses them by name", async () => {
    const { calls } = fakeUpstream();
    const res = await call(`/v1/characters/${hero.ocid}?date=2024-06-01`);
    const body = (await res.json()) as { sections: Record<string, unknown> };
    expect(Object.keys(body.sections)).not.toContain("other-stat");
    expect(Object.keys(body.sections)).not.toContain("union-champion");
    const before = calls.length;
    await expectProblem(await call(`/v1/characters/${hero.ocid}?date=2024-06-01&sections=basic,other-stat`), 400, "VALIDATION_FAILED");
    await expectProblem(await call(`/v1/characters/${hero.ocid}?sections=basic,wings`), 400, "VALIDATION_FAILED");
    await expectProblem(await call(`/v1/characters/${hero.ocid}?sections=skill`), 400, "VALIDATION_FAILED");
    expect(calls.length).toBe(before);
  });

  it("survives one failing section", async () => {
    fakeUpstream((c) => (c.path === "character/stat" ? nexonError("OPENAPI00001", 500) : undefined));
    const res = await call(`/v1/characters/${hero.ocid}?sections=basic,stat`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { sections: Record<string, unknown>; errors: Record<string, { code: string; status: number }> };
    expect(body.sections.basic).toMatchObject({ character_name: hero.character_name });
    expect(body.sections.stat).toBeNull();
    expect(body.errors.stat).toMatchObject({ code: "UPSTREAM_UNAVAILABLE", status: 502 });
    expect(res.headers.get("cache-control")).not.toMatch(/max-age=[1-9]/);
  });

  it("answers 404 CHARACTER_NOT_FOUND when the ocid is unknown to every section", async () => {
    fakeUpstream();
    await expectProblem(await call(`/v1/characters/${UNKNOWN_OCID}?sections=basic,stat,union`), 404, "CHARACTER_NOT_FOUND");
  });

  it("answers 502 when every section fails upstream", async () => {
    fakeUpstream((c) => (c.path === "character/basic" ? nexonError("OPENAPI00001", 500) : new Response("<html>", { status: 200 })));
    await expectProblem(await call(`/v1/characters/${hero.ocid}?sections=basic,stat`), 502, "UPSTREAM_UNAVAILABLE");
  });
});

describe("GET /v1/characters/by-name/{name}", () => {
  it("resolves the name and returns the sections", async () => {
    const { calls } = fakeUpstream();
    const res = await call(`/v1/characters/by-name/${encodeURIComponent(korean.character_name)}?sections=basic`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { ocid: string; sections: { basic: { character_name: string } } };
    expect(body.ocid).toBe(korean.ocid);
    expect(body.sections.basic.character_name).toBe(korean.character_name);
    expect(calls.map((c) => c.path)).toEqual(["id", "character/basic"]);
  });

  it("validates sections before looking up the name", async () => {
    const { calls } = fakeUpstream();
    await expectProblem(await call(`/v1/characters/by-name/${hero.character_name}?sections=nope`), 400, "VALIDATION_FAILED");
    expect(calls).toHaveLength(0);
  });
});
