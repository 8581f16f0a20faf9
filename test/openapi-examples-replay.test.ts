/**
 * "Try it out" works: every anonymous GET operation of /openapi.json, called with
 * its examples (path parameters, and the query parameters that have one), answers
 * 2xx from the Worker on the sample upstream. Operations are read from the
 * document, so a new route is replayed without touching this file.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { fakeUpstream } from "./fake-upstream";
import { call } from "./helpers";
import { anonymousGets, exampleOf, type OpenApiDocument, type Operation } from "./openapi-document";

afterEach(() => vi.restoreAllMocks());

const doc = (await (await call("/openapi.json")).json()) as OpenApiDocument;
const operations = anonymousGets(doc);

/** The operation's URL from its examples; names the required parameters that have none. */
function exampleUrl(path: string, op: Operation): { url: string; missing: string[] } {
  const params = op.parameters ?? [];
  const missing = params.filter((p) => (p.in === "path" || p.required) && exampleOf(p) === undefined).map((p) => `${p.in} ${p.name}`);
  const filled = params
    .filter((p) => p.in === "path")
    .reduce((url, p) => url.replace(`{${p.name}}`, encodeURIComponent(String(exampleOf(p)))), path);
  const query = new URLSearchParams();
  for (const p of params) if (p.in === "query" && exampleOf(p) !== undefined) query.set(p.name, String(exampleOf(p)));
  const search = query.toString();
  return { url: search ? `${filled}?${search}` : filled, missing };
}

describe("the document's examples", () => {
  it("cover the anonymous operations: /v1, the gateway's public rows, the image", () => {
    const paths = operations.map((o) => o.path);
    expect(paths).toContain("/v1/characters/{ocid}/image");
    expect(paths).toContain("/nexon/maplestorysea/v1/id");
    expect(paths.filter((p) => p.startsWith("/nexon/")).length).toBeGreaterThan(50);
  });

  it.each(operations.map(({ path, op }) => [path, op] as const))("GET %s with its examples answers 2xx", async (path, op) => {
    const { url, missing } = exampleUrl(path, op);
    expect(missing, "required parameters without an example").toEqual([]);
    fakeUpstream();
    const res = await call(url);
    const body = res.headers.get("content-type")?.startsWith("image/") ? "(image)" : await res.text();
    expect(res.status, `${url}: ${body.slice(0, 300)}`).toBeGreaterThanOrEqual(200);
    expect(res.status, `${url}: ${body.slice(0, 300)}`).toBeLessThan(300);
  });
});

/** Redocly's no-ambiguous-paths comparison: same length, each segment equal or a template on either side, as many templates. */
function ambiguous(a: string, b: string): boolean {
  const x = a.split("/");
  const y = b.split("/");
  const isVar = (s: string) => /^{.+?}$/.test(s);
  if (x.length !== y.length) return false;
  const same = x.every((s, i) => isVar(s) || isVar(y[i]!) || s === y[i]);
  return same && x.filter(isVar).length === y.filter(isVar).length;
}

describe("paths the linter calls ambiguous (redocly.yaml: no-ambiguous-paths)", () => {
  const paths = Object.keys(doc.paths);
  const pairs = paths.flatMap((a, i) => paths.slice(i + 1).filter((b) => ambiguous(a, b)).map((b) => [a, b] as const));

  it("are only /v1/characters/by-name/{name} beside /v1/characters/{ocid}/<fixed segment>", () => {
    const other = pairs.filter(([a, b]) => {
      const [byName, byOcid] = a === "/v1/characters/by-name/{name}" ? [a, b] : [b, a];
      return byName !== "/v1/characters/by-name/{name}" || !/^\/v1\/characters\/\{ocid\}\/[^{}/]+$/.test(byOcid);
    });
    expect(pairs.length).toBeGreaterThan(0);
    expect(other).toEqual([]);
  });

  it("resolve by name at runtime: a name spelled like a section reaches the by-name route, never an {ocid} route", async () => {
    fakeUpstream();
    const segments = pairs.map(([a, b]) => (a === "/v1/characters/by-name/{name}" ? b : a).split("/").at(-1)!);
    for (const segment of segments) {
      const res = await call(`/v1/characters/by-name/${segment}`);
      const problem = (await res.json()) as { code?: string; errors?: { path: string }[] };
      // No sample character has such a name (404), or it is no valid name (400 on `name`); an {ocid} route would refuse the ocid.
      expect({ segment, status: res.status, code: problem.code, ocid: problem.errors?.some((e) => e.path.includes("ocid")) ?? false }).toEqual({
        segment,
        status: res.status === 404 ? 404 : 400,
        code: res.status === 404 ? "CHARACTER_NOT_FOUND" : "VALIDATION_FAILED",
        ocid: false,
      });
    }
  });
});
