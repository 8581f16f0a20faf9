import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { fakeUpstream } from "../../../test/fake-upstream";
import { expectProblem, jsonInit, runToCompletion } from "../../../test/helpers";
import { SAMPLE_CHARACTERS, sampleCharactersIn, sampleGuildIn } from "../../../dev/sample-upstream";
import worker from "../../index";
import type { Bindings } from "../../env";
import { sectionsIn } from "../../upstream/endpoints";
import { callFromNewClient, signedInUser } from "../auth/auth.test-helpers";
import { runDailySnapshots } from "../../jobs/daily-snapshots";

const [sea] = sampleCharactersIn("msea");
const [tw] = sampleCharactersIn("tms");
const kms = SAMPLE_CHARACTERS[0]!;
const call = (path: string, init: RequestInit = {}, bindings: Bindings = env) => runToCompletion(worker, new Request(`https://api.test${path}`, init), bindings);

afterEach(() => vi.restoreAllMocks());

describe("regions on the character routes", () => {
  it("asks MSEA's upstream path with MSEA's key, and keeps KMS URLs as they were", async () => {
    const { calls } = fakeUpstream();
    const res = await call(`/v1/characters/${sea!.ocid}/basic?region=msea`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ character_name: sea!.character_name, world_name: sea!.world_name });
    expect(calls).toMatchObject([{ region: "msea", path: "character/basic", key: "test-service-key-msea" }]);

    const plain = await call(`/v1/characters/${kms.ocid}/basic`);
    expect(plain.status).toBe(200);
    expect(calls[1]).toMatchObject({ region: "kms", path: "character/basic", key: "test-service-key" });
  });

  it("keeps each region's data apart: an MSEA ocid is unknown to KMS, and the same day is another cache entry", async () => {
    const { calls } = fakeUpstream();
    expect((await call(`/v1/characters/${sea!.ocid}/popularity?region=msea`)).status).toBe(200);
    await expectProblem(await call(`/v1/characters/${sea!.ocid}/popularity`), 404, "CHARACTER_NOT_FOUND");
    expect(calls.map((c) => c.region)).toEqual(["msea", "kms"]);
    const again = await call(`/v1/characters/${sea!.ocid}/popularity?region=msea`);
    expect(again.headers.get("x-cache")).toBe("HIT");
    expect(calls).toHaveLength(2);
  });

  it("resolves names by the region's rules: English in MSEA, Chinese in TMS, Hangul refused outside KMS", async () => {
    const { calls } = fakeUpstream();
    const seaLookup = await call(`/v1/characters/lookup?name=${encodeURIComponent(sea!.character_name)}&region=msea`);
    expect(await seaLookup.json()).toEqual({ ocid: sea!.ocid, character_name: sea!.character_name });
    const twLookup = await call(`/v1/characters/lookup?name=${encodeURIComponent(tw!.character_name)}&region=tms`);
    expect(await twLookup.json()).toEqual({ ocid: tw!.ocid, character_name: tw!.character_name });
    const before = calls.length;
    await expectProblem(await call(`/v1/characters/lookup?name=${encodeURIComponent("메이플")}&region=msea`), 400, "VALIDATION_FAILED");
    await expectProblem(await call(`/v1/characters/lookup?name=${encodeURIComponent(tw!.character_name)}&region=msea`), 400, "VALIDATION_FAILED");
    await expectProblem(await call(`/v1/characters/lookup?name=${encodeURIComponent(tw!.character_name)}`), 400, "VALIDATION_FAILED");
    await expectProblem(await call(`/v1/characters/lookup?name=abc&region=jms`), 400, "VALIDATION_FAILED");
    expect(calls).toHaveLength(before);
  });

  it("answers 404 naming the region's sections for a section the region lacks, before any call", async () => {
    const { calls } = fakeUpstream();
    const body = await expectProblem(await call(`/v1/characters/${sea!.ocid}/other-stat?region=msea`), 404, "NOT_FOUND");
    expect(body.valid_sections).toEqual(sectionsIn("msea").map((d) => d.name));
    expect(body.valid_sections).not.toContain("ring-exchange-skill-equipment");
    expect(calls).toHaveLength(0);
  });

  it("checks dates against the region's first day", async () => {
    const { calls } = fakeUpstream();
    const body = await expectProblem(await call(`/v1/characters/${tw!.ocid}/basic?region=tms&date=2025-10-14`), 400, "VALIDATION_FAILED");
    expect(String(body.detail)).toContain("2025-10-15");
    expect(calls).toHaveLength(0);
    expect((await call(`/v1/characters/${kms.ocid}/basic?date=2025-10-14`)).status).toBe(200);
  });

  it("builds the profile from the region's sections by default, and refuses a section it lacks by name", async () => {
    const { calls } = fakeUpstream();
    const res = await call(`/v1/characters/${sea!.ocid}?region=msea`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { sections: Record<string, unknown>; errors: object };
    const expected = sectionsIn("msea").map((d) => d.name).filter((n) => n !== "skill");
    expect(Object.keys(body.sections).sort()).toEqual([...expected].sort());
    expect(body.errors).toEqual({});
    expect(new Set(calls.map((c) => c.region))).toEqual(new Set(["msea"]));
    await expectProblem(await call(`/v1/characters/${sea!.ocid}?region=msea&sections=basic,other-stat`), 404, "NOT_FOUND");
  });

  it("serves a profile by a TMS name", async () => {
    fakeUpstream();
    const res = await call(`/v1/characters/by-name/${encodeURIComponent(tw!.character_name)}?region=tms&sections=basic,stat`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { ocid: string; sections: { basic: { character_name: string } } };
    expect(body.ocid).toBe(tw!.ocid);
    expect(body.sections.basic.character_name).toBe(tw!.character_name);
  });

  it("answers 404 for a region this server has no key for, without calling the upstream", async () => {
    const { calls } = fakeUpstream();
    const withoutTms = { ...env, MAPLESTORY_API_KEY_TMS: undefined } as Bindings;
    const body = await expectProblem(await call(`/v1/characters/${tw!.ocid}/basic?region=tms`, {}, withoutTms), 404, "NOT_FOUND");
    expect(String(body.detail)).toContain("TMS");
    await expectProblem(await call(`/v1/characters/lookup?name=${encodeURIComponent(tw!.character_name)}&region=tms`, {}, withoutTms), 404, "NOT_FOUND");
    expect(calls).toHaveLength(0);
  });
});

describe("regions on guilds", () => {
  it("looks a guild up in its region's world and reads it there", async () => {
    const guild = sampleGuildIn("msea");
    const { calls } = fakeUpstream();
    const lookup = await call(`/v1/guilds/lookup?name=${encodeURIComponent(guild.guild_name)}&world_name=${encodeURIComponent(guild.world_name)}&region=msea`);
    expect(lookup.status).toBe(200);
    expect(await lookup.json()).toMatchObject({ oguild_id: guild.oguild_id });
    const basic = await call(`/v1/guilds/${guild.oguild_id}?region=msea`);
    expect(basic.status).toBe(200);
    expect(calls.every((c) => c.region === "msea")).toBe(true);
  });

  it("refuses a world of another region before any call", async () => {
    const guild = sampleGuildIn("msea");
    const { calls } = fakeUpstream();
    const body = await expectProblem(await call(`/v1/guilds/lookup?name=${encodeURIComponent(guild.guild_name)}&world_name=${encodeURIComponent("스카니아")}&region=msea`), 400, "VALIDATION_FAILED");
    expect(String(body.detail)).toContain("Aquila");
    expect(calls).toHaveLength(0);
  });
});

describe("regions in tracking and progress", () => {
  it("tracks a TMS character by name, keeps its region, and snapshots it by its own clock", async () => {
    fakeUpstream();
    const user = await signedInUser();
    const tracked = await callFromNewClient("/v1/me/tracked", jsonInit("POST", { character_name: tw!.character_name, region: "tms" }, user.auth));
    expect(tracked.status).toBe(201);
    expect(await tracked.json()).toMatchObject({ region: "tms", ocid: tw!.ocid });
    const list = (await (await callFromNewClient("/v1/me/tracked", { headers: user.auth })).json()) as { items: { region: string; ocid: string }[] };
    expect(list.items).toEqual([expect.objectContaining({ region: "tms", ocid: tw!.ocid })]);

    vi.spyOn(console, "log").mockImplementation(() => {});
    const summary = await runDailySnapshots(env, { days: 1 });
    expect(summary.dates.tms).toHaveLength(1);
    const rows = await env.DB.prepare("SELECT region, ocid, date FROM character_snapshots WHERE ocid = ?").bind(tw!.ocid).all();
    expect(rows.results).toEqual([{ region: "tms", ocid: tw!.ocid, date: summary.dates.tms![0] }]);

    // KMS's "untrack" of that ocid is another character: 404; the TMS one goes.
    expect((await callFromNewClient(`/v1/me/tracked/${tw!.ocid}`, { method: "DELETE", headers: user.auth })).status).toBe(404);
    expect((await callFromNewClient(`/v1/me/tracked/${tw!.ocid}?region=tms`, { method: "DELETE", headers: user.auth })).status).toBe(204);
  });

  it("serves an MSEA progress series with combat power read from MSEA's stat names", async () => {
    fakeUpstream();
    const res = await call(`/v1/characters/${sea!.ocid}/progress?region=msea`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: { combat_power: number | null; character_level: number | null }[] };
    expect(body.items).toHaveLength(7);
    const last = body.items.at(-1)!;
    expect(last.character_level).toEqual(expect.any(Number));
    expect(last.combat_power).toEqual(expect.any(Number));
  });
});
