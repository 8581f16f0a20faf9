import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { fakeUpstream, nexonError, nexonJson } from "../../test/fake-upstream";
import { call, expectProblem, runToCompletion } from "../../test/helpers";
import { signedInUser } from "../features/auth/auth.test-helpers";
import { endpoint } from "../upstream/endpoints";
import { SAMPLE_CHARACTERS, sampleUpstreamFetch } from "../../dev/sample-upstream";
import worker from "../index";
import { shareFill } from "./coalesce";
import { isolateState } from "./isolate-state";
import { cacheKeyFor } from "./keys";

const hero = SAMPLE_CHARACTERS[0]!;
const BASIC = `/v1/characters/${hero.ocid}/basic`;
const T0 = Date.parse("2026-03-10T12:00:00+09:00");
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

/** The sample upstream, except that character/basic says `character_level: version` (or fails with `failWith`). */
function versionedUpstream() {
  const state = { version: 1, failWith: undefined as string | undefined };
  const fake = fakeUpstream(async (c, request) => {
    if (state.failWith) return nexonError(state.failWith);
    if (c.path !== "character/basic") return undefined;
    const body = (await (await sampleUpstreamFetch(request)).json()) as Record<string, unknown>;
    return nexonJson({ ...body, character_level: state.version });
  });
  return { ...fake, state };
}

const levelOf = async (res: Response) => ((await res.json()) as { character_level: number }).character_level;

function at(time: number) {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(time);
}

const basicKey = (date?: string) =>
  cacheKeyFor("https://api.test", "nexon.test", { def: endpoint("character", "basic"), region: "kms", params: { ocid: hero.ocid }, date });

