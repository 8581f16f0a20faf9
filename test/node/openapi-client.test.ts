/**
 * What client developers do with /openapi.json: generate TypeScript types from
 * it and compile code against those types (openapi-lint.test.ts lints it). Runs
 * in Node because the generator and the TypeScript compiler need it.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import openapiTS, { astToString, type OpenAPI3 } from "openapi-typescript";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app";

let document: OpenAPI3;
let dir: string;

beforeAll(async () => {
  const res = await createApp().request("https://api.test/openapi.json", {}, { CORS_ALLOWED_ORIGINS: "" });
  expect(res.status).toBe(200);
  document = (await res.json()) as OpenAPI3;
  dir = mkdtempSync(join(tmpdir(), "maplestorage-client-"));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * openapi-fetch's declarations, for client code compiled in the temporary directory (outside
 * this project's node_modules); its `.mjs` entry has its `.d.mts` beside it.
 */
const OPENAPI_FETCH_TYPES = join(dirname(createRequire(import.meta.url).resolve("openapi-fetch")), "index.d.mts");

/** Compiles `files` (name → source) under the strict options clients typically use; returns every diagnostic. */
function compile(files: Record<string, string>): string[] {
  for (const [name, source] of Object.entries(files)) writeFileSync(join(dir, name), source);
  const program = ts.createProgram(
    Object.keys(files).map((name) => join(dir, name)),
    {
      strict: true,
      noUncheckedIndexedAccess: true,
      exactOptionalPropertyTypes: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      // DOM: the fetch types openapi-fetch is written against, as in a browser client.
      lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
      types: [],
      paths: { "openapi-fetch": [OPENAPI_FETCH_TYPES] },
    },
  );
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file ? `${d.file.fileName.replace(dir, "")}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : "";
    return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
  });
}

/** Code a client would write against the generated types: requests, answers and problems. */
const USAGE = `
import type { components, operations, paths } from "./api";

type Json<T> = T extends { content: { "application/json": infer B } } ? B : never;
type Problem = components["schemas"]["Problem"];

const lookupQuery: paths["/v1/characters/lookup"]["get"]["parameters"]["query"] = { name: "SampleHero" };
const lookup: Json<paths["/v1/characters/lookup"]["get"]["responses"][200]> = {
  ocid: "c81e4a7f02b95d3e6a4f1c8d7b2e9a05",
  character_name: "SampleHero",
};
const notFound: Problem = {
  type: "https://maplestorage.dev/problems/character-not-found",
  title: "Character not found",
  status: 404,
  detail: "No character has that name.",
  code: "CHARACTER_NOT_FOUND",
  request_id: "req-1",
};
// @ts-expect-error codes are a closed set
const unknownCode: Problem["code"] = "NOT_A_CODE";

type Profile = Json<operations["getCharacterProfile"]["responses"][200]>;
function sectionNames(profile: Profile): string[] {
  return Object.keys(profile.sections);
}
// A profile's section may be null (it failed); a skill section is keyed by its grade, never a bare "skill".
const level = (profile: Profile): number | undefined => profile.sections.basic?.character_level;
const skills = (profile: Profile) => profile.sections["skill:6"]?.character_skill;
// @ts-expect-error the profile never answers under a bare "skill"
const bareSkill = (profile: Profile) => profile.sections.skill;

// A single section's 200 is its body, never null (the profile's nullability stays in the profile).
type Basic = Json<paths["/v1/characters/{ocid}/basic"]["get"]["responses"][200]>;
const className = (basic: Basic): string => basic.character_class;
// @ts-expect-error a section's 200 is never null
const noBasic: Basic = null;

type Health = Json<paths["/health"]["get"]["responses"][200]>;
const healthy = (h: Health): boolean => h.status === "ok";

export { lookupQuery, lookup, notFound, unknownCode, sectionNames, level, skills, bareSkill, className, noBasic, healthy };
`;

/**
 * A client revalidating a kept copy with openapi-fetch: If-None-Match is a
 * declared header parameter (an undeclared one does not compile), a 304 is
 * a response without a body that names the current ETag, and it is handled
 * before `error`: openapi-fetch counts only 2xx as data, so a 304 arrives with
 * `data` undefined and its empty body as `error` (the workers test
 * test/openapi-headers.test.ts runs this against the Worker).
 */
const CONDITIONAL_USAGE = `
import createClient from "openapi-fetch";
import type { components, paths } from "./api";

type Json<T> = T extends { content: { "application/json": infer B } } ? B : never;
type StatAnswers = paths["/v1/characters/{ocid}/stat"]["get"]["responses"];
type Stat = Json<StatAnswers[200]>;
type Problem = components["schemas"]["Problem"];

// A 304 has no body, and says which copy is current.
const notModifiedBody: StatAnswers[304]["content"] = undefined;
// @ts-expect-error a 304 has no body to read
const notModifiedJson: StatAnswers[304]["content"] = { "application/json": {} };
const notModifiedEtag: StatAnswers[304]["headers"]["ETag"] = '"c0ffee"';
// On a 200 the ETag may be missing (an answer that is not shareable); the cache facts never are.
const maybeEtag: StatAnswers[200]["headers"]["ETag"] = undefined;
const cacheStatus: StatAnswers[200]["headers"]["X-Cache"] = "HIT";
// @ts-expect-error X-Cache values are a closed set
const unknownCacheStatus: StatAnswers[200]["headers"]["X-Cache"] = "WARM";
// @ts-expect-error /health is not cacheable: it never answers 304
type HealthNotModified = paths["/health"]["get"]["responses"][304];

/** A copy the client keeps: the body and the ETag it came with. */
interface Kept {
  etag: string;
  stat: Stat;
}

type Revalidated = { kind: "unchanged"; kept: Kept } | { kind: "changed"; kept: Kept | undefined } | { kind: "problem"; problem: Problem };

const client = createClient<paths>({ baseUrl: "https://api.example" });

async function revalidate(ocid: string, kept: Kept | undefined): Promise<Revalidated> {
  const { data, error, response } = await client.GET("/v1/characters/{ocid}/stat", {
    params: { path: { ocid }, header: kept ? { "If-None-Match": kept.etag } : {} },
  });
  // Not an error: the kept copy is current, and there is no data to read.
  if (response.status === 304 && kept && data === undefined) return { kind: "unchanged", kept };
  if (error !== undefined) return { kind: "problem", problem: error };
  const etag = response.headers.get("ETag");
  return { kind: "changed", kept: etag === null ? undefined : { etag, stat: data } };
}

function undeclaredHeader(): void {
  // @ts-expect-error If-None-Match is the request header the document declares, not If-Match
  void client.GET("/v1/characters/{ocid}/stat", { params: { path: { ocid: "x" }, header: { "If-Match": '"c0ffee"' } } });
}

export { notModifiedBody, notModifiedJson, notModifiedEtag, maybeEtag, cacheStatus, unknownCacheStatus, revalidate, undeclaredHeader };
export type { HealthNotModified };
`;

describe("OpenAPI document for client developers", () => {
  it("generates a TypeScript client (openapi-typescript) that client code compiles against", async () => {
    const api = astToString(await openapiTS(document));
    expect(api).toContain("export interface paths");
    expect(compile({ "api.ts": api, "usage.ts": USAGE })).toEqual([]);
  }, 60_000);

  // Type-checking against the DOM library and openapi-fetch takes seconds on a busy machine.
  it("types conditional requests for an openapi-fetch client: If-None-Match, a 304 without a body, its ETag", async () => {
    const api = astToString(await openapiTS(document));
    expect(compile({ "api.ts": api, "conditional.ts": CONDITIONAL_USAGE })).toEqual([]);
  }, 60_000);
});
