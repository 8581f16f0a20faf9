/**
 * /openapi.json passes the two linters client developers run on API descriptions,
 * as their CLIs run them with the repository's configs (redocly.yaml, .spectral.yaml):
 * Redocly's recommended rules and Spectral's OpenAPI ruleset, with no problem of any
 * severity. Both also check every example against its schema.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app";

const root = join(import.meta.dirname, "../..");
let dir: string;
let file: string;

beforeAll(async () => {
  const res = await createApp().request("https://api.test/openapi.json", {}, { CORS_ALLOWED_ORIGINS: "" });
  expect(res.status).toBe(200);
  // Under the repository (git-ignored): .spectral.yaml's overrides name paths relative to itself.
  mkdirSync(join(root, "test-results"), { recursive: true });
  dir = mkdtempSync(join(root, "test-results", "openapi-lint-"));
  file = join(dir, "openapi.json");
  writeFileSync(file, JSON.stringify(await res.json(), null, 1));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a linter's CLI with this Node; its JSON report is on stdout whatever it finds. */
function run(bin: string, args: string[]): string {
  const result = spawnSync(process.execPath, [join(root, "node_modules", bin), ...args], { cwd: root, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  expect(result.error).toBeUndefined();
  return result.stdout;
}

describe("OpenAPI document linters", () => {
  it("Redocly CLI (recommended rules): no errors, no warnings", () => {
    const out = run("@redocly/cli/bin/cli.js", ["lint", file, "--config", join(root, "redocly.yaml"), "--format", "json"]);
    const report = JSON.parse(out) as { problems: { ruleId: string; severity: string; message: string; location: { pointer: string }[] }[] };
    const problems = report.problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location.map((l) => l.pointer).join(", ")}`);
    expect(problems).toEqual([]);
  }, 60_000);

  it("Spectral (spectral:oas): no errors, warnings, infos or hints", () => {
    const out = run("@stoplight/spectral-cli/dist/index.js", ["lint", file, "--ruleset", join(root, ".spectral.yaml"), "--format", "json", "--quiet"]);
    const results = JSON.parse(out) as { code: string; severity: number; message: string; path: (string | number)[] }[];
    const problems = results.map((r) => `${["error", "warning", "info", "hint"][r.severity]} ${r.code}: ${r.message} at ${r.path.join("/")}`);
    expect(problems).toEqual([]);
  }, 60_000);
});
