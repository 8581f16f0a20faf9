import { upstreamQuery, type UpstreamParams } from "../upstream/client";
import type { EndpointDef } from "../upstream/endpoints";

/** Bump when the stored format changes: old entries are then simply never read again. */
const KEY_VERSION = "v1";

export interface CacheKey {
  /** KV key (global tier). */
  kv: string;
  /** Cache API key (per-location tier): a GET URL under the serving origin. */
  url: string;
}

/**
 * One key per upstream answer: which upstream (host, or "sample"), the endpoint
 * path, its parameters (only the table's, sorted) and the date. Nothing about who
 * asked is ever part of it: only public endpoints reach the shared tiers.
 */
export function cacheKeyFor(origin: string, source: string, def: EndpointDef, params: UpstreamParams, date: string | undefined): CacheKey {
  const query = upstreamQuery(def, params, date, Object.keys(params).sort()).toString();
  const path = `${KEY_VERSION}/${encodeURIComponent(source)}/${def.path}?${query}`;
  return { kv: path, url: `${origin}/__cache/${path}` };
}