describe("one upstream answer through the cache", () => {
  it("misses once, then hits without calling the upstream", async () => {
    const { calls } = versionedUpstream();
    at(T0);
    const first = await call(BASIC);
    expect(first.status).toBe(200);
    expect(first.headers.get("x-cache")).toBe("MISS");
    expect(first.headers.get("cache-control")).toBe("public, max-age=900, stale-while-revalidate=3600, stale-if-error=86400");
    expect(first.headers.get("age")).toBe("0");
    expect(first.headers.get("server-timing")).toMatch(/cache;dur=\d+/);
    expect(first.headers.get("server-timing")).toMatch(/upstream;dur=\d+/);
    const text = await first.text();

    const second = await call(BASIC);
    expect(second.headers.get("x-cache")).toBe("HIT");
    expect(second.headers.get("etag")).toBe(first.headers.get("etag"));
    expect(await second.text()).toBe(text);
    expect(calls).toHaveLength(1);
  });

  it("sends max-age as the whole freshness lifetime and Age since the fetch (RFC 9111 §4.2.3)", async () => {
    versionedUpstream();
    at(T0);
    await call(BASIC);
    at(T0 + 5 * MIN);
    const hit = await call(BASIC);
    expect(hit.headers.get("x-cache")).toBe("HIT");
    expect(hit.headers.get("cache-control")).toBe("public, max-age=900, stale-while-revalidate=3600, stale-if-error=86400");
    expect(hit.headers.get("age")).toBe("300");
    // What a downstream cache keeps it fresh for: max-age − Age = the 10 minutes our copy has left.
    const maxAge = Number(/max-age=(\d+)/.exec(hit.headers.get("cache-control")!)![1]);
    expect(maxAge - Number(hit.headers.get("age"))).toBe(10 * 60);
  });

  it("answers 304 to a matching If-None-Match, with the cache headers", async () => {
    versionedUpstream();
    const etag = (await call(BASIC)).headers.get("etag")!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    for (const ifNoneMatch of [etag, `W/${etag}`, `"other", ${etag}`, "*"]) {
      const res = await call(BASIC, { headers: { "If-None-Match": ifNoneMatch } });
      expect(res.status).toBe(304);
      expect(await res.text()).toBe("");
      expect(res.headers.get("etag")).toBe(etag);
      expect(res.headers.get("x-cache")).toBe("HIT");
      expect(res.headers.get("cache-control")).toMatch(/^public, max-age=\d+/);
    }
    expect((await call(BASIC, { headers: { "If-None-Match": '"other"' } })).status).toBe(200);
  });

  it("serves a stale copy while one background call revalidates it", async () => {
    const { calls, state } = versionedUpstream();
    at(T0);
    await call(BASIC);
    at(T0 + 16 * MIN);
    state.version = 2;
    const stale = await call(BASIC);
    expect(stale.headers.get("x-cache")).toBe("STALE");
    // Age past max-age: any downstream cache sees it stale too, 60 s into its stale-while-revalidate window.
    expect(stale.headers.get("cache-control")).toBe("public, max-age=900, stale-while-revalidate=3600, stale-if-error=86400");
    expect(stale.headers.get("age")).toBe(String(16 * 60));
    expect(await levelOf(stale)).toBe(1);
    await vi.waitFor(async () => expect(await levelOf(await call(BASIC))).toBe(2));
    expect(calls).toHaveLength(2);
  });

  it("serves the stale copy when the upstream fails, for a day after freshness", async () => {
    const { calls, state } = versionedUpstream();
    at(T0);
    await call(BASIC);
    at(T0 + 2 * HOUR);
    state.failWith = "OPENAPI00010";
    const res = await call(BASIC);
    expect(res.status).toBe(200);
    expect(res.headers.get("x-cache")).toBe("STALE");
    expect(res.headers.get("cache-control")).toBe("public, max-age=900, stale-while-revalidate=3600, stale-if-error=86400");
    expect(res.headers.get("age")).toBe(String(2 * 3600));
    expect(await levelOf(res)).toBe(1);
    expect(calls).toHaveLength(2);
  });

  it("does not serve a stale copy for the caller's own mistakes", async () => {
    const { state } = versionedUpstream();
    at(T0);
    await call(BASIC);
    at(T0 + 2 * HOUR);
    state.failWith = "OPENAPI00003";
    await expectProblem(await call(BASIC), 404, "CHARACTER_NOT_FOUND");
  });

  it("forgets the copy once stale-if-error is over", async () => {
    const { calls, state } = versionedUpstream();
    at(T0);
    await call(BASIC);
    at(T0 + 15 * MIN + DAY + 1000);
    state.failWith = "OPENAPI00010";
    await expectProblem(await call(BASIC), 503, "UPSTREAM_MAINTENANCE");
    state.failWith = undefined;
    state.version = 3;
    const res = await call(BASIC);
    expect(res.headers.get("x-cache")).toBe("MISS");
    expect(await levelOf(res)).toBe(3);
    expect(calls).toHaveLength(3);
  });

  it("never caches an error (DATA_NOT_READY especially)", async () => {
    const { calls, state } = versionedUpstream();
    state.failWith = "OPENAPI00009";
    const res = await call(BASIC);
    await expectProblem(res, 503, "DATA_NOT_READY");
    expect(res.headers.get("cache-control")).toBe("no-store");
    state.failWith = undefined;
    expect((await call(BASIC)).headers.get("x-cache")).toBe("MISS");
    expect(calls).toHaveLength(2);
  });

  it("keeps a past day for 30 days, an empty one included", async () => {
    const { calls } = fakeUpstream((c) => (c.path === "character/popularity" ? nexonJson({ date: "2025-01-15T00:00+09:00", popularity: null }) : undefined));
    at(T0);
    const first = await call(`${BASIC}?date=2025-01-15`);
    expect(first.headers.get("cache-control")).toBe("public, max-age=2592000");
    const empty = await call(`/v1/characters/${hero.ocid}/popularity?date=2025-01-15`);
    expect(empty.status).toBe(200);
    expect(empty.headers.get("cache-control")).toBe(first.headers.get("cache-control"));
    at(T0 + 29 * DAY);
    const later = await call(`${BASIC}?date=2025-01-15`);
    expect(later.headers.get("x-cache")).toBe("HIT");
    expect(later.headers.get("cache-control")).toBe("public, max-age=2592000");
    expect(later.headers.get("age")).toBe(String((29 * DAY) / 1000));
    const emptyLater = await call(`/v1/characters/${hero.ocid}/popularity?date=2025-01-15`);
    expect(emptyLater.headers.get("x-cache")).toBe("HIT");
    expect(await emptyLater.json()).toEqual({ date: "2025-01-15T00:00+09:00", popularity: null });
    expect(calls.map((c) => c.path)).toEqual(["character/basic", "character/popularity"]);
  });

  it("serves a KV hit when the Cache API has nothing (as on workers.dev), and refills the Cache API", async () => {
    const { calls } = versionedUpstream();
    const key = basicKey();
    at(T0);
    const text = await (await call(BASIC)).text();
    await vi.waitFor(async () => expect(await caches.default.match(key.url)).toBeDefined());
    await vi.waitFor(async () => expect(await env.CACHE.get(key.kv)).toBe(text));
    const { metadata } = await env.CACHE.getWithMetadata<Record<string, unknown>>(key.kv);
    expect(metadata).toMatchObject({ fetched_at: expect.any(Number), fresh_until: expect.any(Number), etag: expect.any(String), empty: false });

    expect(await caches.default.delete(key.url)).toBe(true);
    // Past the seconds in which the answer is still joinable in memory.
    at(T0 + 10_000);
    const res = await call(BASIC);
    expect(res.headers.get("x-cache")).toBe("HIT");
    expect(await res.text()).toBe(text);
    expect(calls).toHaveLength(1);
    await vi.waitFor(async () => expect(await (await caches.default.match(key.url))?.text()).toBe(text));
  });

  it("writes KV once per fill, one write at a time per key, the newest last", async () => {
    const { state } = versionedUpstream();
    const user = await signedInUser();
    const put = vi.spyOn(env.CACHE, "put");
    await call(BASIC);
    await vi.waitFor(() => expect(put).toHaveBeenCalledTimes(1));
    state.version = 2;
    // A refresh a moment after the fill: its write waits for the per-key second to pass.
    await call(`${BASIC}?refresh=true`, { headers: user.auth });
    const stored = async () => JSON.parse((await env.CACHE.get(basicKey().kv))!) as { character_level: number };
    await vi.waitFor(async () => expect((await stored()).character_level).toBe(2), { timeout: 3000 });
    expect(put.mock.calls.map((args) => args[0])).toEqual([basicKey().kv, basicKey().kv]);
  });
});

