import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fakeUpstream, nexonError } from "../../../test/fake-upstream";
import { call, expectProblem } from "../../../test/helpers";
import { resetCacheState } from "../../../test/reset";
import { addDays } from "../../lib/calendar";
import { allowedDates } from "../../upstream/dates";
import { signedInUser } from "../auth/auth.test-helpers";
import { SAMPLE_CHARACTERS } from "../../../dev/sample-upstream";
import { BASIC, storeSnapshots } from "./snapshots";

const hero = SAMPLE_CHARACTERS.find((c) => c.character_name === "SampleHero")!;
const lateStarter = SAMPLE_CHARACTERS.find((c) => c.date_create?.startsWith("2024-06-01"))!;
const latest = () => allowedDates(BASIC, "kms", Date.now()).latest;

interface Progress {
  ocid: string;
  from: string;
  to: string;
  items: { date: string; character_level: number | null; character_exp: number | null; character_exp_rate: number | null; combat_power: number | null }[];
}

beforeEach(() => resetCacheState());
afterEach(() => vi.restoreAllMocks());

describe("GET /v1/characters/{ocid}/progress", () => {
  it("defaults to the last 7 available days, one item per day in order, numbers as numbers", async () => {
    fakeUpstream();
    const res = await call(`/v1/characters/${hero.ocid}/progress`);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("public, max-age=300");
    const body = (await res.json()) as Progress;
    expect(body.to).toBe(latest());
    expect(body.from).toBe(addDays(latest(), -6));
    expect(body.items.map((i) => i.date)).toEqual(Array.from({ length: 7 }, (_, i) => addDays(body.from, i)));
    for (const item of body.items) {
      expect(typeof item.character_level).toBe("number");
      expect(typeof item.character_exp).toBe("number");
      expect(typeof item.character_exp_rate).toBe("number");
      expect(typeof item.combat_power).toBe("number");
    }
    // The sample character grows every day.
    const powers = body.items.map((i) => i.combat_power!);
    expect([...powers].sort((a, b) => a - b)).toEqual(powers);
  });

  it("mixes stored days with backfilled ones, fetching only the missing days, and stores them", async () => {
    const from = "2025-03-01";
    const to = "2025-03-05";
    await storeSnapshots(env.DB, [
      { region: "kms", ocid: hero.ocid, date: "2025-03-02", values: { character_level: 1, character_exp: 2, character_exp_rate: 3.5, combat_power: 4 } },
    ]);
    const { calls } = fakeUpstream();
    const body = (await (await call(`/v1/characters/${hero.ocid}/progress?from=${from}&to=${to}`)).json()) as Progress;
    expect(body.items).toHaveLength(5);
    expect(body.items[1]).toEqual({ date: "2025-03-02", character_level: 1, character_exp: 2, character_exp_rate: 3.5, combat_power: 4 });
    const fetchedDates = [...new Set(calls.map((c) => c.params.get("date")))].sort();
    expect(fetchedDates).toEqual(["2025-03-01", "2025-03-03", "2025-03-04", "2025-03-05"]);
    expect(calls.map((c) => c.path).sort()).toEqual(Array(4).fill(["character/basic", "character/stat"]).flat().sort());

    // Everything is stored now: the same request costs no upstream call.
    await resetCacheState();
    const again = fakeUpstream();
    const second = (await (await call(`/v1/characters/${hero.ocid}/progress?from=${from}&to=${to}`)).json()) as Progress;
    expect(second.items).toEqual(body.items);
    expect(again.calls).toHaveLength(0);
  });

  it("answers null values for days without data", async () => {
    fakeUpstream();
    const body = (await (await call(`/v1/characters/${lateStarter.ocid}/progress?from=2024-05-30&to=2024-06-03`)).json()) as Progress;
    const byDate = Object.fromEntries(body.items.map((i) => [i.date, i]));
    expect(byDate["2024-05-30"]).toEqual({ date: "2024-05-30", character_level: null, character_exp: null, character_exp_rate: null, combat_power: null });
    expect(byDate["2024-06-03"]!.character_level).toEqual(expect.any(Number));
  });

  it.each([
    ["from=2025-03-05&to=2025-03-01", "query.from"],
    ["from=2025-01-01&to=2025-02-15", "query.from"],
    ["to=2099-01-01", "query.to"],
    ["from=2023-12-20&to=2023-12-25", "query.from"],
    ["from=2025-02-30", "query.from"],
    ["from=", "query.from"],
  ])("refuses %s without calling the upstream", async (query, path) => {
    const { calls } = fakeUpstream();
    const body = await expectProblem(await call(`/v1/characters/${hero.ocid}/progress?${query}`), 400, "VALIDATION_FAILED");
    expect(JSON.stringify(body.errors)).toContain(path);
    expect(calls).toHaveLength(0);
  });

  it("is never shared while a day failed upstream (its nulls are not 'no data'), and fills that day later", async () => {
    // Days no other test stores (D1 keeps what earlier tests stored).
    const failing = "2025-05-02";
    fakeUpstream((c) => (c.params.get("date") === failing ? nexonError("OPENAPI00010") : undefined));
    const res = await call(`/v1/characters/${hero.ocid}/progress?from=2025-05-01&to=2025-05-03`);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    const body = (await res.json()) as Progress;
    expect(body.items[1]).toEqual({ date: failing, character_level: null, character_exp: null, character_exp_rate: null, combat_power: null });
    expect(body.items[0]!.character_level).toEqual(expect.any(Number));

    vi.restoreAllMocks();
    await resetCacheState();
    fakeUpstream();
    const again = await call(`/v1/characters/${hero.ocid}/progress?from=2025-05-01&to=2025-05-03`);
    expect(again.headers.get("cache-control")).toBe("public, max-age=300");
    expect(((await again.json()) as Progress).items[1]!.character_level).toEqual(expect.any(Number));
  });

  it("handles refresh=true like every public data route: signed-in only, past the cached copies, never shared", async () => {
    const day = "2025-05-10";
    const progress = `/v1/characters/${hero.ocid}/progress?from=${day}&to=${day}`;
    const { calls } = fakeUpstream();
    await expectProblem(await call(`${progress}&refresh=true`), 401, "UNAUTHENTICATED");
    await expectProblem(await call(`${progress}&refresh=yes`), 400, "VALIDATION_FAILED");
    expect(calls).toHaveLength(0);
    // The day's sections are cached (not yet in D1): a plain request would use the cached copies.
    await call(`/v1/characters/${hero.ocid}/basic?date=${day}`);
    await call(`/v1/characters/${hero.ocid}/stat?date=${day}`);
    expect(calls).toHaveLength(2);
    const user = await signedInUser();
    const res = await call(`${progress}&refresh=true`, { headers: user.auth });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    expect(calls.map((c) => c.path).slice(2).sort()).toEqual(["character/basic", "character/stat"]);
  });

  it("accepts exactly 31 days", async () => {
    fakeUpstream();
    const res = await call(`/v1/characters/${hero.ocid}/progress?from=2025-01-01&to=2025-01-31`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as Progress).items).toHaveLength(31);
  });

  it("answers 404 for an unknown character", async () => {
    fakeUpstream();
    await expectProblem(await call(`/v1/characters/${"f".repeat(32)}/progress?from=2025-01-01&to=2025-01-02`), 404, "CHARACTER_NOT_FOUND");
  });
});
