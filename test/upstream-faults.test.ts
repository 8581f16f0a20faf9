import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../src/app";
import { SAMPLE_CHARACTERS, sampleUpstreamFetch } from "../dev/sample-upstream";
import { fakeUpstream, nexonError, nexonJson } from "./fake-upstream";
import { expectProblem, runToCompletion } from "./helpers";

const hero = SAMPLE_CHARACTERS[0]!;
const BASIC = `/v1/characters/${hero.ocid}/basic`;

/** The Worker with short upstream timeouts, so hanging upstreams fail fast in tests. */
async function callFast(path: string) {
  return runToCompletion(
    createApp(),
    new Request(`https://api.test${path}`, { headers: { "CF-Connecting-IP": "203.0.113.9" } }),
    { ...env, NEXON_TIMEOUT_MS: "100", NEXON_DEADLINE_MS: "2000" },
  );
}

const hang = (request: Request) =>
  new Promise<Response>((_, reject) => request.signal.addEventListener("abort", () => reject(new Error("aborted"))));

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe("upstream faults at the API", () => {
  it("a hanging upstream → 504 UPSTREAM_TIMEOUT after the retries", async () => {
    const { calls } = fakeUpstream((_, request) => hang(request));
    await expectProblem(await callFast(BASIC), 504, "UPSTREAM_TIMEOUT");
    expect(calls).toHaveLength(3);
  });

  it("a slow upstream within the timeout still answers", async () => {
    fakeUpstream(async () => {
      await new Promise((r) => setTimeout(r, 30));
      return undefined;
    });
    expect((await callFast(BASIC)).status).toBe(200);
  });

  it("a 500 that recovers on retry → 200", async () => {
    let n = 0;
    fakeUpstream(() => (n++ === 0 ? nexonError("OPENAPI00001", 500) : undefined));
    expect((await callFast(BASIC)).status).toBe(200);
    expect(n).toBe(2);
  });

  it.each([
    ["a persistent 500", 502, "UPSTREAM_UNAVAILABLE", () => nexonError("OPENAPI00001", 500)],
    ["a bare 503 page", 502, "UPSTREAM_UNAVAILABLE", () => new Response("<html>down</html>", { status: 503 })],
    ["a 429", 503, "UPSTREAM_RATE_LIMITED", () => nexonError("OPENAPI00007", 429, { "Retry-After": "1" })],
    ["game maintenance", 503, "UPSTREAM_MAINTENANCE", () => nexonError("OPENAPI00010", 400)],
    ["API maintenance", 503, "UPSTREAM_MAINTENANCE", () => nexonError("OPENAPI00011", 503)],
    ["data being prepared", 503, "DATA_NOT_READY", () => nexonError("OPENAPI00009", 400)],
    ["truncated JSON", 502, "UPSTREAM_BAD_RESPONSE", () => new Response('{"date":null,"character_name":"Sam', { status: 200 })],
    ["a body of the wrong shape", 502, "UPSTREAM_BAD_RESPONSE", () => nexonJson({ date: null, character_level: "high" })],
  ] as const)("%s → %i %s", async (_, status, code, answer) => {
    fakeUpstream(() => answer());
    const res = await callFast(BASIC);
    await expectProblem(res, status, code);
    expect(res.headers.get("cache-control")).toBe("no-store");
    if (status === 503) expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("caches no error: the next request after a failure asks the upstream again", async () => {
    let failing = true;
    const { calls } = fakeUpstream(() => (failing ? nexonError("OPENAPI00009", 400) : undefined));
    await expectProblem(await callFast(BASIC), 503, "DATA_NOT_READY");
    failing = false;
    const ok = await callFast(BASIC);
    expect(ok.status).toBe(200);
    expect(calls).toHaveLength(2);
  });

  it("serves the stale copy (X-Cache: STALE) when the upstream fails", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const t0 = Date.now();
    vi.setSystemTime(t0);
    let failing = false;
    fakeUpstream(() => (failing ? nexonError("OPENAPI00011", 503) : undefined));
    expect((await callFast(BASIC)).status).toBe(200);
    failing = true;
    vi.setSystemTime(t0 + 3 * 60 * 60 * 1000); // past fresh and stale-while-revalidate, inside stale-if-error
    const res = await callFast(BASIC);
    expect(res.status).toBe(200);
    expect(res.headers.get("x-cache")).toBe("STALE");
    expect(await res.json()).toMatchObject({ character_name: hero.character_name });
  });

  it("keeps no half-result: a profile with a failed section is not shared, and the failed section is asked again", async () => {
    let statFails = true;
    const { calls } = fakeUpstream(async (c, request) => {
      if (c.path === "character/stat" && statFails) return nexonError("OPENAPI00001", 500);
      return sampleUpstreamFetch(request);
    });
    const path = `/v1/characters/${hero.ocid}?sections=basic,stat`;
    const first = await callFast(path);
    expect(first.status).toBe(200);
    expect(first.headers.get("cache-control")).not.toMatch(/public/);
    expect(((await first.json()) as { errors: Record<string, unknown> }).errors).toHaveProperty("stat");

    statFails = false;
    const before = calls.length;
    const second = await callFast(path);
    const body = (await second.json()) as { sections: Record<string, unknown>; errors: Record<string, unknown> };
    expect(body.errors).toEqual({});
    expect(body.sections.stat).not.toBeNull();
    // Only the failed section went upstream again; basic came from the cache.
    expect(calls.slice(before).map((c) => c.path)).toEqual(["character/stat"]);
  });
});
