import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { z } from "@hono/zod-openapi";
import { createRoute } from "@hono/zod-openapi";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../src/app";
import worker from "../src/index";
import { SAMPLE_CHARACTERS } from "../dev/sample-upstream";
import { isPublicRead } from "../src/middleware/security";
import { fakeUpstream } from "./fake-upstream";
import { call, expectProblem, jsonInit, runToCompletion } from "./helpers";

/** An app with two extra routes: one that validates a JSON body, one that crashes. */
function appWithProbeRoutes() {
  const app = createApp();
  app.openapi(
    createRoute({
      method: "post",
      path: "/probe",
      request: {
        body: {
          required: true,
          content: { "application/json": { schema: z.object({ name: z.string().min(3), age: z.number().int() }) } },
        },
      },
      responses: { 200: { description: "ok" } },
    }),
    (c) => c.json({ ok: true, name: c.req.valid("json").name }, 200),
  );
  app.get("/boom", () => {
    throw new Error("db password is hunter2 at /src/secret.ts:12");
  });
  return app;
}

async function probe(path: string, init?: RequestInit) {
  return runToCompletion(appWithProbeRoutes(), new Request(`https://api.test${path}`, init), env);
}

afterEach(() => vi.restoreAllMocks());

describe("problem+json errors", () => {
  it("answers an unknown route with 404 NOT_FOUND", async () => {
    await expectProblem(await call("/v1/nothing-here"), 404, "NOT_FOUND");
  });

  it("answers an unknown character section without shadowing routes mounted later", async () => {
    const app = createApp();
    app.get("/v1/characters/:ocid/added-later", (c) => c.text("ok"));
    const fetch = (path: string, init?: RequestInit) => runToCompletion(app, new Request(`https://api.test${path}`, init), env);

    expect(await (await fetch("/v1/characters/abc/added-later")).text()).toBe("ok");
    const body = await expectProblem(await fetch("/v1/characters/abc/w%20ings"), 404, "NOT_FOUND");
    expect(body.detail).toContain('There is no section "w ings"');
    expect(body.valid_sections).toContain("basic");
    const post = await fetch("/v1/characters/abc/wings", { method: "POST" });
    await expectProblem(post, 405, "METHOD_NOT_ALLOWED");
    expect(post.headers.get("allow")).toBe("GET, HEAD");
  });

  it("answers a wrong method with 405 and an Allow header", async () => {
    const res = await call("/health", { method: "DELETE" });
    await expectProblem(res, 405, "METHOD_NOT_ALLOWED");
    expect(res.headers.get("allow")).toContain("GET");
  });

  it("answers malformed JSON with 400 VALIDATION_FAILED", async () => {
    const res = await probe("/probe", jsonInit("POST", '{"name": "abc",'));
    const body = await expectProblem(res, 400, "VALIDATION_FAILED");
    expect(body.errors).toEqual([expect.objectContaining({ path: "body" })]);
  });

  it("lists each invalid field for wrong types", async () => {
    const res = await probe("/probe", jsonInit("POST", { name: "ab", age: "old" }));
    const body = await expectProblem(res, 400, "VALIDATION_FAILED");
    const paths = (body.errors as { path: string }[]).map((e) => e.path).sort();
    expect(paths).toEqual(["body.age", "body.name"]);
  });

  it("accepts a valid body", async () => {
    const res = await probe("/probe", jsonInit("POST", { name: "abc", age: 3 }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, name: "abc" });
  });

  it("answers a body over 64 KiB with 413", async () => {
    const big = JSON.stringify({ name: "x".repeat(70 * 1024), age: 1 });
    await expectProblem(await probe("/probe", jsonInit("POST", big)), 413, "PAYLOAD_TOO_LARGE");
  });

  it("answers an oversize body that lies about its length with 413", async () => {
    const stream = new Blob(["{\"name\":\"" + "y".repeat(80 * 1024) + "\",\"age\":1}"]).stream();
    const res = await probe("/probe", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Transfer-Encoding": "chunked" },
      body: stream,
      duplex: "half",
    } as RequestInit);
    await expectProblem(res, 413, "PAYLOAD_TOO_LARGE");
  });

  it("answers a non-JSON body with 415", async () => {
    const res = await probe("/probe", { method: "POST", headers: { "Content-Type": "text/plain" }, body: "name=abc" });
    await expectProblem(res, 415, "UNSUPPORTED_MEDIA_TYPE");
  });

  it("turns a thrown error into 500 INTERNAL without leaking it", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const res = await probe("/boom");
    const body = await expectProblem(res, 500, "INTERNAL");
    const text = JSON.stringify(body);
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain("secret.ts");
    expect(errors).toHaveBeenCalled();
  });
});

