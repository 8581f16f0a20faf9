import { describeError, log } from "../../src/lib/logging";
import { REGIONS, type RegionId } from "../../src/upstream/regions";
import { clockAt } from "./dates";
import { SampleUpstreamError, errorResponse, fail, jsonResponse } from "./errors";
import { staticResponse } from "./images";
import { isSampleKeyValid } from "./private";
import { ROUTES } from "./routes";

/**
 * The sample upstream, a development tool (never in the production bundle): answers
 * `GET …/<service>/v1/<path>?<query>` exactly as the NEXON Open API would (status
 * codes, body shapes, error bodies), from generated data, with no network, for each
 * region (`maplestory` KMS, `maplestorysea` MSEA, `maplestorytw` TMS: its own
 * characters, guilds, worlds, clock and language), and the character looks under
 * `/static/<service>/character/look/` (images.ts). One route per row of the endpoint
 * table (src/upstream/endpoints.ts) and region serving it. With
 * NEXON_API_BASE_URL=sample the Worker reaches it through the `SAMPLE_UPSTREAM`
 * service binding (worker.mjs, `npm run dev`); tests use it as a realistic fake.
 * Runs in workerd and in Node.
 *
 * Where the real behaviour is unverified (nexon-upstream.md), the sample chooses:
 * - guild/id for an unknown name in a real world: 200 `{}`;
 * - rankings: `date` required (00004 without); past the last page: `{"ranking": []}`;
 *   an `ocid` filter alone searches that character's world type;
 * - history: sending both `date` and `cursor` is 00004; a cursor of another key or
 *   endpoint is 00003; a day older than the two years kept is an empty page;
 *   `date_create` is `YYYY-MM-DDTHH:mm:ss+09:00`;
 * - ring-exchange without a ring (or without data): only `date` (+ `character_class`);
 * - non-GET methods and paths outside /<service>/v1/ are 00006, as is a path of a row
 *   the region lacks (e.g. rankings under maplestorysea); the key is checked first;
 * - MSEA/TMS: yesterday's snapshots from 02:00 in their own clock (UTC+8), as in KMS;
 * - static files need no key; an unknown look (or any other static path) is 404 with
 *   an empty body; every known look is the same small PNG.
 */
export interface SampleUpstreamOptions {
  /** Clock in epoch ms (default Date.now): fixes "today" for deterministic tests. */
  now?: () => number;
  /**
   * Emulate publish delays: yesterday's snapshots before 02:00 in the region's clock
   * and today's rankings before 08:30 KST answer 00009. Off by default so the sample
   * (and tests using it) behave the same at any hour.
   */
  publishDelays?: boolean;
}

/** The region and the path under its `/<service>/v1/` prefix, if the pathname has one. */
function apiPath(pathname: string): { region: RegionId; path: string } | null {
  for (const region of Object.values(REGIONS)) {
    const prefix = `/${region.service}/v1/`;
    const at = pathname.indexOf(prefix);
    if (at >= 0) return { region: region.id, path: pathname.slice(at + prefix.length) };
  }
  return null;
}

export function createSampleUpstream(options: SampleUpstreamOptions = {}): (request: Request) => Promise<Response> {
  const now = options.now ?? Date.now;
  return async (request) => {
    try {
      const { pathname, searchParams } = new URL(request.url);
      // Static files are public: no key.
      const file = staticResponse(pathname, request.method);
      if (file) return file;
      const key = request.headers.get("x-nxopen-api-key");
      if (!isSampleKeyValid(key)) fail("OPENAPI00005");
      const api = request.method === "GET" ? apiPath(pathname) : null;
      const handler = api ? ROUTES.get(api.path)?.get(api.region) : undefined;
      if (!api || !handler) fail("OPENAPI00006");
      return jsonResponse(handler({ q: searchParams, key, clock: clockAt(now(), options.publishDelays === true, api.region) }));
    } catch (err) {
      if (err instanceof SampleUpstreamError) return errorResponse(err.errorName);
      log("error", "sample_upstream_failed", describeError(err));
      return errorResponse("OPENAPI00001");
    }
  };
}

/** The sample upstream at the current time: the SAMPLE_UPSTREAM worker and the tests' fake. */
export const sampleUpstreamFetch: (request: Request) => Promise<Response> = createSampleUpstream();

export { isSampleKeyValid } from "./private";
export { ROUTES, type EndpointPath } from "./routes";
export { SAMPLE_CHARACTERS, sampleCharactersIn, type SampleCharacter } from "./characters";
export { SAMPLE_GUILD, sampleGuildIn, type SampleGuild } from "./guilds";
export { SAMPLE_NOTICE_IDS, type NoticeKind } from "./notices";
