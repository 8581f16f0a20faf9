import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { SAMPLE_NOTICE_IDS, sampleCharactersIn, sampleGuildIn, sampleUpstreamFetch, type NoticeKind } from "../../../dev/sample-upstream";
import { fakeUpstream } from "../../../test/fake-upstream";
import { call, runToCompletion } from "../../../test/helpers";
import { createApp } from "../../app";
import type { Bindings } from "../../env";
import worker from "../../index";
import { allowedDates, todayIn } from "../../upstream/dates";
import { ENDPOINTS, regionsOf, type EndpointDef } from "../../upstream/endpoints";
import { REGIONS, type RegionId } from "../../upstream/regions";

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

const BASE_URL = "https://api.test/nexon/";
/** Keys the sample upstream accepts, each standing for a different account. */
const KEY_A = "gateway-key-alpha-0001";
const KEY_B = "gateway-key-bravo-0002";

type Body = Record<string, unknown>;

/** The SDKs' "no data" test: every field but `date` null or an empty array. */
const isEmptyData = (body: Body) =>
  Object.entries(body).every(([key, value]) => key === "date" || value === null || (Array.isArray(value) && value.length === 0));

interface SdkAnswer {
  status: number;
  headers: Headers;
  text: string;
  /** The body, or null for "no data" (and for anything but a 2xx). */
  data: Body | null;
  error?: { name: string; message: string };
}

/**
 * A client written the way the public `maplestory-openapi` SDKs call the NEXON
 * Open API: a base URL, then `<service>/v1/<path>` with the query under the
 * upstream's names, the key in `x-nxopen-api-key`; a 2xx empty-data body is
 * "no data", an error is read as `{error: {name, message}}`. Only the base URL
 * points at us.
 */
class SdkLikeClient {
  constructor(
    private readonly apiKey?: string,
    private readonly options: { bindings?: Bindings; headers?: Record<string, string> } = {},
  ) {}

