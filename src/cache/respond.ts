import type { Context } from "hono";
import { AGE, CACHE_CONTROL, ETAG, IF_NONE_MATCH, X_CACHE, type XCacheValue } from "../lib/response-headers";
import { etagOf } from "./entry";
import type { CacheFacts } from "./public-cache";

/** An answer ready to send: its bytes, its ETag (none: not worth revalidating; it may still be computing) and its cache facts. */
export interface Sendable extends CacheFacts {
  readonly payload: string;
  readonly etag?: string | Promise<string>;
}

/**
 * Cache-Control is a security boundary: Workers Cache serves `public` answers to
 * anyone without running the Worker. So anything that depends on who asks (a
 * signed-in refresh, a partial answer carrying this request's ids) is never
 * `public`. Per RFC 9111 §4.2.3, max-age is the entry's whole freshness lifetime
 * and Age the seconds since its fetch: a downstream cache keeps it fresh for
 * max-age − Age more seconds, exactly until our deadline. The stale windows count
 * from the end of freshness.
 */
export function cacheControl(facts: CacheFacts): string {
  if (facts.cache === "BYPASS") return "private, no-store";
  if (!facts.shareable) return "no-store";
  const directives = ["public", `max-age=${facts.maxAgeSeconds}`];
  if (facts.staleWhileRevalidateSeconds > 0) directives.push(`stale-while-revalidate=${facts.staleWhileRevalidateSeconds}`);
  if (facts.staleIfErrorSeconds > 0) directives.push(`stale-if-error=${facts.staleIfErrorSeconds}`);
  return directives.join(", ");
}

/**
 * Cache-Control, Age and X-Cache for a cacheable answer: what the document
 * promises on every 2xx and 304 of a `cacheable` route (src/lib/openapi.ts).
 */
export function setCacheHeaders(c: Context, facts: CacheFacts): void {
  c.var.stats.cacheStatus = facts.cache;
  // `satisfies`: a cache status the document's X-Cache values do not list fails to compile.
  c.header(X_CACHE.name, facts.cache satisfies XCacheValue);
  c.header(AGE.name, String(facts.ageSeconds));
  c.header(CACHE_CONTROL.name, cacheControl(facts));
}

/**
 * Sets the answer's ETag and tells whether the request's If-None-Match names
 * it, i.e. whether to answer 304 without a body (the headers already set stay).
 */
export function setEtagAndCheck(c: Context, etag: string): boolean {
  c.header(ETAG.name, etag);
  return etagMatches(c.req.header(IF_NONE_MATCH.name), etag);
}

/** RFC 9110 If-None-Match: weak comparison over a list, or `*`. */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, "");
  return ifNoneMatch.split(",").some((tag) => tag.trim() === "*" || opaque(tag) === opaque(etag));
}

/**
 * Sends a loaded answer with its cache headers and ETag (304 when the client's
 * copy matches). Without `body` the cached bytes go out as they are; a handler
 * that reshapes the answer passes the body it sends instead.
 */
export async function respondLoaded(c: Context, loaded: Sendable, body?: unknown): Promise<Response> {
  const payload = body === undefined ? loaded.payload : JSON.stringify(body);
  const etag = await (body === undefined ? loaded.etag : etagOf(payload));
  setCacheHeaders(c, loaded);
  if (etag && setEtagAndCheck(c, etag)) return c.body(null, 304);
  return c.body(payload, 200, { "Content-Type": "application/json" });
}
