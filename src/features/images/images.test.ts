import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { SAMPLE_CHARACTERS, sampleCharactersIn, sampleUpstreamFetch } from "../../../dev/sample-upstream";
import { FAKE_UPSTREAM_ORIGIN, fakeUpstream, nexonError, nexonJson } from "../../../test/fake-upstream";
import { call, expectProblem, runToCompletion } from "../../../test/helpers";
import worker from "../../index";
import { Services } from "../../middleware/services";
import { REGIONS, type RegionId } from "../../upstream/regions";
import { pictureCacheUrl } from "./images.service";

const hero = SAMPLE_CHARACTERS[0]!;
const UNKNOWN_OCID = "ffffffffffffffffffffffffffffffff";
const LOOK = "/static/maplestory/character/look/";
const KMS_BASIC = "/maplestory/v1/character/basic";
const DEFAULT_QUERY = "action=A00.0&emotion=E00.0&wmotion=W00";

/**
 * The PNG signature followed by a label: what the server checks of a PNG (its
 * Content-Type and signature), and a way to tell two answers apart.
 */
function fakePng(label: string): Uint8Array {
  return new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new TextEncoder().encode(label)]);
}

const png = (label: string) => new Response(fakePng(label), { headers: { "content-type": "image/png" } });

/** Every picture fetched in this file, so each test can forget what the last one stored (resetCacheState only knows KV keys). */
const fetchedPictures = new Set<string>();

afterEach(async () => {
  vi.restoreAllMocks();
  for (const pathAndQuery of fetchedPictures) await caches.default.delete(pictureCacheUrl("https://api.test", `${FAKE_UPSTREAM_ORIGIN}/`, pathAndQuery));
  fetchedPictures.clear();
});

type Answer = Response | undefined | Promise<Response | undefined>;

/** One outbound request as the upstream saw it: its whole path, its query and its key. */
interface Seen {
  pathname: string;
  query: URLSearchParams;
  key: string | null;
}

const isPicture = (s: Seen) => s.pathname.startsWith("/static/");

/**
 * The fake upstream: the sample for API paths unless `api` answers, and for a
 * picture `picture`'s answer (default: a PNG labelled with its path and query),
 * whether or not the sample serves pictures. Records every request by its URL.
 */
function upstream(options: { api?: (pathname: string) => Answer; picture?: (url: URL) => Answer } = {}) {
  const seen: Seen[] = [];
  const { spy } = fakeUpstream(async (_, request) => {
    const url = new URL(request.url);
    seen.push({ pathname: url.pathname, query: url.searchParams, key: request.headers.get("x-nxopen-api-key") });
    if (url.pathname.startsWith("/static/")) {
      fetchedPictures.add(url.pathname + url.search);
      return (await options.picture?.(url)) ?? png(url.pathname + url.search);
    }
    return options.api?.(url.pathname);
  });
  return { seen, spy, pictures: () => seen.filter(isPicture) };
}

const basicPathIn = (region: RegionId) => `/${REGIONS[region].service}/v1/character/basic`;

/** The sample's basic body of a character, to craft variants of. */
async function sampleBasic(ocid: string, region: RegionId = "kms"): Promise<Record<string, unknown>> {
  const url = `${FAKE_UPSTREAM_ORIGIN}${basicPathIn(region)}?ocid=${ocid}`;
  const res = await sampleUpstreamFetch(new Request(url, { headers: { "x-nxopen-api-key": "test-service-key" } }));
  return (await res.json()) as Record<string, unknown>;
}

/** A fake upstream whose KMS basic, for every character, carries `characterImage`. */
async function withCharacterImage(characterImage: unknown) {
  const basic = await sampleBasic(hero.ocid);
  return upstream({ api: (pathname) => (pathname === KMS_BASIC ? nexonJson({ ...basic, character_image: characterImage }) : undefined) });
}

/** The host of every outbound fetch (the fake refuses, but records, fetches to any host but the test upstream's). */
const fetchedHosts = (spy: ReturnType<typeof fakeUpstream>["spy"]) =>
  spy.mock.calls.map(([input]) => new URL(input instanceof Request ? input.url : String(input)).host);