describe("unknown characters", () => {
  const unknown = "f".repeat(32);

  it("remembers an unknown ocid for 5 minutes: a repeat answers the same 404 without an upstream call", async () => {
    const { calls } = fakeUpstream();
    at(T0);
    await expectProblem(await call(`/v1/characters/${unknown}/basic`), 404, "CHARACTER_NOT_FOUND");
    expect(calls).toHaveLength(1);
    at(T0 + 4 * MIN);
    await expectProblem(await call(`/v1/characters/${unknown}/basic`), 404, "CHARACTER_NOT_FOUND");
    // A profile of the same sections reads the same memory: still no call.
    await expectProblem(await call(`/v1/characters/${unknown}?sections=basic`), 404, "CHARACTER_NOT_FOUND");
    expect(calls).toHaveLength(1);
    at(T0 + 5 * MIN + 1000);
    await expectProblem(await call(`/v1/characters/${unknown}/basic`), 404, "CHARACTER_NOT_FOUND");
    expect(calls).toHaveLength(2);
  });

  it("remembers an unknown name, and a known one is not affected", async () => {
    const { calls } = fakeUpstream();
    for (let i = 0; i < 3; i++) await expectProblem(await call("/v1/characters/lookup?name=NoSuchHero"), 404, "CHARACTER_NOT_FOUND");
    expect(calls).toHaveLength(1);
    expect((await call(`/v1/characters/lookup?name=${encodeURIComponent(hero.character_name)}`)).status).toBe(200);
    expect(calls).toHaveLength(2);
  });
});