describe("language of details", () => {
  it("answers in Korean when Accept-Language prefers ko", async () => {
    const body = await expectProblem(
      await call("/v1/nothing-here", { headers: { "Accept-Language": "ko-KR,ko;q=0.9,en;q=0.5" } }),
      404,
      "NOT_FOUND",
    );
    expect(body.detail).toMatch(/[가-힣]/);
  });

  it("answers in English otherwise", async () => {
    for (const header of [undefined, "en-US", "fr-FR,en;q=0.5", "en;q=0.9,ko;q=0.3"]) {
      const body = await expectProblem(
        await call("/v1/nothing-here", { headers: header ? { "Accept-Language": header } : {} }),
        404,
        "NOT_FOUND",
      );
      expect(body.detail).not.toMatch(/[가-힣]/);
    }
  });
});

describe("headers on every response", () => {
  const paths = ["/health", "/openapi.json", "/v1/nothing-here"];

  it.each(paths)("%s carries request id, security headers and Server-Timing", async (path) => {
    const res = await call(path);
    expect(res.headers.get("x-request-id")).toMatch(/^[\w-]+$/);
    expect(res.headers.get("strict-transport-security")).toContain("max-age=");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(res.headers.get("x-powered-by")).toBeNull();
    const timing = res.headers.get("server-timing") ?? "";
    for (const metric of ["total", "cache", "upstream"]) expect(timing).toMatch(new RegExp(`(^|,\\s*)${metric};dur=`));
  });

  it("lets other sites load public reads, but not the signed-in user's routes", async () => {
    expect((await call("/health")).headers.get("cross-origin-resource-policy")).toBe("cross-origin");
    expect((await call("/v1/me")).headers.get("cross-origin-resource-policy")).toBe("same-origin");
    expect((await call("/v1/auth/register", { method: "POST" })).headers.get("cross-origin-resource-policy")).toBe("same-origin");
  });

  it("keeps a sane caller request id and replaces an unsafe one", async () => {
    const kept = await call("/health", { headers: { "X-Request-Id": "abc-123_XYZ" } });
    expect(kept.headers.get("x-request-id")).toBe("abc-123_XYZ");
    const replaced = await call("/health", { headers: { "X-Request-Id": "bad id<script>" } });
    expect(replaced.headers.get("x-request-id")).not.toBe("bad id<script>");
    expect(replaced.headers.get("x-request-id")).toMatch(/^[\w-]+$/);
  });

  it("answers public GETs to any origin with *, one copy for everyone (no Vary: Origin), never with credentials", async () => {
    for (const path of ["/health", "/openapi.json", "/v1/nothing-here"]) {
      for (const origin of ["https://app.example.com", "https://evil.example.com", undefined]) {
        const res = await call(path, { headers: origin ? { Origin: origin } : {} });
        expect(res.headers.get("access-control-allow-origin")).toBe("*");
        expect(res.headers.get("access-control-allow-credentials")).toBeNull();
        expect(res.headers.get("vary") ?? "").not.toMatch(/origin/i);
      }
    }
    const preflight = await call("/v1/characters/lookup", {
      method: "OPTIONS",
      headers: { Origin: "https://evil.example.com", "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
    expect(preflight.headers.get("access-control-allow-headers")).toContain("Authorization");
    expect(preflight.headers.get("access-control-allow-credentials")).toBeNull();
    expect(preflight.headers.get("vary") ?? "").not.toMatch(/origin/i);
  });

  it("allows only the configured origins on sign-in, signed-in routes and anything but GET, with Vary: Origin", async () => {
    const token = (origin: string) => call("/v1/auth/token", jsonInit("POST", { username: "nobody", password: "wrong-password" }, { Origin: origin }));
    const denied = await token("https://evil.example.com");
    expect(denied.headers.get("access-control-allow-origin")).toBeNull();
    const allowed = await token("https://app.example.com");
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
    expect(allowed.headers.get("access-control-allow-credentials")).toBe("true");
    for (const origin of ["https://app.example.com", "https://evil.example.com"]) {
      const me = await call("/v1/me", { headers: { Origin: origin } });
      expect(me.headers.get("access-control-allow-origin")).toBe(origin === "https://app.example.com" ? origin : null);
    }
    const preflights = [
      ["/v1/auth/token", "POST"],
      ["/v1/me/tracked", "GET"],
      ["/v1/characters/lookup", "POST"],
    ] as const;
    for (const [path, method] of preflights) {
      const res = await call(path, { method: "OPTIONS", headers: { Origin: "https://evil.example.com", "Access-Control-Request-Method": method } });
      expect(res.headers.get("access-control-allow-origin")).toBeNull();
      expect(res.headers.get("vary")).toContain("Origin");
    }
    for (const res of [denied, allowed, await call("/v1/me")]) expect(res.headers.get("vary")).toContain("Origin");
  });

  it("decides a public read on a normalised path, erring towards private", () => {
    expect(isPublicRead("GET", "/v1/characters/lookup")).toBe(true);
    expect(isPublicRead("HEAD", "/health")).toBe(true);
    expect(isPublicRead("OPTIONS", "/v1/characters/lookup", "get")).toBe(true);
    expect(isPublicRead("OPTIONS", "/v1/characters/lookup")).toBe(false);
    expect(isPublicRead("POST", "/v1/characters/lookup")).toBe(false);
    for (const path of ["/v1/me", "/v1/me/", "/v1/me/tracked", "/v1//me/tracked", "/V1/ME/tracked", "/v1/auth", "/v1/auth/token"]) {
      expect(isPublicRead("GET", path)).toBe(false);
    }
    expect(isPublicRead("GET", "/v1/meta")).toBe(true);
  });

  it("never freezes a caller's X-Request-Id into an answer a shared cache may store", async () => {
    const logs = vi.spyOn(console, "log").mockImplementation(() => {});
    fakeUpstream();
    const section = `/v1/characters/${SAMPLE_CHARACTERS[0]!.ocid}/basic`;
    for (const path of [section, section, "/docs"]) {
      const shared = await call(path, { headers: { "X-Request-Id": "mine" } });
      expect(shared.status).toBe(200);
      expect(shared.headers.get("cache-control")).toMatch(/^public, max-age=\d+/);
      const sent = shared.headers.get("x-request-id");
      expect(sent).not.toBe("mine");
      expect(sent).toMatch(/^[\w-]+$/);
    }
    // The log line carries the id actually sent.
    const shared = await call(section, { headers: { "X-Request-Id": "mine" } });
    const lines = logs.mock.calls.map((args) => JSON.parse(String(args[0]))).filter((l) => l.event === "request");
    expect(lines.at(-1)).toMatchObject({ request_id: shared.headers.get("x-request-id"), route: "/v1/characters/:ocid/basic" });
  });

  it("keeps the caller's X-Request-Id on answers no shared cache stores", async () => {
    const problem = await call("/v1/nothing-here", { headers: { "X-Request-Id": "mine" } });
    expect(problem.headers.get("x-request-id")).toBe("mine");
    expect(((await expectProblem(problem, 404, "NOT_FOUND")) as { request_id: string }).request_id).toBe("mine");
    const me = await call("/v1/me", { headers: { "X-Request-Id": "mine" } });
    expect(me.status).toBe(401);
    expect(me.headers.get("x-request-id")).toBe("mine");
  });

  it("writes one structured log line per request", async () => {
    const logs = vi.spyOn(console, "log").mockImplementation(() => {});
    await call("/health", { headers: { "X-Request-Id": "log-check-1" } });
    const lines = logs.mock.calls.map((args) => JSON.parse(String(args[0]))).filter((l) => l.event === "request");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ request_id: "log-check-1", method: "GET", route: "/health", status: 200 });
    expect(typeof lines[0].duration_ms).toBe("number");
  });

  it("writes the log line after the answer has left, never before it", async () => {
    const logs = vi.spyOn(console, "log").mockImplementation(() => {});
    const requestLines = () => logs.mock.calls.map((args) => JSON.parse(String(args[0]))).filter((l) => l.event === "request");
    const ctx = createExecutionContext();
    const res = await worker.fetch(new Request("https://api.test/health", { headers: { "X-Request-Id": "log-after-1" } }), env, ctx);
    expect(res.status).toBe(200);
    expect(requestLines()).toHaveLength(0);
    await res.arrayBuffer();
    await waitOnExecutionContext(ctx);
    expect(requestLines()).toMatchObject([{ request_id: "log-after-1", status: 200 }]);
  });

  it("logs the route that answered, not a later one the path also matches", async () => {
    const logs = vi.spyOn(console, "log").mockImplementation(() => {});
    await call("/v1/characters/lookup?name=bad%20name");
    const line = logs.mock.calls.map((args) => JSON.parse(String(args[0]))).find((l) => l.event === "request");
    expect(line).toMatchObject({ route: "/v1/characters/lookup", status: 400 });
  });
});