/** Bindings with a server key for every region, whatever the test config holds. */
const withRegionKeys = { ...env, MAPLESTORY_API_KEY_MSEA: "test-key-msea", MAPLESTORY_API_KEY_TMS: "test-key-tms" };
const callWith = (bindings: typeof env, path: string) => runToCompletion(worker, new Request(`https://api.test${path}`), bindings);

describe("GET /v1/characters/{ocid}/image", () => {
  it("answers a sample character's look as a PNG with the upstream's defaults", async () => {
    const { seen } = upstream();
    const basic = await sampleBasic(hero.ocid);
    const res = await call(`/v1/characters/${hero.ocid}/image`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(res.headers.get("cache-control")).toBe("public, max-age=86400");
    expect(res.headers.get("etag")).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(res.headers.get("x-cache")).toBe("MISS");
    expect(res.headers.get("age")).toBe("0");
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    // Another site's <img> may show it.
    expect(res.headers.get("cross-origin-resource-policy")).toBe("cross-origin");
    expect(res.headers.get("x-request-id")).toBeTruthy();
    // The look's path from basic, under the configured upstream, with our query only.
    const path = new URL(basic.character_image as string).pathname;
    expect(path.startsWith(LOOK)).toBe(true);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(fakePng(`${path}?${DEFAULT_QUERY}`));
    expect(seen.map((s) => s.pathname)).toEqual([KMS_BASIC, path]);
    expect(seen[1]!.query.toString()).toBe(DEFAULT_QUERY);
  });

  it.each(["msea", "tms"] as const)("answers a %s sample character's look from that region's path", async (region) => {
    const character = sampleCharactersIn(region)[0]!;
    const { seen } = upstream();
    const res = await callWith(withRegionKeys, `/v1/characters/${character.ocid}/image?region=${region}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(seen.map((s) => s.pathname)).toEqual([basicPathIn(region), expect.stringMatching(`^/static/${REGIONS[region].service}/character/look/`)]);
    expect(seen[0]!.key).toBe(`test-key-${region}`);
    // Static files are public: no key goes with them.
    expect(seen[1]!.key).toBeNull();
  });

  it("serves a second request from the edge cache without any upstream call, and 304 on If-None-Match", async () => {
    upstream();
    const first = await call(`/v1/characters/${hero.ocid}/image?action=A05`);
    const etag = first.headers.get("etag")!;
    const bytes = new Uint8Array(await first.arrayBuffer());

    const { seen } = upstream();
    const second = await call(`/v1/characters/${hero.ocid}/image?action=A05`);
    expect(second.status).toBe(200);
    expect(second.headers.get("x-cache")).toBe("HIT");
    expect(second.headers.get("etag")).toBe(etag);
    expect(second.headers.get("cache-control")).toBe("public, max-age=86400");
    expect(new Uint8Array(await second.arrayBuffer())).toEqual(bytes);

    const revalidated = await call(`/v1/characters/${hero.ocid}/image?action=A05`, { headers: { "If-None-Match": etag } });
    expect(revalidated.status).toBe(304);
    expect(revalidated.headers.get("etag")).toBe(etag);
    expect(revalidated.headers.get("x-cache")).toBe("HIT");
    expect(await revalidated.text()).toBe("");
    expect(seen).toHaveLength(0);
  });

  it("answers 304 to a matching If-None-Match on a miss too", async () => {
    upstream();
    const etag = (await call(`/v1/characters/${hero.ocid}/image?emotion=E02`)).headers.get("etag")!;
    await caches.default.delete(pictureCacheUrl("https://api.test", `${FAKE_UPSTREAM_ORIGIN}/`, [...fetchedPictures][0]!));
    const res = await call(`/v1/characters/${hero.ocid}/image?emotion=E02`, { headers: { "If-None-Match": `W/"x", ${etag}` } });
    expect(res.status).toBe(304);
    expect(res.headers.get("x-cache")).toBe("MISS");
  });

  it("sends every image parameter in one normalised form, so equal requests share one cached copy", async () => {
    const { pictures } = upstream();
    const ok = await call(
      `/v1/characters/${hero.ocid}/image?y=120&x=100&height=150&width=200&wmotion=W02&emotion_frame=0&emotion=E03&action_frame=2&action=A05`,
    );
    expect(ok.status).toBe(200);
    expect(pictures()[0]!.query.toString()).toBe("action=A05.2&emotion=E03.0&wmotion=W02&width=200&height=150&x=100&y=120");

    const again = await call(`/v1/characters/${hero.ocid}/image?action=A05&action_frame=02&emotion=E03&wmotion=W02&width=200&height=150&x=100&y=120`);
    expect(again.headers.get("x-cache")).toBe("HIT");
    expect(pictures()).toHaveLength(1);
  });

  it("charges the client one upstream call for a picture it fetches, none for a cached one", async () => {
    const charge = vi.spyOn(Services.prototype, "chargeClient");
    const { seen } = upstream();
    await call(`/v1/characters/${hero.ocid}/image?wmotion=W01`);
    // basic (a miss) and the picture: each charged as it is fetched.
    expect(seen).toHaveLength(2);
    expect(charge.mock.calls.map(([n]) => n).reduce((a, b) => a + b, 0)).toBe(2);

    charge.mockClear();
    await call(`/v1/characters/${hero.ocid}/image?wmotion=W03`);
    expect(charge.mock.calls).toEqual([[1]]);

    charge.mockClear();
    expect((await call(`/v1/characters/${hero.ocid}/image?wmotion=W03`)).headers.get("x-cache")).toBe("HIT");
    expect(charge).not.toHaveBeenCalled();
  });

  it("loads the look of the asked day", async () => {
    const { seen } = upstream();
    const res = await call(`/v1/characters/${hero.ocid}/image?date=2025-01-15`);
    expect(res.status).toBe(200);
    expect(seen[0]!.pathname).toBe(KMS_BASIC);
    expect(seen[0]!.query.get("date")).toBe("2025-01-15");
  });

  it.each([
    ["action=A42", "query.action"],
    ["action=a00", "query.action"],
    ["action=Stand1", "query.action"],
    ["action=A00.1", "query.action"],
    ["emotion=E25", "query.emotion"],
    ["wmotion=W05", "query.wmotion"],
    ["action_frame=-1", "query.action_frame"],
    ["action_frame=100", "query.action_frame"],
    ["action_frame=1.5", "query.action_frame"],
    ["emotion_frame=abc", "query.emotion_frame"],
    ["width=95", "query.width"],
    ["width=1001", "query.width"],
    ["height=", "query.height"],
    ["height=50", "query.height"],
    ["x=0", "query.x"],
    ["y=-3", "query.y"],
    ["x=96", "query.x"],
    ["width=200&x=200", "query.x"],
    ["height=300&y=300", "query.y"],
    ["y=1000&height=1000", "query.y"],
    ["action=A01&action=A02", "query.action"],
    ["region=gms", "query.region"],
    ["date=2099-01-01", "query.date"],
    ["date=2023-12-20", "query.date"],
    ["date=", "query.date"],
  ])("refuses %s before any upstream call", async (query, field) => {
    const { seen } = upstream();
    const body = await expectProblem(await call(`/v1/characters/${hero.ocid}/image?${query}`), 400, "VALIDATION_FAILED");
    expect((body.errors as { path: string }[]).map((e) => e.path)).toContain(field);
    expect(seen).toHaveLength(0);
  });

  it("accepts the edges of every range", async () => {
    upstream();
    const res = await call(`/v1/characters/${hero.ocid}/image?action=A41&emotion=E24&wmotion=W04&action_frame=99&emotion_frame=0&width=1000&height=96&x=999&y=95`);
    expect(res.status).toBe(200);
  });

  it("refuses a malformed ocid before any upstream call", async () => {
    const { seen } = upstream();
    await expectProblem(await call("/v1/characters/not-an-ocid/image"), 400, "VALIDATION_FAILED");
    expect(seen).toHaveLength(0);
  });

  it("answers 404 CHARACTER_NOT_FOUND for an unknown ocid, without fetching any picture", async () => {
    const { pictures } = upstream();
    await expectProblem(await call(`/v1/characters/${UNKNOWN_OCID}/image`), 404, "CHARACTER_NOT_FOUND");
    expect(pictures()).toHaveLength(0);
  });

  it("answers 404 NO_DATA on a day the character has no data", async () => {
    const { pictures } = upstream({ api: () => nexonJson({ date: "2025-06-18T00:00+09:00", character_name: null, character_image: null }) });
    await expectProblem(await call(`/v1/characters/${hero.ocid}/image?date=2025-06-18`), 404, "NO_DATA");
    expect(pictures()).toHaveLength(0);
  });

  it("answers 404 NOT_FOUND for a region this server has no key for, without any upstream call", async () => {
    const { seen } = upstream();
    const noTmsKey = { ...env, MAPLESTORY_API_KEY_TMS: undefined };
    const res = await callWith(noTmsKey, `/v1/characters/${hero.ocid}/image?region=tms`);
    const body = await expectProblem(res, 404, "NOT_FOUND");
    expect(body.detail).toMatch(/TMS/);
    expect(seen).toHaveLength(0);
  });

  it.each([null, ""])("answers 404 NOT_FOUND saying so when the character has no image (%j)", async (characterImage) => {
    const { pictures } = await withCharacterImage(characterImage);
    const body = await expectProblem(await call(`/v1/characters/${hero.ocid}/image`), 404, "NOT_FOUND");
    expect(body.detail).toMatch(/no image/);
    expect(pictures()).toHaveLength(0);
  });

  it.each([
    ["another host", "https://evil.example/static/maplestory/character/look/ABCD"],
    ["a look-alike host", "https://open.api.nexon.com.evil.example/static/maplestory/character/look/ABCD"],
    ["userinfo", "https://user:pw@open.api.nexon.com/static/maplestory/character/look/ABCD"],
    ["userinfo hiding the host", "https://open.api.nexon.com@evil.example/static/maplestory/character/look/ABCD"],
    ["a backslash in the authority", "https://evil.example\\@open.api.nexon.com/static/maplestory/character/look/ABCD"],
    ["a port", "https://open.api.nexon.com:8443/static/maplestory/character/look/ABCD"],
    ["plain http", "http://open.api.nexon.com/static/maplestory/character/look/ABCD"],
    ["another scheme", "file:///static/maplestory/character/look/ABCD"],
    ["no scheme", "//evil.example/static/maplestory/character/look/ABCD"],
    ["an API path", "https://open.api.nexon.com/maplestory/v1/character/basic?ocid=abc"],
    ["another static file", "https://open.api.nexon.com/static/maplestory/item/icon/ABCD"],
    ["a .. segment", "https://open.api.nexon.com/static/maplestory/character/look/x/../ABCD"],
    ["an encoded .. segment", "https://open.api.nexon.com/static/maplestory/character/look/%2e%2e"],
    ["a trailing segment", "https://open.api.nexon.com/static/maplestory/character/look/ABCD/more"],
    ["another region's looks", "https://open.api.nexon.com/static/maplestorysea/character/look/ABCD"],
  ])("refuses, logs and never fetches a character_image with %s", async (_, characterImage) => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const { pictures, spy } = await withCharacterImage(characterImage);
    const body = await expectProblem(await call(`/v1/characters/${hero.ocid}/image`), 502, "UPSTREAM_BAD_RESPONSE");
    expect(body.detail).toMatch(/image address/);
    expect(pictures()).toHaveLength(0);
    expect(fetchedHosts(spy).every((host) => host === new URL(FAKE_UPSTREAM_ORIGIN).host)).toBe(true);
    expect(warn.mock.calls.some(([line]) => String(line).includes('"event":"character_image_refused"'))).toBe(true);
  });

  it("treats a character_image that is not a string as a bad upstream answer", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const { pictures } = await withCharacterImage({ url: "https://evil.example/x.png" });
    await expectProblem(await call(`/v1/characters/${hero.ocid}/image`), 502, "UPSTREAM_BAD_RESPONSE");
    expect(pictures()).toHaveLength(0);
  });

  it("fetches a look on NEXON's host from the configured upstream, with our query instead of the body's", async () => {
    const { pictures, spy } = await withCharacterImage("https://open.api.nexon.com/static/maplestory/character/look/ABCD?wmotion=W01&width=5000");
    const res = await call(`/v1/characters/${hero.ocid}/image`);
    expect(res.status).toBe(200);
    expect(pictures().map((s) => [s.pathname, s.query.toString()])).toEqual([[`${LOOK}ABCD`, DEFAULT_QUERY]]);
    expect(fetchedHosts(spy)).not.toContain("open.api.nexon.com");
  });

  it("accepts a look on the configured upstream's own host", async () => {
    const { pictures } = await withCharacterImage(`${FAKE_UPSTREAM_ORIGIN}/static/maplestory/character/look/EFGH`);
    expect((await call(`/v1/characters/${hero.ocid}/image`)).status).toBe(200);
    expect(pictures()[0]!.pathname).toBe(`${LOOK}EFGH`);
  });

  it.each([
    ["HTML", () => new Response("<html>oops</html>", { headers: { "content-type": "text/html" } })],
    ["no Content-Type", () => new Response(fakePng("untyped"))],
    ["JSON", () => nexonJson({ error: { name: "OPENAPI00001" } }, 200)],
    ["bytes that are not a PNG under image/png", () => new Response("GIF89a", { headers: { "content-type": "image/png" } })],
    ["a partial answer", () => new Response(fakePng("part"), { status: 206, headers: { "content-type": "image/png" } })],
    ["an upstream 400", () => nexonError("OPENAPI00004", 400)],
  ])("answers 502 UPSTREAM_BAD_RESPONSE when the upstream sends %s, and stores nothing", async (_, answer) => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    upstream({ picture: answer });
    await expectProblem(await call(`/v1/characters/${hero.ocid}/image?wmotion=W02`), 502, "UPSTREAM_BAD_RESPONSE");
    const { pictures } = upstream();
    const res = await call(`/v1/characters/${hero.ocid}/image?wmotion=W02`);
    expect(res.headers.get("x-cache")).toBe("MISS");
    expect(pictures()).toHaveLength(1);
  });

  it("answers the upstream's 404 with 404 NOT_FOUND, its 429 with 503 and its 5xx with 502", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    upstream({ picture: () => new Response(null, { status: 404 }) });
    const gone = await expectProblem(await call(`/v1/characters/${hero.ocid}/image`), 404, "NOT_FOUND");
    expect(gone.detail).toMatch(/no image/);
    upstream({ picture: () => new Response("slow down", { status: 429 }) });
    await expectProblem(await call(`/v1/characters/${hero.ocid}/image`), 503, "UPSTREAM_RATE_LIMITED");
    upstream({ picture: () => new Response("down", { status: 503 }) });
    await expectProblem(await call(`/v1/characters/${hero.ocid}/image`), 502, "UPSTREAM_UNAVAILABLE");
  });

  it.each(["msea", "tms"] as const)("refuses a KMS look in a %s character's basic", async (region) => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const basicPath = basicPathIn(region);
    const { seen, pictures } = upstream({
      api: (pathname) => (pathname === basicPath ? nexonJson({ character_name: "Arid", character_image: `https://open.api.nexon.com${LOOK}KMSL` }) : undefined),
    });
    await expectProblem(await callWith(withRegionKeys, `/v1/characters/${UNKNOWN_OCID}/image?region=${region}`), 502, "UPSTREAM_BAD_RESPONSE");
    expect(seen.map((s) => s.pathname)).toEqual([basicPath]);
    expect(pictures()).toHaveLength(0);
  });
});
