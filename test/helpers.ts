import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../src/index";
import type { Bindings } from "../src/env";

const BASE = "https://api.test";

/**
 * Runs `app` on one request the way the runtime does: the response body is read
 * to the end (deferred work waits for that), then everything it left to
 * `waitUntil` (cache stores, the log line) finishes. The answer comes back with
 * its body buffered, so the next call sees what this one stored.
 */
export async function runToCompletion(
  app: { fetch(request: Request, env: Bindings, ctx: ExecutionContext): Response | Promise<Response> },
  request: Request,
  bindings: Bindings = env,
): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await app.fetch(request, bindings, ctx);
  const body = res.body === null ? null : await res.arrayBuffer();
  await waitOnExecutionContext(ctx);
  return new Response(body, res);
}

/** Calls the Worker's own fetch handler as a client would, to completion (runToCompletion). */
export function call(path: string, init: RequestInit = {}): Promise<Response> {
  return runToCompletion(worker, new Request(`${BASE}${path}`, init));
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

/** Every console line written while `session` runs (the spies are restored by the caller's `vi.restoreAllMocks`). */
export async function captureLogs(session: () => Promise<void>): Promise<string[]> {
  const { vi } = await import("vitest");
  const lines: string[] = [];
  for (const level of ["log", "info", "warn", "error", "debug"] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      lines.push(args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" "));
    });
  }
  await session();
  return lines;
}
