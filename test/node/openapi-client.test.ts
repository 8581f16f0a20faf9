/**
 * What client developers do with /openapi.json: lint it, generate TypeScript
 * types from it, and compile code against those types. Runs in Node because
 * the linter, the generator and the TypeScript compiler all need it.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createConfig, lintFromString, type NormalizedProblem, type RawUniversalConfig } from "@redocly/openapi-core";
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

/** One line per problem, so a failure names the rule and the place. */
function describeProblems(problems: NormalizedProblem[]): string[] {
  return problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location.map((l) => l.pointer).join(", ")}`);
}

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
      lib: ["lib.es2022.d.ts"],
      types: [],
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

type Health = Json<paths["/health"]["get"]["responses"][200]>;
const healthy = (h: Health): boolean => h.status === "ok";

export { lookupQuery, lookup, notFound, unknownCode, sectionNames, healthy };
`;

/**
 * Redocly's recommended rules, less two that do not fit this API:
 * - no-ambiguous-paths: SPEC fixes /v1/characters/by-name/{name} beside
 *   /v1/characters/{ocid}/{section}; an ocid is 32 hex digits, so `by-name`
 *   never matches {ocid}, but the linter cannot see patterns.
 * - info-license: the API is a service, not published code; there is no license to name.
 */
const LINT_CONFIG: RawUniversalConfig = {
  extends: ["recommended"],
  rules: { "no-ambiguous-paths": "off", "info-license": "off" },
};

describe("OpenAPI document for client developers", () => {
  it("passes the Redocly linter's recommended rules without errors or warnings", async () => {
    const config = await createConfig(LINT_CONFIG);
    const problems = await lintFromString({ source: JSON.stringify(document), absoluteRef: "openapi.json", config });
    expect(describeProblems(problems)).toEqual([]);
  });

  it("generates a TypeScript client (openapi-typescript) that client code compiles against", async () => {
    const api = astToString(await openapiTS(document));
    expect(api).toContain("export interface paths");
    expect(compile({ "api.ts": api, "usage.ts": USAGE })).toEqual([]);
  });
});
