/**
 * The OpenAPI document's headers and conditional requests against the Worker,
 * on the sample upstream (fakeUpstream). Every GET operation the document says
 * answers 304 is asked plainly, then again with the first answer's ETag in
 * If-None-Match: 200 then 304 without a body, each with every header the
 * document declares on it. Every other GET must send no ETag (a validator the
 * document would not tell clients about), and its 200 every header declared
 * required. Operations are read from the document, as test/hostile/hostile.test.ts
 * does, so a route added later is held to its documentation without touching this file.
 */
import { env } from "cloudflare:workers";
import createClient from "openapi-fetch";
import { afterEach, describe, expect, it, vi } from "vitest";
import { SAMPLE_NOTICE_IDS, sampleCharactersIn, sampleGuildIn, type NoticeKind } from "../dev/sample-upstream";
import { GATEWAY_ROUTES, NEXON_KEY_HEADER } from "../src/features/gateway/gateway.routes";
import { userWithKey } from "../src/features/me/me.test-helpers";
import worker from "../src/index";
import { allowedDates, todayIn } from "../src/upstream/dates";
import type { EndpointDef } from "../src/upstream/endpoints";
import { DEFAULT_REGION, type RegionId } from "../src/upstream/regions";
import { fakeUpstream, nexonError, type UpstreamCall } from "./fake-upstream";
import { call, runToCompletion } from "./helpers";

afterEach(() => vi.restoreAllMocks());

// ---- the document ------------------------------------------------------------

type Ref = { $ref: string };
interface HeaderDoc {
  required?: boolean;
}
interface ParameterDoc {
  name: string;
  in: string;
  required?: boolean;
}
interface ResponseDoc {
  headers?: Record<string, HeaderDoc | Ref>;
}
interface OperationDoc {
  parameters?: (ParameterDoc | Ref)[];
  responses: Record<string, ResponseDoc | Ref>;
  security?: Record<string, string[]>[];
}

const doc = (await (await call("/openapi.json")).json()) as { paths: Record<string, { get?: OperationDoc }> };

/** What a local `#/…` reference points at. */
function resolve<T>(value: T | Ref): T {
  if (typeof value !== "object" || value === null || !("$ref" in value)) return value;
  const target = value.$ref
    .replace(/^#\//, "")
    .split("/")
    .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key.replaceAll("~1", "/").replaceAll("~0", "~")], doc);
  return resolve(target as T | Ref);
}

/** The headers the document declares on `status`: name → whether always sent. */
function declaredHeaders(op: OperationDoc, status: string): Map<string, boolean> {
  const response = op.responses[status];
  const headers = response ? (resolve(response).headers ?? {}) : {};
  return new Map(Object.entries(headers).map(([name, header]) => [name, resolve(header).required === true]));
}

interface GetOperation {
  path: string;
  op: OperationDoc;
  /** Declares a 304: answers If-None-Match. */
  conditional: boolean;
  /** Needs sign-in (a bearer token) or the caller's own NEXON key, and nothing else will do. */
  secured: boolean;
}

/** Whether every way `security` allows needs a credential (`{}` is the anonymous way). */
const needsCredentials = (security: Record<string, string[]>[] = []) => security.length > 0 && security.every((way) => Object.keys(way).length > 0);

const operations: GetOperation[] = Object.entries(doc.paths).flatMap(([path, item]) =>
  item.get ? [{ path, op: item.get, conditional: "304" in item.get.responses, secured: needsCredentials(item.get.security) }] : [],
);

// ---- requests that the sample upstream answers ------------------------------------

/** A key the sample upstream accepts, for the gateway's private rows. */
const SAMPLE_KEY = "openapi-headers-key-0001";

const gatewayRows = new Map(GATEWAY_ROUTES.map(({ def, region, route }) => [route.path, { def, region }]));

/** The date a gateway row needs (the upstream picks none for rankings, and history wants a day or a cursor). */
function gatewayDate(def: EndpointDef, region: RegionId): string | undefined {
  if (def.date.kind === "ranking") return allowedDates(def, region, Date.now()).latest;
  if (def.date.kind === "history") return todayIn(region, Date.now());
  return undefined;
}

