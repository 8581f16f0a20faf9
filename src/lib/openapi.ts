import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { Hook, RouteConfig } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { PROBLEM_CODES, ProblemError, type FieldError, type ProblemCode } from "./problem";

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
type ProblemResponseConfig = { description: string; content?: { "application/problem+json": { schema: typeof ProblemSchema } } };

/** OpenAPI `responses` entries for the problem+json errors a route can answer. */
export function problemResponses<const S extends number>(...statuses: S[]): Record<S, ProblemResponseConfig> {
  const entries = statuses.map((status) => [
    status,
    {
      description: STATUS_DESCRIPTIONS[status] ?? "Error",
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

/** A router whose request validation failures become 400 VALIDATION_FAILED problems. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
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

/**
 * createRoute that always names the operation: client generators name their
 * functions after the operationId, and linters require one. An explicit
 * operationId wins; otherwise it is defaultOperationId(method, path).
 */
export function defineRoute<P extends string, R extends Omit<RouteConfig, "path"> & { path: P }>(config: R) {
  return createRoute({ ...config, operationId: config.operationId ?? defaultOperationId(config.method, config.path) });
}