  async get(service: string, path: string, query: Record<string, string | undefined> = {}, headers: Record<string, string> = {}): Promise<SdkAnswer> {
    const url = new URL(`${service}/v1/${path}`, BASE_URL);
    for (const [name, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(name, value);
    const sent = new Headers({ ...this.options.headers, ...headers });
    if (this.apiKey) sent.set("x-nxopen-api-key", this.apiKey);
    const res = await runToCompletion(worker, new Request(url, { headers: sent }), this.options.bindings);
    const text = await res.text();
    if (!res.ok) {
      const error = text ? (JSON.parse(text) as { error: { name: string; message: string } }).error : undefined;
      return { status: res.status, headers: res.headers, text, data: null, error };
    }
    const body = text ? (JSON.parse(text) as Body) : null;
    return { status: res.status, headers: res.headers, text, data: body && !isEmptyData(body) ? body : null };
  }
}

/** The sample upstream, recording the exact text of every answer it sends. */
function recordingUpstream() {
  const sent: string[] = [];
  const fake = fakeUpstream(async (_, request) => {
    const res = await sampleUpstreamFetch(request);
    const text = await res.text();
    sent.push(text);
    return new Response(text, res);
  });
  return { ...fake, sent };
}

const service = (region: RegionId) => REGIONS[region].service;
const kmsHero = sampleCharactersIn("kms")[0]!;
const mseaHero = sampleCharactersIn("msea")[0]!;

/** A query an SDK would send for `def` in `region`, about that region's sample data. */
function sampleQuery(def: EndpointDef, region: RegionId): Record<string, string> {
  const character = sampleCharactersIn(region)[0]!;
  const guild = sampleGuildIn(region);
  const now = Date.now();
  switch (def.group) {
    case "identity":
      return def.path === "id" ? { character_name: character.character_name } : { guild_name: guild.guild_name, world_name: guild.world_name };
    case "character":
      return def.params.character_skill_grade ? { ocid: character.ocid, character_skill_grade: "0" } : { ocid: character.ocid };
    case "guild":
      return { oguild_id: guild.oguild_id };
    case "ranking":
      // As the SDK does: always a date, the latest published day.
      return { date: allowedDates(def, region, now).latest, ...Object.fromEntries(def.required.map((name) => [name, "0"])) };
    case "notice-detail":
      return { notice_id: String(SAMPLE_NOTICE_IDS[def.name as NoticeKind][0]) };
    case "history":
      return { count: "10", date: todayIn(region, now) };
    case "notice":
    case "account":
      return {};
  }
}

const EVERY_ROUTE = ENDPOINTS.flatMap((def) => regionsOf(def).map((region) => [`${service(region)}/v1/${def.path}`, def, region] as const));

describe("the NEXON-compatible gateway", () => {
  it.each(EVERY_ROUTE)("answers %s with the upstream's body, byte for byte", async (_, def, region) => {
    const { calls, sent } = recordingUpstream();
    const sdk = new SdkLikeClient(def.access === "private" ? KEY_A : undefined);
    const answer = await sdk.get(service(region), def.path, sampleQuery(def, region));
    expect(answer.status, answer.text).toBe(200);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ path: def.path, region });
    expect(answer.text).toBe(sent[0]);
    expect(answer.headers.get("content-type")).toContain("application/json");
  });

  it("covers every row of the endpoint table in every region serving it", () => {
    expect(EVERY_ROUTE.length).toBe(ENDPOINTS.reduce((n, def) => n + regionsOf(def).length, 0));
    expect(new Set(EVERY_ROUTE.map(([name]) => name)).size).toBe(EVERY_ROUTE.length);
  });

  it("serves private data with each caller's own key: never shared, never stored", async () => {
    const { calls } = fakeUpstream();
    const first = await new SdkLikeClient(KEY_A).get("maplestory", "character/list");
    const other = await new SdkLikeClient(KEY_B).get("maplestory", "character/list");
    const again = await new SdkLikeClient(KEY_A).get("maplestory", "character/list");
    for (const answer of [first, other, again]) {
      expect(answer.status).toBe(200);
      expect(answer.headers.get("cache-control")).toBe("private, no-store");
      expect(answer.headers.get("x-cache")).toBe("BYPASS");
      expect(answer.data?.account_list).toBeDefined();
    }
    expect(other.text).not.toBe(first.text);
    expect(again.text).toBe(first.text);
    // Each answer came from the upstream with its own key; nothing was kept for the next caller.
    expect(calls.map((c) => c.key)).toEqual([KEY_A, KEY_B, KEY_A]);
    expect((await env.CACHE.list()).keys).toEqual([]);
  });

  it("answers private data without a key as the upstream does (400 OPENAPI00005), without calling it", async () => {
    const { calls } = fakeUpstream();
    for (const path of ["character/list", "user/achievement", "history/cube"]) {
      const answer = await new SdkLikeClient().get("maplestory", path, { count: "10", date: todayIn("kms", Date.now()) });
      expect(answer.status).toBe(400);
      expect(answer.error?.name).toBe("OPENAPI00005");
    }
    expect(calls).toHaveLength(0);
  });

  const today = todayIn("kms", Date.now());
  const mseaGuild = sampleGuildIn("tms");
  it.each([
    ["maplestory", "character/basic", {}],
    ["maplestory", "character/basic", { ocid: "xyz" }],
    ["maplestory", "character/basic", { ocid: "" }],
    ["maplestory", "character/basic", { ocid: kmsHero.ocid, date: "2023-12-20" }],
    ["maplestory", "character/basic", { ocid: kmsHero.ocid, date: "" }],
    ["maplestory", "character/basic", { ocid: kmsHero.ocid, date: "2024-02-30" }],
    ["maplestory", "character/basic", { ocid: kmsHero.ocid, date: today }],
    ["maplestory", "character/skill", { ocid: kmsHero.ocid }],
    ["maplestory", "character/skill", { ocid: kmsHero.ocid, character_skill_grade: "7" }],
    ["maplestorysea", "character/basic", { ocid: mseaHero.ocid, date: "2025-04-19" }],
    ["maplestorysea", "id", { character_name: "메이플소녀" }],
    ["maplestorytw", "guild/id", { guild_name: mseaGuild.guild_name, world_name: "스카니아" }],
    ["maplestory", "ranking/guild", { date: "2025-06-01", ranking_type: "3" }],
    ["maplestory", "ranking/overall", { date: "2025-06-01", page: "0" }],
    ["maplestory", "ranking/overall", { date: "2023-12-21" }],
    ["maplestory", "notice/detail", { notice_id: "abc" }],
    ["maplestory", "notice/detail", { notice_id: "" }],
  ] as const)("refuses %s/v1/%s?%o with 400 OPENAPI00004, without calling the upstream", async (svc, path, query) => {
    const { calls } = fakeUpstream();
    const answer = await new SdkLikeClient().get(svc, path, query);
    expect(answer.status).toBe(400);
    expect(answer.error?.name).toBe("OPENAPI00004");
    expect(answer.error?.message).toMatch(/^\S.*\.$/);
    expect(answer.headers.get("cache-control")).toBe("no-store");
    expect(calls).toHaveLength(0);
  });

  it("refuses a bad history page with 400 OPENAPI00004 before using the caller's key", async () => {
    const { calls } = fakeUpstream();
    const sdk = new SdkLikeClient(KEY_A);
    for (const query of [{ count: "10" }, { count: "5", date: today }, { count: "10", date: "2020-01-01" }]) {
      expect((await sdk.get("maplestory", "history/starforce", query)).error?.name).toBe("OPENAPI00004");
    }
    expect(calls).toHaveLength(0);
  });

  it.each([
    ["GET", "/nexon/maplestory/v1/character/nothing", undefined],
    ["GET", "/nexon/maplestorysea/v1/ranking/overall", "MSEA"],
    ["GET", "/nexon/maplestorytw/v1/character/other-stat", "TMS"],
    ["GET", "/nexon/maplestoryeu/v1/id?character_name=Hero", undefined],
    ["GET", "/nexon/maplestory/v2/id?character_name=Hero", undefined],
    ["GET", "/nexon/maplestory/v1/character/basic/", undefined],
    ["GET", "/nexon/", undefined],
    ["POST", "/nexon/maplestory/v1/character/basic", undefined],
  ])("answers %s %s with 400 OPENAPI00006", async (method, path, naming) => {
    const { calls } = fakeUpstream();
    const res = await call(path, { method });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { name: string; message: string } };
    expect(error.name).toBe("OPENAPI00006");
    if (naming) expect(error.message).toContain(naming);
    expect(calls).toHaveLength(0);
  });

