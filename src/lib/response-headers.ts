/**
 * The HTTP headers of this API's answers, and the one conditional request
 * header it reads, each named once. The code that sets a header takes its name
 * (and, where it has one, its vocabulary) from here; the OpenAPI document takes
 * its description and schema from the same definition (defineRoute in
 * ./openapi.ts). test/openapi-headers.test.ts replays the document against the
 * Worker, so a header documented but not sent fails a test.
 */

/**
 * The JSON Schema of a header's value, as the OpenAPI document shows it. (Type
 * aliases, not interfaces, here: only aliases fit the OpenAPI types' `x-…` index signatures.)
 */
export type HeaderValueSchema = {
  readonly type: "string" | "integer";
  readonly enum?: string[];
  readonly minimum?: number;
  readonly example?: string | number;
};

/** One header: its name as sent, and what the document says about it. */
export interface HeaderDefinition {
  readonly name: string;
  readonly description: string;
  readonly schema: HeaderValueSchema;
  /**
   * A response header: whether every answer documented with it carries it (false: only in
   * the cases its description names). A request header: whether a request must send it.
   */
  readonly required: boolean;
}

/** An OpenAPI Header Object (what a response's `headers` map holds). */
export type DocumentedHeader = {
  description: string;
  required: boolean;
  schema: HeaderValueSchema;
};

/** An OpenAPI Reference Object. */
export type Ref = { $ref: string };

export const REQUEST_ID: HeaderDefinition = {
  required: true,
  name: "X-Request-Id",
  description:
    "This request's id, also in every problem's `request_id` and in our logs. A caller's own `X-Request-Id` is echoed, " +
    "except on an answer shared caches may store, which gets a new one.",
  schema: { type: "string", example: "6f1d2c3b-8e4a-4b7c-9d0e-1a2b3c4d5e6f" },
};

/**
 * The Server-Timing metrics observe (src/middleware/observe.ts) reports, by
 * name. `total` is added by Hono's timing middleware itself.
 */
export const SERVER_TIMING_METRICS = {
  cache: { name: "cache", description: "milliseconds spent reading and writing the cache tiers" },
  upstream: { name: "upstream", description: "milliseconds spent waiting for the NEXON Open API" },
  total: { name: "total", description: "the whole request" },
} as const;

export const SERVER_TIMING: HeaderDefinition = {
  required: true,
  name: "Server-Timing",
  description:
    "Where the time went (W3C Server Timing): " +
    Object.values(SERVER_TIMING_METRICS)
      .map((m) => `\`${m.name}\` ${m.description}`)
      .join(", ") +
    ".",
  schema: { type: "string", example: 'cache;dur=2,upstream;dur=0,total;dur=5.1;desc="Total Response Time"' },
};

export const ETAG: HeaderDefinition = {
  required: false,
  name: "ETag",
  description:
    "Validator of this answer's body (weak, `W/…`, for an assembled profile); send it back in `If-None-Match` " +
    "for a `304 Not Modified` without a body while it is current. Absent on an answer that is not shareable " +
    "(a profile with a signed-in refresh or a failed section).",
  schema: { type: "string", example: '"fGV6zP3eCZJNbuQWAfb7vA"' },
};

/** The X-Cache values, one per way an answer can be loaded (src/cache: CacheStatus). */
export const X_CACHE_VALUES = ["HIT", "MISS", "STALE", "BYPASS"] as const;
export type XCacheValue = (typeof X_CACHE_VALUES)[number];

export const X_CACHE: HeaderDefinition = {
  required: true,
  name: "X-Cache",
  description:
    "How this answer was loaded: `HIT` from our cache, `MISS` fetched from NEXON just now, `STALE` a copy past its " +
    "freshness (being revalidated, or standing in while NEXON fails), `BYPASS` fetched for this caller only and not " +
    "shareable (a signed-in `refresh=true`, a gateway answer about the key's own account).",
  schema: { type: "string", enum: [...X_CACHE_VALUES] },
};

export const AGE: HeaderDefinition = {
  required: true,
  name: "Age",
  description: "Seconds since the data was fetched from NEXON (RFC 9111 §5.1).",
  schema: { type: "integer", minimum: 0, example: 42 },
};

