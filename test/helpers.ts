import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { storesSettled } from "../src/cache/write-back";
import { afterResponseSettled } from "../src/middleware/after-response";
import type { Bindings } from "../src/env";

const BASE = "https://api.test";

/**
 * Calls the Worker through its real entry point, as a client would: the body is
 * read to the end, and the cache stores it let go of are written (and its log
 * line written) before this returns, so the next call sees them.
 */
export async function call(path: string, init: RequestInit = {}): Promise<Response> {
  const res = await exports.default.fetch(new Request(`${BASE}${path}`, init));
  const body = res.body === null ? null : await res.arrayBuffer();
  await afterResponseSettled();
  await storesSettled();
  return new Response(body, res);
}

/**
 * Runs `app` on one request the way the runtime does: the response body is read
 * to the end (cache stores wait for that), then its background work finishes.
 * The answer comes back with its body buffered.
 */
export async function runToCompletion(
  app: { fetch(request: Request, env: Bindings, ctx: ExecutionContext): Response | Promise<Response> },
  request: Request,
  env: Bindings,
): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await app.fetch(request, env, ctx);
  const body = res.body === null ? null : await res.arrayBuffer();
  await waitOnExecutionContext(ctx);
  await storesSettled();
  return new Response(body, res);
}

export function jsonInit(method: string, body: unknown, headers: Record<string, string> = {}): RequestInit {
  return {
    method,
    headers: { "Content-Type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  };
}

export async function expectProblem(res: Response, status: number, code: string) {
  const { expect } = await import("vitest");
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  const body = (await res.json()) as Record<string, unknown>;
  expect(body.code).toBe(code);
  expect(body.status).toBe(status);
  expect(typeof body.detail).toBe("string");
  expect(body.request_id).toBe(res.headers.get("x-request-id"));
  return body;
}