  it("answers a day not yet published with 400 OPENAPI00009, in the region's clock", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const { calls } = fakeUpstream();
    const sdk = new SdkLikeClient();
    const basic = (svc: string, ocid: string, date: string) => sdk.get(svc, "character/basic", { ocid, date }).then((a) => a.error?.name);
    // 00:30 KST is 23:30 UTC+8 the day before: KMS's yesterday (03-09) is not out yet; in MSEA 03-09 is still today.
    vi.setSystemTime(new Date("2026-03-10T00:30:00+09:00"));
    expect(await basic("maplestory", kmsHero.ocid, "2026-03-09")).toBe("OPENAPI00009");
    expect(await basic("maplestory", kmsHero.ocid, "2026-03-10")).toBe("OPENAPI00004");
    expect(await basic("maplestorysea", mseaHero.ocid, "2026-03-09")).toBe("OPENAPI00004");
    // 02:30 KST is 01:30 UTC+8: now MSEA's yesterday is the one not out yet.
    vi.setSystemTime(new Date("2026-03-10T02:30:00+09:00"));
    expect(await basic("maplestorysea", mseaHero.ocid, "2026-03-09")).toBe("OPENAPI00009");
    vi.setSystemTime(new Date("2026-03-10T08:00:00+09:00"));
    expect((await sdk.get("maplestory", "ranking/overall", { date: "2026-03-10" })).error?.name).toBe("OPENAPI00009");
    expect(calls).toHaveLength(0);
    expect((await sdk.get("maplestory", "character/basic", { ocid: kmsHero.ocid, date: "2026-03-09" })).status).toBe(200);
  });

  it("serves a repeat from the cache without an upstream call", async () => {
    const { calls } = fakeUpstream();
    const sdk = new SdkLikeClient();
    const first = await sdk.get("maplestory", "character/basic", { ocid: kmsHero.ocid });
    const second = await sdk.get("maplestory", "character/basic", { ocid: kmsHero.ocid });
    expect(first.headers.get("x-cache")).toBe("MISS");
    expect(second.headers.get("x-cache")).toBe("HIT");
    expect(second.headers.get("cache-control")).toMatch(/^public, max-age=\d+/);
    expect(second.headers.get("age")).toMatch(/^\d+$/);
    expect(second.text).toBe(first.text);
    expect(calls).toHaveLength(1);
  });

  it("shares cache entries with the /v1 routes, whichever door came first", async () => {
    const { calls } = fakeUpstream();
    const sdk = new SdkLikeClient();

    const v1 = await call(`/v1/characters/${kmsHero.ocid}/basic`);
    const gateway = await sdk.get("maplestory", "character/basic", { ocid: kmsHero.ocid.toUpperCase() });
    expect(gateway.headers.get("x-cache")).toBe("HIT");
    expect(gateway.text).toBe(await v1.text());

    const msea = await sdk.get("maplestorysea", "character/stat", { ocid: mseaHero.ocid });
    const mseaV1 = await call(`/v1/characters/${mseaHero.ocid}/stat?region=msea`);
    expect(mseaV1.headers.get("x-cache")).toBe("HIT");
    expect(await mseaV1.text()).toBe(msea.text);

    await sdk.get("maplestory", "id", { character_name: kmsHero.character_name });
    const lookup = await call(`/v1/characters/lookup?name=${encodeURIComponent(kmsHero.character_name)}`);
    expect(lookup.headers.get("x-cache")).toBe("HIT");
    expect(calls.map((c) => c.path)).toEqual(["character/basic", "character/stat", "id"]);
  });

  it("ignores unknown query parameters, which are no part of the cache key", async () => {
    const { calls } = fakeUpstream();
    const sdk = new SdkLikeClient();
    const extra = await sdk.get("maplestory", "character/basic", { ocid: kmsHero.ocid, foo: "bar", refresh: "true" });
    expect(extra.status).toBe(200);
    expect([...calls[0]!.params.keys()]).toEqual(["ocid"]);
    const plain = await sdk.get("maplestory", "character/basic", { ocid: kmsHero.ocid });
    expect(plain.headers.get("x-cache")).toBe("HIT");
    expect(calls).toHaveLength(1);
  });

  it("uses the caller's key on a miss, the region's server key without one; the answer is shared all the same", async () => {
    const { calls } = fakeUpstream();
    await new SdkLikeClient(KEY_A).get("maplestorysea", "character/basic", { ocid: mseaHero.ocid });
    await new SdkLikeClient().get("maplestorysea", "character/popularity", { ocid: mseaHero.ocid });
    const shared = await new SdkLikeClient(KEY_B).get("maplestorysea", "character/basic", { ocid: mseaHero.ocid });
    expect(shared.headers.get("x-cache")).toBe("HIT");
    expect(calls.map((c) => c.key)).toEqual([KEY_A, "test-service-key-msea"]);
  });

  it("passes empty-data answers through unchanged", async () => {
    const { sent } = recordingUpstream();
    const late = sampleCharactersIn("msea").find((c) => c.date_create > "2025-05-01")!;
    const answer = await new SdkLikeClient().get("maplestorysea", "character/basic", { ocid: late.ocid, date: "2025-05-01" });
    expect(answer.status).toBe(200);
    expect(answer.data).toBeNull();
    expect(answer.text).toBe(sent[0]);
  });

  it("sends a ranking's date exactly as given, inventing none", async () => {
    const { calls } = fakeUpstream();
    const sdk = new SdkLikeClient();
    await sdk.get("maplestory", "ranking/union", {});
    await sdk.get("maplestory", "ranking/union", { date: "2025-06-01" });
    expect(calls.map((c) => c.params.get("date"))).toEqual([null, "2025-06-01"]);
  });

  it("passes the upstream's errors through verbatim", async () => {
    const odd = '{ "error": { "name": "OPENAPI00003", "message": "Please input valid id" } }';
    const { calls } = fakeUpstream((c) => {
      if (c.path === "character/basic") return new Response(odd, { status: 400, headers: { "content-type": "application/json" } });
      if (c.path === "character/stat") return new Response('{"error":{"name":"OPENAPI00010","message":"점검 중"}}', { status: 400 });
      return undefined;
    });
    const sdk = new SdkLikeClient();
    const unknown = await sdk.get("maplestory", "character/basic", { ocid: "0".repeat(32) });
    expect(unknown.status).toBe(400);
    expect(unknown.text).toBe(odd);
    expect(unknown.headers.get("cache-control")).toBe("no-store");
    const maintenance = await sdk.get("maplestory", "character/stat", { ocid: kmsHero.ocid });
    expect(maintenance.status).toBe(400);
    expect(maintenance.text).toBe('{"error":{"name":"OPENAPI00010","message":"점검 중"}}');
    // The sample refuses a key that says it is invalid, as NEXON refuses a bad one.
    const refused = await new SdkLikeClient("my-invalid-key").get("maplestory", "character/popularity", { ocid: kmsHero.ocid });
    expect(refused.status).toBe(400);
    expect(refused.error?.name).toBe("OPENAPI00005");
    expect(calls).toHaveLength(3);
  });

  it("answers a remembered unknown ocid or name as the upstream did: 00003, or 00004 on id", async () => {
    const { calls } = fakeUpstream();
    const sdk = new SdkLikeClient();
    for (let i = 0; i < 2; i++) {
      expect((await sdk.get("maplestory", "character/basic", { ocid: "f".repeat(32) })).error?.name).toBe("OPENAPI00003");
      expect((await sdk.get("maplestory", "id", { character_name: "없는캐릭터" })).error?.name).toBe("OPENAPI00004");
    }
    expect(calls).toHaveLength(2);
  });

  it("maps our own failures to the upstream's names: an unreadable upstream answer is 500 OPENAPI00001", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    fakeUpstream(() => new Response("<html>bad gateway</html>", { status: 502 }));
    const answer = await new SdkLikeClient().get("maplestory", "character/basic", { ocid: kmsHero.ocid });
    expect(answer.status).toBe(500);
    expect(answer.error).toEqual({ name: "OPENAPI00001", message: expect.stringMatching(/^[A-Z].*\.$/) });
  });

  it("never blames the caller for our own server key: NEXON refusing it is 500 OPENAPI00001", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const { calls } = fakeUpstream((c) => (c.key === "test-service-key" ? new Response('{"error":{"name":"OPENAPI00005","message":"bad key"}}', { status: 400 }) : undefined));
    const answer = await new SdkLikeClient().get("maplestory", "character/basic", { ocid: kmsHero.ocid });
    expect(answer.status).toBe(500);
    expect(answer.error?.name).toBe("OPENAPI00001");
    expect(calls).toHaveLength(1);
  });

  it("answers 304 to a matching If-None-Match", async () => {
    const { calls } = fakeUpstream();
    const sdk = new SdkLikeClient();
    const first = await sdk.get("maplestory", "guild/basic", { oguild_id: sampleGuildIn("kms").oguild_id });
    const etag = first.headers.get("etag")!;
    expect(etag).toBeTruthy();
    const again = await sdk.get("maplestory", "guild/basic", { oguild_id: sampleGuildIn("kms").oguild_id }, { "If-None-Match": etag });
    expect(again.status).toBe(304);
    expect(again.text).toBe("");
    expect(calls).toHaveLength(1);
  });

  it("answers a region this server has no key for with 400 OPENAPI00006", async () => {
    const { calls } = fakeUpstream();
    const bindings = { ...env, MAPLESTORY_API_KEY_TMS: undefined } as Bindings;
    const answer = await new SdkLikeClient(KEY_A, { bindings }).get("maplestorytw", "id", { character_name: "月影x" });
    expect(answer.status).toBe(400);
    expect(answer.error?.name).toBe("OPENAPI00006");
    expect(answer.error?.message).toContain("TMS");
    expect(calls).toHaveLength(0);
  });
});