export const CACHE_CONTROL: HeaderDefinition = {
  required: true,
  name: "Cache-Control",
  description:
    "Who may keep this answer and for how long (RFC 9111): `public, max-age=…` (with `stale-while-revalidate` and " +
    "`stale-if-error` windows where the data allows) for data anyone may be served, where max-age counts from the " +
    "fetch (see Age); `no-store` or `private, no-store` when the answer depends on who asks, and on every error.",
  schema: { type: "string", example: "public, max-age=600, stale-while-revalidate=60, stale-if-error=86400" },
};

export const RETRY_AFTER: HeaderDefinition = {
  required: true,
  name: "Retry-After",
  description: "Seconds to wait before trying again (RFC 9110 §10.2.3).",
  schema: { type: "integer", minimum: 0, example: 1 },
};

export const LINK: HeaderDefinition = {
  required: false,
  name: "Link",
  description: 'RFC 8288 links to other pages: rel="next", "prev", "first", "last" (absent on an empty list).',
  schema: { type: "string" },
};

export const IF_NONE_MATCH: HeaderDefinition = {
  required: false,
  name: "If-None-Match",
  description:
    "ETags of copies the client holds (comma-separated, or `*`). When one matches the current answer (weak " +
    "comparison, RFC 9110 §13.1.2), the answer is `304 Not Modified` without a body.",
  schema: { type: "string", example: '"fGV6zP3eCZJNbuQWAfb7vA"' },
};

/** Statuses whose answers always say when to retry (`Retry-After`). */
export const RETRY_AFTER_STATUSES: ReadonlySet<number> = new Set([429, 503]);

/**
 * Used when a 429 or 503 was raised without saying when to retry: long enough
 * not to invite a retry storm, short enough for the limits that clear fastest.
 */
export const DEFAULT_RETRY_AFTER_SECONDS = 5;

/** `{"Retry-After": "<seconds>"}`, for a ProblemError's `headers`. */
export const retryAfter = (seconds: number): Record<string, string> => ({ [RETRY_AFTER.name]: String(Math.max(0, Math.ceil(seconds))) });

/** Whether `headers` (any letter case) already has `definition`'s header. */
export const hasHeader = (headers: Record<string, string>, definition: HeaderDefinition): boolean =>
  Object.keys(headers).some((name) => name.toLowerCase() === definition.name.toLowerCase());

/** Every response header above. */
const RESPONSE_HEADERS = [REQUEST_ID, SERVER_TIMING, ETAG, X_CACHE, AGE, CACHE_CONTROL, RETRY_AFTER, LINK];

const headerObject = (def: HeaderDefinition, required = def.required): DocumentedHeader => ({
  description: def.description,
  required,
  schema: def.schema,
});

/**
 * The document's `components.headers`: the headers sent wherever they are
 * documented, keyed by header name. Optional ones are never referenced
 * (documentHeaders spells them out), so they are not listed.
 */
export const HEADER_COMPONENTS: Record<string, DocumentedHeader> = Object.fromEntries(
  RESPONSE_HEADERS.filter((def) => def.required).map((def) => [def.name, headerObject(def)]),
);

/** The document's `components.parameters` entry of If-None-Match, and its key there. */
export const IF_NONE_MATCH_COMPONENT = "IfNoneMatch";
export const IF_NONE_MATCH_PARAMETER = { ...headerObject(IF_NONE_MATCH), name: IF_NONE_MATCH.name, in: "header" as const };

/**
 * The OpenAPI `headers` map of a response: `required` are always sent with it,
 * `optional` only in the cases their descriptions name. A header always sent is
 * a reference to components.headers (the document describes it once); any
 * other is spelled out, since generators (openapi-typescript) read `required`
 * only there.
 */
export function documentHeaders(required: readonly HeaderDefinition[], optional: readonly HeaderDefinition[] = []): Record<string, DocumentedHeader | Ref> {
  const entry = (def: HeaderDefinition, isRequired: boolean) =>
    [def.name, isRequired && def.required ? { $ref: `#/components/headers/${def.name}` } : headerObject(def, isRequired)] as const;
  return Object.fromEntries([...required.map((def) => entry(def, true)), ...optional.map((def) => entry(def, false))]);
}