describe("what is stored, and when", () => {
  /** character/basic answered as the upstream might send it: pretty-printed, after a byte-order mark. */
  function prettyUpstream() {
    const pretty = `{\n  "date": null,\n  "character_name": "호수",\n  "character_level": 7\n}`;
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(pretty)]);
    const fake = fakeUpstream((c) => (c.path === "character/basic" ? new Response(bytes, { headers: { "content-type": "application/json" } }) : undefined));
    return { ...fake, pretty };
  }

  it("sends and stores the upstream's bytes as they came (no byte-order mark), once the response has been read", async () => {
    const { pretty } = prettyUpstream();
    const key = basicKey();
    const ctx = createExecutionContext();
    const res = await worker.fetch(new Request(`https://api.test${BASIC}`), env, ctx);
    await scheduler.wait(50);
    // Nobody has read the answer yet: nothing is stored.
    expect(await env.CACHE.get(key.kv)).toBeNull();
    expect(await res.text()).toBe(pretty);
    await waitOnExecutionContext(ctx);
    expect(await env.CACHE.get(key.kv)).toBe(pretty);
    expect(await (await caches.default.match(key.url))?.text()).toBe(pretty);
    const hit = await call(BASIC);
    expect(hit.headers.get("x-cache")).toBe("HIT");
    expect(await hit.text()).toBe(pretty);
  });

  it("stores at once after a HEAD request, whose body nobody reads", async () => {
    prettyUpstream();
    const ctx = createExecutionContext();
    const res = await worker.fetch(new Request(`https://api.test${BASIC}`, { method: "HEAD" }), env, ctx);
    expect(res.status).toBe(200);
    // Well before the 5 s cap on waiting for a body that never comes.
    await Promise.race([waitOnExecutionContext(ctx), scheduler.wait(2_000)]);
    expect(await env.CACHE.get(basicKey().kv)).not.toBeNull();
  });

  it("refuses an upstream answer that is not UTF-8 (502), and stores nothing", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const bad = new Uint8Array([...new TextEncoder().encode('{"date":null,"character_name":"'), 0xff, 0xfe, ...new TextEncoder().encode('"}')]);
    fakeUpstream((c) => (c.path === "character/basic" ? new Response(bad, { headers: { "content-type": "application/json" } }) : undefined));
    await expectProblem(await call(BASIC), 502, "UPSTREAM_BAD_RESPONSE");
    expect(await env.CACHE.get(basicKey().kv)).toBeNull();
  });
});

describe("coalescing", () => {
  /** Holds the upstream's answers until `open()`; counts the calls. */
  function heldUpstream(answer?: () => Response) {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const fake = fakeUpstream(async () => {
      await gate;
      return answer?.();
    });
    return { ...fake, open };
  }

  /** Once the first call has reached the upstream, gives the other requests time to join it. */
  async function joined(calls: unknown[]) {
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    await scheduler.wait(100);
  }

  it("makes one upstream call for 50 concurrent identical misses", async () => {
    const { calls, open } = heldUpstream();
    const responses = Array.from({ length: 50 }, () => call(BASIC));
    await joined(calls);
    open();
    const answers = await Promise.all(responses);
    expect(calls).toHaveLength(1);
    const bodies = await Promise.all(answers.map((r) => r.text()));
    expect(new Set(answers.map((r) => r.status))).toEqual(new Set([200]));
    expect(new Set(bodies).size).toBe(1);
  });

  it("lets a joiner give up with a timeout, not hang, when the shared call never settles", async () => {
    vi.useFakeTimers();
    const background = () => {};
    void shareFill("never-settles", () => new Promise<never>(() => {}), background);
    let settled = false;
    const joiner = shareFill("never-settles", () => Promise.reject(new Error("must join, not call")), background).finally(() => (settled = true));
    const outcome = expect(joiner).rejects.toMatchObject({ code: "UPSTREAM_TIMEOUT" });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(5_000);
    await outcome;
  });

  it("lets go of answers once they are no longer joinable, not when the same key comes back", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(T0);
    const keys = Array.from({ length: 20 }, (_, i) => `answered-${i}`);
    for (const key of keys) await shareFill(key, () => Promise.resolve(new Uint8Array(300_000)), () => {});
    expect(isolateState.fills.size).toBe(keys.length);
    vi.setSystemTime(T0 + 6_000);
    await shareFill("after-a-while", () => Promise.resolve(1), () => {});
    // The old answers are gone, though none of their keys was asked again.
    expect(isolateState.fills.size).toBe(1);
  });

  it("shares only fills that outlive the request that started them", async () => {
    // An unknown character's progress: its stat call fails at once, so the 404 goes out
    // while its basic call (slower) is still under way. A later request for that basic
    // answer joins the call, which must still settle once the first request has ended.
    const unknown = "0".repeat(32);
    const day = "2025-03-03";
    fakeUpstream(async (c) => {
      if (c.path === "character/basic") await scheduler.wait(300);
      return nexonError("OPENAPI00003");
    });
    const progress = await exports.default.fetch(`https://api.test/v1/characters/${unknown}/progress?from=${day}&to=${day}`);
    await expectProblem(progress, 404, "CHARACTER_NOT_FOUND");
    const basic = await exports.default.fetch(`https://api.test/v1/characters/${unknown}/basic?date=${day}`);
    await expectProblem(basic, 404, "CHARACTER_NOT_FOUND");
  });

  it("shares the failure too", async () => {
    const { calls, open } = heldUpstream(() => nexonError("OPENAPI00010"));
    const responses = Array.from({ length: 50 }, () => call(BASIC));
    await joined(calls);
    open();
    for (const res of await Promise.all(responses)) await expectProblem(res, 503, "UPSTREAM_MAINTENANCE");
    expect(calls).toHaveLength(1);
  });
});