describe("client limits on the gateway", () => {
  /** A client address of its own (an IPv6 /64 nobody else in the run uses). */
  const newClient = () => `2001:db8:${crypto.randomUUID().slice(0, 4)}:${crypto.randomUUID().slice(0, 4)}::1`;

  it("answers a client over its upstream-call allowance with 429 OPENAPI00007 and Retry-After; hits stay free", async () => {
    const { calls } = fakeUpstream();
    const bindings = { ...env, CLIENT_UPSTREAM_CALLS_PER_MINUTE: "1" } as Bindings;
    const sdk = new SdkLikeClient(undefined, { bindings, headers: { "CF-Connecting-IP": newClient() } });
    expect((await sdk.get("maplestory", "character/basic", { ocid: kmsHero.ocid })).status).toBe(200);
    const limited = await sdk.get("maplestory", "character/stat", { ocid: kmsHero.ocid });
    expect(limited.status).toBe(429);
    expect(limited.error?.name).toBe("OPENAPI00007");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(calls).toHaveLength(1);
    const hit = await sdk.get("maplestory", "character/basic", { ocid: kmsHero.ocid });
    expect(hit.status).toBe(200);
    expect(hit.headers.get("x-cache")).toBe("HIT");
  });

  it("answers a client over its request limit with 429 OPENAPI00007 and Retry-After", async () => {
    const { calls } = fakeUpstream();
    const limiter = { limit: vi.fn(async () => ({ success: false })) };
    const bindings = { ...env, RATE_LIMIT_PUBLIC: limiter } as unknown as Bindings;
    const request = new Request(`${BASE_URL}maplestory/v1/character/basic?ocid=${kmsHero.ocid}`, { headers: { "CF-Connecting-IP": "203.0.113.77" } });
    const res = await runToCompletion(createApp(), request, bindings);
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("60");
    expect(((await res.json()) as { error: { name: string } }).error.name).toBe("OPENAPI00007");
    expect(limiter.limit).toHaveBeenCalledWith({ key: "client:203.0.113.77" });
    expect(calls).toHaveLength(0);
  });
});