/**
 * A value for parameter `name` of the operation at `path` that the sample
 * upstream has data for; a required parameter this does not know fails the
 * test, naming it (add it here).
 */
function sampleValue(path: string, name: string, region: RegionId, def?: EndpointDef): string | undefined {
  const character = sampleCharactersIn(region)[0]!;
  const guild = sampleGuildIn(region);
  switch (name) {
    case "ocid":
      return character.ocid;
    case "character_name":
      return character.character_name;
    case "name":
      return path.startsWith("/v1/guilds/") ? guild.guild_name : character.character_name;
    case "guild_name":
      return guild.guild_name;
    case "world_name":
      return guild.world_name;
    case "oguild_id":
      return guild.oguild_id;
    case "grade":
    case "character_skill_grade":
    case "ranking_type":
    case "difficulty":
      return "0";
    case "type":
      return "general";
    case "notice_id":
      return String(SAMPLE_NOTICE_IDS[(def?.name ?? "general") as NoticeKind][0]);
    case "count":
      return "10";
    case "date":
      return def ? gatewayDate(def, region) : undefined;
    default:
      return undefined;
  }
}

/** The operation's URL with its path filled in and its required query (plus a gateway row's date). */
function sampleUrl({ path, op }: GetOperation): string {
  const row = gatewayRows.get(path);
  const region = row?.region ?? DEFAULT_REGION;
  const query = new URLSearchParams();
  let url = path;
  for (const parameter of (op.parameters ?? []).map((p) => resolve(p))) {
    const needed = parameter.required === true || (parameter.name === "date" && row !== undefined);
    if ((parameter.in !== "path" && parameter.in !== "query") || !needed) continue;
    const value = sampleValue(path, parameter.name, region, row?.def);
    if (value === undefined) {
      if (parameter.required) throw new Error(`no sample value for ${parameter.in} parameter ${parameter.name} of ${path}`);
      continue;
    }
    if (parameter.in === "path") url = url.replace(`{${parameter.name}}`, encodeURIComponent(value));
    else query.set(parameter.name, value);
  }
  return query.size > 0 ? `${url}?${query}` : url;
}

/**
 * Credentials a secured operation needs: the caller's NEXON key on the gateway,
 * elsewhere a signed-in user's bearer token (with a NEXON key registered, which
 * the user's own data needs). The upstream must be faked first.
 */
async function credentials(operation: GetOperation): Promise<Record<string, string>> {
  if (!operation.secured) return {};
  if (gatewayRows.has(operation.path)) return { [NEXON_KEY_HEADER]: SAMPLE_KEY };
  return (await userWithKey()).auth;
}

/** Names of the headers `declared` marks (all of them, or only the required ones) that `res` lacks. */
function missing(res: Response, declared: Map<string, boolean>, which: "all" | "required"): string[] {
  return [...declared].filter(([name, required]) => (which === "all" || required) && !res.headers.has(name)).map(([name]) => name);
}

// ---- the properties ------------------------------------------------------------

const conditional = operations.filter((o) => o.conditional);
const unconditional = operations.filter((o) => !o.conditional);

describe("the OpenAPI document's headers and conditional requests", () => {
  it("reads GET operations with and without a 304 from the document", () => {
    // /v1 public data (characters, guilds, rankings, notices, the image) and the gateway's public rows.
    expect(conditional.length).toBeGreaterThan(90);
    expect(unconditional.length).toBeGreaterThan(5);
    expect(conditional.every((o) => o.op.parameters?.some((p) => resolve(p).name === "If-None-Match"))).toBe(true);
  });

  it.each(conditional.map((o) => [o.path, o] as const))(
    "GET %s: 200 with every declared header, then 304 without a body for its ETag",
    async (_, operation) => {
      fakeUpstream();
      const url = sampleUrl(operation);
      const auth = await credentials(operation);
      const first = await call(url, { headers: auth });
      expect(first.status, `${url}: ${await first.clone().text()}`).toBe(200);
      expect(missing(first, declaredHeaders(operation.op, "200"), "all"), "headers the document declares on the 200").toEqual([]);

      const etag = first.headers.get("ETag")!;
      const again = await call(url, { headers: { ...auth, "If-None-Match": etag } });
      expect(again.status).toBe(304);
      expect(again.body, "a 304 has no body").toBeNull();
      expect(again.headers.get("ETag")).toBe(etag);
      expect(missing(again, declaredHeaders(operation.op, "304"), "all"), "headers the document declares on the 304").toEqual([]);
    },
    30_000,
  );

  it.each(unconditional.map((o) => [o.path, o] as const))(
    "GET %s: no ETag (its document has no 304), and a 200 has every required header",
    async (_, operation) => {
      fakeUpstream();
      const res = await call(sampleUrl(operation), { headers: await credentials(operation) });
      expect(res.status, "answers at all").toBeLessThan(500);
      expect(res.headers.get("ETag"), "a validator the document does not mention").toBeNull();
      if (res.status === 200) expect(missing(res, declaredHeaders(operation.op, "200"), "required")).toEqual([]);
    },
    30_000,
  );
});

