import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { tryDecodeURIComponent } from "hono/utils/url";
import type { AppEnv } from "../env";
import { describeError, log } from "../lib/logging";
import { ProblemError, problemBody, type ProblemCode } from "../lib/problem";
import { CACHE_CONTROL, DEFAULT_RETRY_AFTER_SECONDS, hasHeader, RETRY_AFTER, RETRY_AFTER_STATUSES, retryAfter } from "../lib/response-headers";
import { noSuchSection } from "../upstream/errors";
import { DEFAULT_REGION, REGION_IDS } from "../upstream/regions";

const HTTP_EXCEPTION_CODES: Record<number, ProblemCode> = {
  400: "VALIDATION_FAILED",
  401: "UNAUTHENTICATED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  405: "METHOD_NOT_ALLOWED",
  413: "PAYLOAD_TOO_LARGE",
  415: "UNSUPPORTED_MEDIA_TYPE",
  429: "RATE_LIMITED",
};

/** Turns anything thrown into a ProblemError; unknown errors become INTERNAL and are logged. */
export function toProblem(err: unknown, c: Context<AppEnv>): ProblemError {
  if (err instanceof ProblemError) return err;
  if (err instanceof HTTPException && HTTP_EXCEPTION_CODES[err.status]) {
    const code = HTTP_EXCEPTION_CODES[err.status]!;
    if (code === "VALIDATION_FAILED") {
      // Hono's JSON validator says "Malformed JSON in request body".
      return new ProblemError(code, {
        detail: { en: "The request body is not valid JSON.", ko: "요청 본문이 올바른 JSON이 아닙니다." },
        errors: [{ path: "body", message: err.message || "Malformed JSON" }],
      });
    }
    return new ProblemError(code);
  }
  log("error", "unhandled_error", { request_id: c.get("requestId"), path: c.req.path, ...describeError(err) });
  return new ProblemError("INTERNAL");
}

/**
 * The problem+json answer of `err`, with what problemResponses (src/lib/openapi.ts)
 * documents on it: `Cache-Control: no-store`, and on a 429 or 503 a Retry-After,
 * the thrower's or else DEFAULT_RETRY_AFTER_SECONDS (a client must never be left
 * to guess when to retry).
 */
export function problemResponse(c: Context<AppEnv>, err: ProblemError): Response {
  const body = problemBody(err, c.get("language") ?? "en", c.get("requestId") ?? "");
  const mustSayWhen = RETRY_AFTER_STATUSES.has(err.status) && !hasHeader(err.headers, RETRY_AFTER);
  return c.body(JSON.stringify(body), err.status as 400, {
    ...(mustSayWhen ? retryAfter(DEFAULT_RETRY_AFTER_SECONDS) : {}),
    ...err.headers,
    "Content-Type": "application/problem+json; charset=utf-8",
    [CACHE_CONTROL.name]: "no-store",
  });
}

export const onError: ErrorHandler<AppEnv> = (err, c) => problemResponse(c, toProblem(err, c));

/** `/v1/characters/{ocid}/{section}` that no route answered: the section does not exist. */
const CHARACTER_SECTION_PATH = /^\/v1\/characters\/[^/]+\/([^/]+)$/;

/** 404 that lists the sections that exist (in the asked region, when it names a real one). */
function unknownSection(rawSection: string, rawRegion: string | undefined): ProblemError {
  const region = REGION_IDS.find((r) => r === rawRegion) ?? DEFAULT_REGION;
  return noSuchSection(tryDecodeURIComponent(rawSection), region);
}

/**
 * What no route answered. Unknown character sections get a 404 naming the valid
 * ones (405 for other methods, as on any section). Being the fallback, this never
 * shadows a route, whenever that route is mounted.
 */
export const notFound: NotFoundHandler<AppEnv> = (c) => {
  const section = CHARACTER_SECTION_PATH.exec(c.req.path)?.[1];
  if (section === undefined) return problemResponse(c, new ProblemError("NOT_FOUND"));
  if (c.req.method !== "GET" && c.req.method !== "HEAD") return methodNotAllowedProblem(c, ["GET", "HEAD"]);
  return problemResponse(c, unknownSection(section, c.req.query("region")));
};

export function methodNotAllowedProblem(c: Context<AppEnv>, methods: string[]): Response {
  return problemResponse(
    c,
    new ProblemError("METHOD_NOT_ALLOWED", {
      detail: {
        en: `This address accepts only ${methods.join(", ")}.`,
        ko: `이 주소는 ${methods.join(", ")} 메서드만 지원합니다.`,
      },
      headers: { Allow: methods.join(", ") },
    }),
  );
}
