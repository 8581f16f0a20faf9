import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { Hook, RouteConfig } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { PROBLEM_CODES, ProblemError, type FieldError, type ProblemCode } from "./problem";
import {
  AGE,
  CACHE_CONTROL,
  documentHeaders,
  ETAG,
  HEADER_COMPONENTS,
  IF_NONE_MATCH_COMPONENT,
  IF_NONE_MATCH_PARAMETER,
  REQUEST_ID,
  RETRY_AFTER,
  RETRY_AFTER_STATUSES,
  SERVER_TIMING,
  X_CACHE,
  type DocumentedHeader,
  type Ref,
} from "./response-headers";

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: "https://maplestorage.dev/problems/validation-failed" }),
    title: z.string().openapi({ example: "Validation failed" }),
    status: z.number().int().openapi({ example: 400 }),
    detail: z.string().openapi({ example: "The request is not valid. Check the fields listed in errors." }),
    code: z.enum(Object.keys(PROBLEM_CODES) as [ProblemCode, ...ProblemCode[]]),
    request_id: z.string(),
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .openapi({ description: "Per-field failures, for VALIDATION_FAILED." }),
  })
  .openapi("Problem", { description: "RFC 9457 problem details." });

const STATUS_DESCRIPTIONS: Record<number, string> = {
  400: "Invalid input (VALIDATION_FAILED and friends)",
  401: "Missing, invalid or expired credentials",
  403: "Not allowed",
  404: "Not found",
  409: "Conflict",
  413: "Body larger than 64 KiB",
  415: "Body is not JSON",
  429: "Rate limited; see Retry-After",
  500: "Internal error or misconfiguration",
  502: "The upstream failed or answered something unreadable",
  503: "The upstream is rate limited, in maintenance or preparing data; see Retry-After",
  504: "The upstream timed out",
};

/**
 * A problem response as route types see it. Problems are thrown (ProblemError), never
 * returned, so `content` is optional here: handlers then type-check whether they answer
 * with `c.json` or with a plain Response (e.g. cached bytes from respondLoaded).
 */
type ProblemResponseConfig = {
  description: string;
  headers?: Record<string, DocumentedHeader | Ref>;
  content?: { "application/problem+json": { schema: typeof ProblemSchema } };
};

/**
 * OpenAPI `responses` entries for the problem+json errors a route can answer,
 * with the headers problemResponse (src/middleware/errors.ts) always sends:
 * Cache-Control, and Retry-After on a 429 or 503.
 */
export function problemResponses<const S extends number>(...statuses: S[]): Record<S, ProblemResponseConfig> {
  const entries = statuses.map((status) => [
    status,
    {
      description: STATUS_DESCRIPTIONS[status] ?? "Error",
      headers: documentHeaders(RETRY_AFTER_STATUSES.has(status) ? [CACHE_CONTROL, RETRY_AFTER] : [CACHE_CONTROL]),
      content: { "application/problem+json": { schema: ProblemSchema } },
    },
  ]);
  // Object.fromEntries types its keys as string; they are exactly `statuses`.
  return Object.fromEntries(entries) as Record<S, ProblemResponseConfig>;
}

/**
 * What a public upstream-data route can answer besides 200: bad input, an anonymous
 * `refresh=true` (401), an unknown character or guild, limits, upstream failures.
 */
export const PUBLIC_DATA_ERRORS = [400, 401, 404, 429, 500, 502, 503, 504] as const;

/** zod issue paths → `query.date`, `body.password`, … as clients see them. */
export function fieldErrors(target: string, issues: readonly { path: PropertyKey[]; message: string }[]): FieldError[] {
  const prefix = target === "json" ? "body" : target;
  return issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].join("."),
    message: issue.message,
  }));
}

const validationHook: Hook<unknown, AppEnv, string, unknown> = (result) => {
  if (!result.success) {
    throw new ProblemError("VALIDATION_FAILED", { errors: fieldErrors(result.target, result.error.issues) });
  }
};

/** Headers the app's middleware puts on every answer, whatever its status (src/app.ts: request id, timing). */
const EVERY_ANSWER = [REQUEST_ID, SERVER_TIMING];

/** What setCacheHeaders (src/cache/respond.ts) puts on a cacheable answer, a 304 included. */
const CACHE_FACTS = [X_CACHE, AGE, CACHE_CONTROL];

