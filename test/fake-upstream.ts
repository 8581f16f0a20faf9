import { vi } from "vitest";
import { sampleUpstreamFetch } from "../dev/sample-upstream";

export interface UpstreamCall {
  path: string;
  params: URLSearchParams;
  key: string | null;
}

export type FakeHandler = (call: UpstreamCall, request: Request) => Response | Promise<Response>;

/** The test bindings' upstream host (vitest.config.ts). */
export const FAKE_UPSTREAM_ORIGIN = "https://nexon.test";

export const nexonJson = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

export const nexonError = (name: string, status = 400, headers: Record<string, string> = {}) =>
  nexonJson({ error: { name, message: "fake upstream error" } }, status, headers);

/**
 * Intercepts the Worker's outbound fetches to the upstream. By default answers
 * like the sample upstream (which behaves like the real API); a handler can
 * answer instead, or return undefined to fall through to the sample.
 */
export function fakeUpstream(handler?: (call: UpstreamCall, request: Request) => Response | undefined | Promise<Response | undefined>) {
  const calls: UpstreamCall[] = [];
  const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input as RequestInfo, init);
    const url = new URL(request.url);
    if (url.origin !== FAKE_UPSTREAM_ORIGIN) throw new Error(`unexpected outbound fetch to ${url.origin}`);
    const call = {
      path: url.pathname.replace(/^\/maplestory\/v1\//, ""),
      params: url.searchParams,
      key: request.headers.get("x-nxopen-api-key"),
    };
    calls.push(call);
    const answer = handler ? await handler(call, request) : undefined;
    return answer ?? sampleUpstreamFetch(request);
  });
  return { calls, spy };
}