describe("Retry-After where the document declares it", () => {
  const byPath = (path: string) => operations.find((o) => o.path === path)!;

  it.each([
    // The picture's own host limiting us: the image answers 503 UPSTREAM_RATE_LIMITED. (A frame no other
    // test asks for: pictures stay in this edge location's cache, which resetCacheState leaves alone.)
    ["/v1/characters/{ocid}/image", 503, "action_frame=1", (call: UpstreamCall) => (call.path.startsWith("static/") ? new Response(null, { status: 429 }) : undefined)],
    // The data API limiting us: /v1 answers 503, the gateway 429 as the upstream would.
    ["/v1/characters/{ocid}/stat", 503, "", () => nexonError("OPENAPI00007", 429)],
    ["/nexon/maplestory/v1/character/stat", 429, "", () => nexonError("OPENAPI00007", 429)],
  ] as const)("GET %s answers %i with every header the document declares on it", async (path, status, extraQuery, upstream) => {
    fakeUpstream(upstream);
    const operation = byPath(path);
    const url = sampleUrl(operation);
    const res = await call(extraQuery ? `${url}${url.includes("?") ? "&" : "?"}${extraQuery}` : url);
    expect(res.status).toBe(status);
    const declared = declaredHeaders(operation.op, String(status));
    expect(declared.get("Retry-After"), "the document promises Retry-After").toBe(true);
    expect(missing(res, declared, "required")).toEqual([]);
    expect(Number(res.headers.get("Retry-After"))).toBeGreaterThan(0);
  });
});

// ---- a generated client ------------------------------------------------------------

/**
 * The one operation the client below calls, as openapi-typescript writes it
 * from the document (test/node/openapi-client.test.ts compiles client code
 * against the whole generated file; workerd cannot run the generator).
 */
interface StatPaths {
  "/v1/characters/{ocid}/stat": {
    get: {
      parameters: { path: { ocid: string }; header?: { "If-None-Match"?: string } };
      responses: {
        200: { headers: { ETag?: string; [name: string]: unknown }; content: { "application/json": Record<string, unknown> } };
        304: { headers: { ETag: string; [name: string]: unknown }; content?: never };
      };
    };
  };
}

describe("an openapi-fetch client", () => {
  it("revalidates with If-None-Match: the real 304 has no body and the ETag, and openapi-fetch gives no data", async () => {
    fakeUpstream();
    const client = createClient<StatPaths>({ baseUrl: "https://api.test", fetch: (request) => runToCompletion(worker, request, env) });
    const ocid = sampleCharactersIn("kms")[0]!.ocid;

    const first = await client.GET("/v1/characters/{ocid}/stat", { params: { path: { ocid } } });
    expect(first.response.status).toBe(200);
    expect(first.data).toBeDefined();
    const etag = first.response.headers.get("ETag")!;
    expect(etag).toMatch(/^"[^"]+"$/);

    const again = await client.GET("/v1/characters/{ocid}/stat", { params: { path: { ocid }, header: { "If-None-Match": etag } } });
    expect(again.response.status).toBe(304);
    expect(again.response.body).toBeNull();
    expect(again.response.headers.get("ETag")).toBe(etag);
    expect(again.data).toBeUndefined();
    // openapi-fetch counts only 2xx as data and reads any other body into `error`: a 304's is empty, never a problem.
    expect(again.error).toBe("");
  });
});
