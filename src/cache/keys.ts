import { upstreamPath, upstreamQuery, type UpstreamParams } from "../upstream/client";
import type { EndpointDef } from "../upstream/endpoints";
import type { RegionId } from "../upstream/regions";

/** Bump when the stored format changes: old entries are then simply never read again. */
const KEY_VERSION = "v1";

export interface CacheKey {
  /** KV key (global tier). */
  kv: string;
  /** Cache API key (per-location tier): a GET URL under the serving origin. */
  url: string;
}

/**
 * One key per upstream answer: which upstream (host, or "sample"), the upstream
 * path (region and endpoint), its parameters (only the table's, sorted) and the
 * date. Nothing about who asked, or through which door (`/v1` or the gateway), is
 * ever part of it: only public endpoints reach the shared tiers.
 */
export function cacheKeyFor(
  origin: string,
  source: string,
  { def, region, params, date }: { def: EndpointDef; region: RegionId; params: UpstreamParams; date?: string },
): CacheKey {
  const query = upstreamQuery(def, params, date, Object.keys(params).sort()).toString();
  const path = `${KEY_VERSION}/${encodeURIComponent(source)}/${upstreamPath(def, region)}?${query}`;
  return { kv: path, url: `${origin}/__cache/${path}` };
}