describe("our headers on the gateway", () => {
  const path = `/nexon/maplestory/v1/character/basic?ocid=${kmsHero.ocid}`;

  it("lets any site's preflight send x-nxopen-api-key", async () => {
    const res = await call(path, {
      method: "OPTIONS",
      headers: { Origin: "https://app.elsewhere.example", "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "x-nxopen-api-key" },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("x-nxopen-api-key");
    expect(res.headers.get("vary") ?? "").not.toMatch(/origin/i);
  });

  it.each([
    ["data", path],
    ["an error", "/nexon/maplestory/v1/character/basic?ocid=xyz"],
  ])("adds request id, timing, security and CORS headers to %s", async (_, url) => {
    fakeUpstream();
    const res = await call(url, { headers: { Origin: "https://app.elsewhere.example" } });
    expect(res.headers.get("x-request-id")).toMatch(/^[\w-]+$/);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
    for (const metric of ["total", "cache", "upstream"]) expect(res.headers.get("server-timing")).toMatch(new RegExp(`(^|,\\s*)${metric};dur=`));
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("vary") ?? "").not.toMatch(/origin/i);
  });
});

describe("the gateway in /openapi.json", () => {
  interface Operation {
    operationId: string;
    tags: string[];
    security?: Record<string, string[]>[];
    parameters?: { name: string; in: string; required?: boolean }[];
  }

  it("documents one operation per row and region under its own tag, with the upstream's parameters", async () => {
    const doc = (await (await call("/openapi.json")).json()) as { tags: { name: string }[]; paths: Record<string, { get?: Operation }> };
    expect(doc.tags.map((t) => t.name)).toContain("NEXON gateway");
    const gateway = Object.entries(doc.paths).filter(([p]) => p.startsWith("/nexon/"));
    expect(gateway.map(([p]) => p).sort()).toEqual(EVERY_ROUTE.map(([name]) => `/nexon/${name}`).sort());
    const ids = Object.values(doc.paths).flatMap((item) => Object.values(item).map((op) => (op as Operation).operationId));
    expect(new Set(ids).size).toBe(ids.length);
    for (const [, item] of gateway) expect(item.get?.tags).toEqual(["NEXON gateway"]);

    const skill = doc.paths["/nexon/maplestorysea/v1/character/skill"]!.get!;
    // The query's (If-None-Match, a header, is shared by every cacheable operation).
    expect(skill.parameters?.filter((p) => p.in === "query").map((p) => [p.name, p.required ?? false])).toEqual([
      ["ocid", true],
      ["character_skill_grade", true],
      ["date", false],
    ]);
    expect(doc.paths["/nexon/maplestory/v1/character/list"]!.get!.security).toEqual([{ nexonApiKey: [] }]);
  });
});
