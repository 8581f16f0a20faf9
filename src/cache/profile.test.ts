import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { fakeUpstream } from "../../test/fake-upstream";
import { call, expectProblem, jsonInit, runToCompletion } from "../../test/helpers";
import worker from "../index";
import { SECTIONS } from "../upstream/endpoints";
import { SAMPLE_CHARACTERS } from "../../dev/sample-upstream";
import { planFanout } from "../features/characters/fanout/plan";
import { ProfileSections } from "../index";
import { MAX_OPEN_SUBREQUESTS, SubrequestLimiter } from "../runtime/subrequests";

const hero = SAMPLE_CHARACTERS[0]!;
const PROFILE = `/v1/characters/${hero.ocid}`;
const DEFAULT_SECTIONS = SECTIONS.filter((s) => s.name !== "skill");
const T0 = Date.parse("2026-03-10T12:00:00+09:00");

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

/** The most subrequests each invocation (each limiter) had open at once. */
function watchLimiters(): Map<SubrequestLimiter, number> {
  const peaks = new Map<SubrequestLimiter, number>();
  const open = new Map<SubrequestLimiter, number>();
  const run = SubrequestLimiter.prototype.run;
  vi.spyOn(SubrequestLimiter.prototype, "run").mockImplementation(function <T>(this: SubrequestLimiter, task: () => Promise<T>) {
    return run.call(this, async () => {
      const now = (open.get(this) ?? 0) + 1;
      open.set(this, now);
      peaks.set(this, Math.max(peaks.get(this) ?? 0, now));
      try {
        return await task();
      } finally {
        open.set(this, (open.get(this) ?? 1) - 1);
      }
    }) as Promise<T>;
  });
  return peaks;
}