/** The 304 of a cacheable route: no body, the same validator and cache facts as the 200 it stands for. */
const NOT_MODIFIED = {
  description: "Not Modified: the copy named in If-None-Match is current; no body.",
  headers: documentHeaders([...EVERY_ANSWER, ETAG, ...CACHE_FACTS]),
};
const NOT_MODIFIED_COMPONENT = "NotModified";
const NOT_MODIFIED_REF = { $ref: `#/components/responses/${NOT_MODIFIED_COMPONENT}` };
const IF_NONE_MATCH_REF = { $ref: `#/components/parameters/${IF_NONE_MATCH_COMPONENT}` };

/**
 * A router whose request validation failures become 400 VALIDATION_FAILED
 * problems, and whose document has the components defineRoute's routes refer
 * to (the app merges every router's components into one document).
 */
export function createRouter() {
  const router = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const registry = router.openAPIRegistry;
  for (const [name, header] of Object.entries(HEADER_COMPONENTS)) registry.registerComponent("headers", name, header);
  registry.registerComponent("parameters", IF_NONE_MATCH_COMPONENT, IF_NONE_MATCH_PARAMETER);
  registry.registerComponent("responses", NOT_MODIFIED_COMPONENT, NOT_MODIFIED);
  return router;
}

export type AppRouter = ReturnType<typeof createRouter>;

export const BEARER_AUTH = "bearerAuth";

/** Public routes: anonymous, or signed in (which only `refresh=true` needs). */
export const OPTIONAL_BEARER: Record<string, string[]>[] = [{}, { [BEARER_AUTH]: [] }];

/** A stable operationId from method and path: GET /v1/notices/{type}/{notice_id} → `getNoticesTypeNoticeId`. */
export function defaultOperationId(method: string, path: string): string {
  const words = path.replace(/^\/v\d+(?=\/)/, "").split(/[^A-Za-z0-9]+/).filter(Boolean);
  return method.toLowerCase() + words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join("");
}

/** A route as defineRoute takes it: createRoute's config, plus whether it answers conditional requests. */
export type RouteDefinition = Omit<RouteConfig, "path"> & {
  path: string;
  /**
   * true: the handler answers through the cache's conditional send (respondLoaded,
   * or setCacheHeaders + setEtagAndCheck): X-Cache, Age, Cache-Control and, when
   * shareable, an ETag on its 2xx, and a 304 without a body when If-None-Match
   * names the current ETag. Documented as such; test/openapi-headers.test.ts
   * holds every route so marked to it.
   */
  cacheable?: boolean;
};

/** defineRoute's result: the route without its `cacheable` flag, with its 304 when it has one. */
type DefinedRoute<R extends RouteDefinition> = Omit<R, "cacheable" | "responses"> & {
  responses: R["cacheable"] extends true ? R["responses"] & { 304: typeof NOT_MODIFIED_REF } : R["responses"];
};

/** A response with `headers` added; the route's own declarations win (they are the more specific). */
function withHeaders(response: RouteConfig["responses"][string], added: Record<string, DocumentedHeader | Ref>): RouteConfig["responses"][string] {
  if ("$ref" in response) return response;
  if (response.headers instanceof z.ZodType) throw new Error("defineRoute: declare response headers as an OpenAPI headers map, not a zod object");
  return { ...response, headers: { ...added, ...response.headers } };
}

/**
 * createRoute that always names the operation and documents the headers every
 * answer carries. An explicit operationId wins; otherwise it is
 * defaultOperationId(method, path) (client generators name their functions
 * after it, and linters require one). Every response gets X-Request-Id and
 * Server-Timing; with `cacheable: true` its 2xx also get the cache headers,
 * the operation takes an If-None-Match header and answers 304 (NOT_MODIFIED).
 */
export function defineRoute<P extends string, R extends RouteDefinition & { path: P }>(config: R) {
  const { cacheable = false, ...route } = config;
  const responses: RouteConfig["responses"] = {};
  for (const [status, response] of Object.entries(route.responses)) {
    const cached = cacheable && status.startsWith("2");
    responses[status] = withHeaders(
      response,
      cached ? documentHeaders([...EVERY_ANSWER, ...CACHE_FACTS], [ETAG]) : documentHeaders(EVERY_ANSWER),
    );
  }
  if (cacheable) responses[304] = NOT_MODIFIED_REF;
  const parameters = cacheable ? [...(route.parameters ?? []), IF_NONE_MATCH_REF] : route.parameters;
  const defined = {
    ...route,
    ...(parameters ? { parameters } : {}),
    responses,
    operationId: route.operationId ?? defaultOperationId(route.method, route.path),
  };
  // The runtime object is exactly DefinedRoute<R>: the flag dropped, the responses only added to.
  return createRoute(defined as unknown as DefinedRoute<R> & { path: P });
}
