import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { expectProblem } from "../test/helpers";
import { createApp } from "./app";
import { getConfig } from "./config";
import type { Bindings } from "./env";
import { isProblem } from "./lib/problem";

afterEach(() => vi.restoreAllMocks());

/** A fresh env object (getConfig caches per env) with these settings changed. */
const withSettings = (changes: Partial<Record<keyof Bindings, string>>) => ({ ...(env as Bindings), ...changes }) as Bindings;

function configErrors(bindings: Bindings): { problem: unknown; lines: string[] } {
  const lines: string[] = [];
  vi.spyOn(console, "error").mockImplementation((line: unknown) => void lines.push(String(line)));
  try {
    getConfig(bindings);
    return { problem: undefined, lines };
  } catch (err) {
    return { problem: err, lines };
  }
}

describe("NEXON_API_BASE_URL", () => {
  it("must be https:// in production: http:// is MISCONFIGURED, logged by the setting's name, never its value", () => {
    const { problem, lines } = configErrors(withSettings({ ENVIRONMENT: "production", NEXON_API_BASE_URL: "http://open.api.nexon.com" }));
    expect(isProblem(problem, "MISCONFIGURED")).toBe(true);
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!) as { event: string; settings: string[] };
    expect(line.event).toBe("config_invalid");
    expect(line.settings).toEqual([expect.stringMatching(/^NEXON_API_BASE_URL: .*https/)]);
    expect(lines[0]).not.toContain("open.api.nexon.com");
  });

  it("answers 500 MISCONFIGURED to a request in production over http://", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const ctx = createExecutionContext();
    const bindings = withSettings({ ENVIRONMENT: "production", NEXON_API_BASE_URL: "http://open.api.nexon.com" });
    const res = await createApp().fetch(new Request("https://api.test/v1/characters/lookup?name=SampleHero"), bindings, ctx);
    await waitOnExecutionContext(ctx);
    await expectProblem(res, 500, "MISCONFIGURED");
  });

  it.each([
    ["production", "https://open.api.nexon.com"],
    ["development", "http://127.0.0.1:8788"],
    ["development", "https://open.api.nexon.com"],
    ["test", "http://nexon.test"],
    ["development", "sample"],
  ])("is accepted in %s as %s", (ENVIRONMENT, NEXON_API_BASE_URL) => {
    const config = getConfig(withSettings({ ENVIRONMENT, NEXON_API_BASE_URL }));
    expect(config.nexon.baseUrl).toBe(NEXON_API_BASE_URL);
  });

  it.each(["ftp://open.api.nexon.com", "not a url"])("refuses %s anywhere", (NEXON_API_BASE_URL) => {
    expect(isProblem(configErrors(withSettings({ ENVIRONMENT: "development", NEXON_API_BASE_URL })).problem, "MISCONFIGURED")).toBe(true);
  });
});