describe("the profile aggregate and the per-section cache", () => {
  it("costs no upstream call when every section is warm, and says HIT", async () => {
    const { calls } = fakeUpstream();
    const cold = await call(PROFILE);
    expect(cold.status).toBe(200);
    expect(cold.headers.get("x-cache")).toBe("MISS");
    expect(calls).toHaveLength(DEFAULT_SECTIONS.length);
    const coldBody = (await cold.json()) as { sections: Record<string, unknown> };

    const logged = vi.spyOn(console, "log");
    const warm = await call(PROFILE);
    expect(warm.headers.get("x-cache")).toBe("HIT");
    // One bulk KV read answered every section: no child invocation was needed.
    const routes = logged.mock.calls.map(([line]) => (JSON.parse(String(line)) as { route?: string }).route);
    expect(routes).toEqual(["/v1/characters/:ocid"]);
    expect(warm.headers.get("cache-control")).toMatch(/^public, max-age=\d+, stale-while-revalidate=\d+, stale-if-error=\d+$/);
    const warmBody = (await warm.json()) as { sections: Record<string, unknown> };
    expect(warmBody.sections).toEqual(coldBody.sections);
    expect(calls).toHaveLength(DEFAULT_SECTIONS.length);

    const etag = warm.headers.get("etag")!;
    expect(etag).toMatch(/^W\/"/);
    // The cold answer's tag too: a client that kept it gets a 304 from the cached sections.
    expect(cold.headers.get("etag")).toBe(etag);
    const notModified = await call(PROFILE, { headers: { "If-None-Match": etag } });
    expect(notModified.status).toBe(304);
    expect(calls).toHaveLength(DEFAULT_SECTIONS.length);
  });

  it("stores a cold profile's sections in KV only, from the parent, after answering", async () => {
    fakeUpstream();
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(T0);
    const kvPuts = vi.spyOn(env.CACHE, "put");
    const cachePuts = vi.spyOn(caches.default, "put");
    const cold = await call(PROFILE);
    expect(cold.headers.get("x-cache")).toBe("MISS");
    // One KV write per section, all made by the parent (whose env this is); none to the Cache API.
    expect(kvPuts).toHaveBeenCalledTimes(DEFAULT_SECTIONS.length);
    expect(cachePuts).not.toHaveBeenCalled();
    // A section route, once the answer is no longer joinable in memory, reads the
    // copy from KV and refills the Cache API from it.
    vi.setSystemTime(T0 + 10_000);
    const basic = await call(`${PROFILE}/basic`);
    expect(basic.headers.get("x-cache")).toBe("HIT");
    expect(cachePuts).toHaveBeenCalledTimes(1);
  });

  it("shares its sections with the section routes", async () => {
    const { calls } = fakeUpstream();
    await call(`${PROFILE}/basic`);
    await call(`${PROFILE}/stat`);
    const res = await call(`${PROFILE}?sections=basic,stat`);
    expect(res.headers.get("x-cache")).toBe("HIT");
    expect(calls).toHaveLength(2);
    const mixed = await call(`${PROFILE}?sections=basic,stat,union`);
    expect(mixed.headers.get("x-cache")).toBe("MISS");
    expect(calls).toHaveLength(3);
  });

  it("says STALE when any section is stale", async () => {
    fakeUpstream();
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(T0);
    await call(`${PROFILE}/basic`);
    vi.setSystemTime(T0 + 10 * 60_000);
    await call(`${PROFILE}/stat`);
    vi.setSystemTime(T0 + 16 * 60_000);
    const res = await call(`${PROFILE}?sections=basic,stat`);
    expect(res.headers.get("x-cache")).toBe("STALE");
    // Age is the oldest section's (16 min); max-age − Age is the least freshness left (basic: −60 s), so it is stale downstream too.
    expect(res.headers.get("cache-control")).toBe("public, max-age=900, stale-while-revalidate=3600, stale-if-error=86400");
    expect(res.headers.get("age")).toBe(String(16 * 60));
  });

  it("gives sections of different ages max-age − Age = the least freshness any has left", async () => {
    fakeUpstream();
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(T0);
    await call(`${PROFILE}/basic`);
    vi.setSystemTime(T0 + 10 * 60_000);
    await call(`${PROFILE}/stat`);
    vi.setSystemTime(T0 + 12 * 60_000);
    const res = await call(`${PROFILE}?sections=basic,stat`);
    expect(res.headers.get("x-cache")).toBe("HIT");
    // basic has 3 minutes left, stat 13: the profile is fresh downstream for 3.
    expect(res.headers.get("cache-control")).toBe("public, max-age=900, stale-while-revalidate=3600, stale-if-error=86400");
    expect(res.headers.get("age")).toBe(String(12 * 60));
  });
});

describe("the six-subrequest limit", () => {
  it("never lets an invocation open a 7th subrequest, yet loads a cold profile in one round trip", async () => {
    const expected = DEFAULT_SECTIONS.length;
    expect(expected).toBeGreaterThan(MAX_OPEN_SUBREQUESTS);
    const peaks = watchLimiters();

    let inFlight = 0;
    let maxInFlight = 0;
    let release!: () => void;
    const allInFlight = new Promise<void>((resolve) => (release = resolve));
    // Answers nothing until every section's call is in flight: only possible if no invocation waits for another round trip.
    const { calls } = fakeUpstream(async () => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      if (inFlight === expected) release();
      await allInFlight;
      return undefined;
    });
    const res = await call(PROFILE);
    expect(res.status).toBe(200);
    expect(calls).toHaveLength(expected);
    expect(maxInFlight).toBe(expected);
    // The parent, and one child per planned group.
    const plan = planFanout(DEFAULT_SECTIONS.map((def) => ({ key: def.name, def })));
    expect(peaks.size).toBe(1 + plan.children.length);
    for (const peak of peaks.values()) expect(peak).toBeLessThanOrEqual(MAX_OPEN_SUBREQUESTS);
    expect(Math.max(...peaks.values())).toBe(MAX_OPEN_SUBREQUESTS);
  });

  it("plans the heaviest sections into the parent, every section in exactly one group of six or fewer", () => {
    const specs = DEFAULT_SECTIONS.map((def) => ({ key: def.name, def }));
    const { here, children } = planFanout(specs);
    // A call to a child holds one of the parent's six slots until it returns.
    expect(here.length + children.length).toBeLessThanOrEqual(MAX_OPEN_SUBREQUESTS);
    expect(here.map((i) => specs[i]!.key)).toContain("item-equipment");
    const heaviestElsewhere = Math.max(...children.flat().map((i) => specs[i]!.def.typicalKiB ?? 0));
    for (const i of here) expect(specs[i]!.def.typicalKiB ?? 0).toBeGreaterThanOrEqual(heaviestElsewhere);
    expect([...here, ...children.flat()].sort((a, b) => a - b)).toEqual(specs.map((_, i) => i));
    for (const group of [here, ...children]) expect(group.length).toBeLessThanOrEqual(MAX_OPEN_SUBREQUESTS);
  });

  it("answers every section under its own name, in the order asked, wherever it was loaded", async () => {
    fakeUpstream();
    const asked = DEFAULT_SECTIONS.map((s) => s.name).reverse();
    const res = await call(`${PROFILE}?sections=${asked.join(",")}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { sections: Record<string, unknown> };
    expect(Object.keys(body.sections)).toEqual(asked);
    for (const name of ["item-equipment", "basic", "union-raider", "dojang"]) {
      expect(body.sections[name]).toEqual(await (await call(`${PROFILE}/${name}`)).json());
    }
  });

  it("keeps a profile of six sections or fewer in one invocation", async () => {
    const logged = vi.spyOn(console, "log");
    fakeUpstream();
    expect((await call(`${PROFILE}?sections=basic,stat,union,dojang,ability,skill:6`)).status).toBe(200);
    const routes = logged.mock.calls.map(([line]) => JSON.parse(String(line)) as { route?: string }).map((l) => l.route);
    expect(routes).toEqual(["/v1/characters/:ocid"]);
  });
});

describe("with child invocations switched off (PROFILE_CHILD_INVOCATIONS=off)", () => {
  it("loads every section in one invocation, never more than six at a time", async () => {
    const peaks = watchLimiters();
    const { calls } = fakeUpstream();
    const res = await runToCompletion(worker, new Request(`https://api.test${PROFILE}`), { ...env, PROFILE_CHILD_INVOCATIONS: "off" });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { sections: Record<string, unknown> };
    expect(Object.keys(body.sections)).toEqual(DEFAULT_SECTIONS.map((s) => s.name));
    expect(calls).toHaveLength(DEFAULT_SECTIONS.length);
    expect([...peaks.values()]).toEqual([MAX_OPEN_SUBREQUESTS]);
  });
});

describe("a child invocation that fails", () => {
  it("costs nothing but time: the parent loads that child's sections itself, and the profile is whole", async () => {
    const { calls } = fakeUpstream();
    const warned = vi.spyOn(console, "warn");
    // The first child invocation fails outright.
    vi.spyOn(ProfileSections.prototype, "fillSections").mockRejectedValueOnce(new Error("child failed"));
    const res = await call(PROFILE);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { sections: Record<string, unknown>; errors: Record<string, unknown> };
    expect(Object.keys(body.sections)).toEqual(DEFAULT_SECTIONS.map((s) => s.name));
    expect(Object.values(body.sections).filter((v) => v === null)).toHaveLength(Object.keys(body.errors).length);
    // Every section once: the failed child's six were asked again by the parent, the others were not.
    expect(calls).toHaveLength(DEFAULT_SECTIONS.length);
    expect(new Set(calls.map((call) => call.path)).size).toBe(DEFAULT_SECTIONS.length);
    const events = warned.mock.calls.map(([line]) => (JSON.parse(String(line)) as { event?: string }).event);
    expect(events).toContain("profile_child_failed");
  });
});

describe("the internal child route", () => {
  it("is a 404 from the internet", async () => {
    const { calls } = fakeUpstream();
    const body = { ocid: hero.ocid, date: null, sections: [{ name: "basic" }], refresh: true };
    await expectProblem(await call("/__internal/profile-sections", jsonInit("POST", body)), 404, "NOT_FOUND");
    expect(calls).toHaveLength(0);
  });
});
