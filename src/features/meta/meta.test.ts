import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../../app";
import { call } from "../../../test/helpers";

afterEach(() => vi.restoreAllMocks());

describe("GET /health", () => {
  it("reports ok when D1 and KV answer", async () => {
    const res = await call("/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok", version: expect.any(String), checks: { d1: "ok", kv: "ok" } });
  });

  it("answers 503 naming the failing check", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const brokenDb = {
      prepare: () => ({
        first: () => Promise.reject(new Error("D1 is down")),
      }),
    } as unknown as D1Database;
    const ctx = createExecutionContext();
    const res = await createApp().fetch(new Request("https://api.test/health"), { ...env, DB: brokenDb }, ctx);
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: "degraded", checks: { d1: "fail", kv: "ok" } });
  });
});

describe("GET /openapi.json", () => {
  it("is an OpenAPI 3.1 document with a bearer security scheme", async () => {
    const res = await call("/openapi.json");
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      openapi: string;
      paths: Record<string, unknown>;
      components: { securitySchemes: Record<string, { scheme: string }> };
    };
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.paths["/health"]).toBeDefined();
    expect(doc.components.securitySchemes.bearerAuth?.scheme).toBe("bearer");
  });
});

describe("GET /docs", () => {
  it("serves a page that loads only our own scripts", async () => {
    const res = await call("/docs");
    expect(res.status).toBe(200);
    const html = await res.text();
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(sources.length).toBeGreaterThan(0);
    for (const src of sources) expect(src).toMatch(/^\/docs\//);
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
  });

  it("serves the page's script from our static assets", async () => {
    const res = await call("/docs/init.js");
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("/openapi.json");
    expect(res.headers.get("x-request-id")).toBeTruthy();
  });
});
