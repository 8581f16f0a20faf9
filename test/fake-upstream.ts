import { vi } from "vitest";
import { sampleUpstreamFetch } from "../dev/sample-upstream";
import { DEFAULT_REGION, regionByService, type RegionId } from "../src/upstream/regions";

export interface UpstreamCall {
  /**
   * The path under `<service>/v1/` (e.g. "character/basic", whatever the region); for a
   * static file the whole path without its leading slash ("static/maplestory/character/look/…").
   */
  path: string;
  /** The region of the path's service segment (for static files: the segment after `static/`). */
  region: RegionId;
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
 * Where a pathname goes: `/<service>/v1/<path>` or `/static/<service>/…`. Anything else
 * (never sent by the Worker) keeps its whole pathname, in the default region.
 */
function routeOf(pathname: string): { path: string; region: RegionId } {
  const api = /^\/([^/]+)\/v1\/(.*)$/.exec(pathname);
  const apiRegion = api ? regionByService(api[1]!) : undefined;
  if (api && apiRegion) return { path: api[2]!, region: apiRegion.id };
  const file = /^\/static\/([^/]+)\//.exec(pathname);
  const fileRegion = file ? regionByService(file[1]!) : undefined;
  if (file) return { path: pathname.slice(1), region: fileRegion?.id ?? DEFAULT_REGION };
  return { path: pathname, region: DEFAULT_REGION };
}

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
    const call: UpstreamCall = {
      ...routeOf(url.pathname),
      params: url.searchParams,
      key: request.headers.get("x-nxopen-api-key"),
    };
    calls.push(call);
    const answer = handler ? await handler(call, request) : undefined;
    return answer ?? sampleUpstreamFetch(request);
  });
  return { calls, spy };
}