describe("?refresh=true", () => {
  it("is refused to anonymous callers before any upstream call", async () => {
    const { calls } = versionedUpstream();
    const res = await call(`${BASIC}?refresh=true`);
    await expectProblem(res, 401, "UNAUTHENTICATED");
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
    await expectProblem(await call(`/v1/characters/${hero.ocid}?refresh=true`), 401, "UNAUTHENTICATED");
    await expectProblem(await call(`/v1/rankings/overall?refresh=true`), 401, "UNAUTHENTICATED");
    expect(calls).toHaveLength(0);
    await expectProblem(await call(`${BASIC}?refresh=yes`), 400, "VALIDATION_FAILED");
  });

  it("bypasses the fresh copy for a signed-in user, privately, and refreshes the shared copy", async () => {
    const { calls, state } = versionedUpstream();
    const user = await signedInUser();
    await call(BASIC);
    state.version = 2;
    const res = await call(`${BASIC}?refresh=true`, { headers: user.auth });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-cache")).toBe("BYPASS");
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    expect(await levelOf(res)).toBe(2);
    const shared = await call(BASIC);
    expect(shared.headers.get("cache-control")).toMatch(/^public/);
    expect(await levelOf(shared)).toBe(2);
    expect(calls).toHaveLength(2);
  });

  it("is rate-limited per user (REFRESH_PER_MINUTE)", async () => {
    const { calls } = versionedUpstream();
    const user = await signedInUser();
    const oneRefresh = { ...env, REFRESH_PER_MINUTE: "1" };
    const refresh = () => runToCompletion(worker, new Request(`https://api.test${BASIC}?refresh=true`, { headers: user.auth }), oneRefresh);
    expect((await refresh()).status).toBe(200);
    const res = await refresh();
    await expectProblem(res, 429, "RATE_LIMITED");
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(calls).toHaveLength(1);
    // Apart from the user's other requests: a plain request still answers.
    expect((await runToCompletion(worker, new Request(`https://api.test${BASIC}`, { headers: user.auth }), oneRefresh)).status).toBe(200);
  });

  it("refreshes every section of a profile, in the child invocations too", async () => {
    const { calls } = fakeUpstream();
    const user = await signedInUser();
    const first = await call(`/v1/characters/${hero.ocid}`);
    const sections = calls.length;
    expect(sections).toBeGreaterThan(6);
    const res = await call(`/v1/characters/${hero.ocid}?refresh=true`, { headers: user.auth });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-cache")).toBe("BYPASS");
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    expect(first.headers.get("cache-control")).toMatch(/^public/);
    expect(calls).toHaveLength(2 * sections);
  });
});

describe("private data", () => {
  it("never reaches the shared tiers", async () => {
    const { services } = await import("../middleware/services");
    const { Hono } = await import("hono");
    const { calls } = fakeUpstream();
    const app = new Hono<import("../env").AppEnv>()
      .use(services)
      .get("/", async (c) => c.json((await c.var.services.cache.load({ def: endpoint("account", "characters"), region: "kms", params: {} })).body));
    const res = await app.request("/", {}, env);
    expect(res.status).toBe(500);
    expect(calls).toHaveLength(0);
    const { keys } = await env.CACHE.list();
    expect(keys.filter((k) => k.name.includes("character/list") || k.name.includes("history/"))).toEqual([]);
  });
});
