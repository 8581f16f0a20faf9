import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import { secureHeaders } from "hono/secure-headers";
import { parseCorsOrigins } from "../config";
import type { AppEnv } from "../env";

const common = {
  strictTransportSecurity: "max-age=63072000; includeSubDomains",
  xContentTypeOptions: "nosniff",
  xFrameOptions: "DENY",
  referrerPolicy: "no-referrer",
  crossOriginResourcePolicy: "same-origin",
  removePoweredBy: true,
} as const;

/** JSON answers load nothing and may be framed by nobody. */
const apiHeaders = secureHeaders({
  ...common,
  contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
});

/**
 * Public reads are for any site (CORS `*`): a character image must load in
 * another site's `<img>`, which `Cross-Origin-Resource-Policy: same-origin` blocks.
 */
const publicReadHeaders = secureHeaders({
  ...common,
  crossOriginResourcePolicy: "cross-origin",
  contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
});

/** The docs page runs our own bundled swagger-ui and calls only this origin. */
const docsHeaders = secureHeaders({
  ...common,
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", "data:", "https:"],
    connectSrc: ["'self'"],
    fontSrc: ["'self'", "data:"],
    frameAncestors: ["'none'"],
  },
});

export const securityHeaders: MiddlewareHandler<AppEnv> = (c, next) => {
  if (c.req.path === "/docs" || c.req.path.startsWith("/docs/")) return docsHeaders(c, next);
  return isPublicRead(c.req.method, c.req.path) ? publicReadHeaders(c, next) : apiHeaders(c, next);
};

const CORS_HEADERS = {
  // X-Nxopen-Api-Key: the NEXON SDKs send it to the gateway (/nexon/).
  allowHeaders: ["Authorization", "Content-Type", "If-None-Match", "X-Request-Id", "Accept-Language", "X-Nxopen-Api-Key"],
  exposeHeaders: ["X-Request-Id", "X-Cache", "ETag", "Age", "Retry-After", "Link", "Server-Timing", "X-Data-Source"],
  maxAge: 600,
};

/** Sign-in and the signed-in user's own routes: never answered to any origin. */
const PRIVATE_PREFIXES = ["/v1/auth", "/v1/me"];

/**
 * A public read: GET or HEAD (for a preflight, the method it asks about) outside
 * sign-in and the signed-in user's routes. The path is lower-cased with its
 * slashes collapsed first, so a spelling the router might still match is
 * treated as private, never the other way round.
 */
export function isPublicRead(method: string, path: string, preflightMethod?: string): boolean {
  const asked = (method === "OPTIONS" ? (preflightMethod ?? "") : method).toUpperCase();
  if (asked !== "GET" && asked !== "HEAD") return false;
  const normalized = path.toLowerCase().replace(/\/{2,}/g, "/");
  return !PRIVATE_PREFIXES.some((prefix) => normalized === prefix || normalized.startsWith(`${prefix}/`));
}

/** Public reads: any origin, one cached copy for everyone (no Vary: Origin), and so never credentials. */
const publicCors = cors({ origin: "*", allowMethods: ["GET", "HEAD", "OPTIONS"], ...CORS_HEADERS });

/**
 * CORS. Public GET routes answer `Access-Control-Allow-Origin: *` without
 * `Vary: Origin` (the API uses bearer tokens, never cookies). Everything else
 * (sign-in, signed-in routes, any other method) allows the configured origins
 * only, with `Vary: Origin`; credentials are never paired with `*`.
 */
export const corsFromConfig: MiddlewareHandler<AppEnv> = (c, next) => {
  if (isPublicRead(c.req.method, c.req.path, c.req.header("access-control-request-method"))) return publicCors(c, next);
  const allowed = parseCorsOrigins(c.env?.CORS_ALLOWED_ORIGINS);
  return cors({
    origin: (origin) => (allowed.includes(origin) ? origin : null),
    allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
    ...CORS_HEADERS,
    credentials: true,
  })(c, next);
};

/** Whether a shared cache may store this answer: a GET/HEAD whose Cache-Control says neither `no-store` nor `private`. */
function sharedCacheMayStore(method: string, cacheControl: string | null): boolean {
  if (method !== "GET" && method !== "HEAD") return false;
  const directives = (cacheControl ?? "").split(",").map((d) => d.trim().split("=")[0]!.toLowerCase());
  return !directives.includes("no-store") && !directives.includes("private");
}

/**
 * A caller-chosen `X-Request-Id` is never frozen into an answer a shared cache
 * may store (every later reader would get it): such an answer gets a
 * server-generated id instead, which the log line then carries. Runs inside
 * `observe`, after the handler has set Cache-Control.
 */
export const sharedRequestId: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  const callers = c.req.header("x-request-id");
  if (callers === undefined || c.get("requestId") !== callers) return;
  if (!sharedCacheMayStore(c.req.method, c.res.headers.get("cache-control"))) return;
  const generated = crypto.randomUUID();
  c.set("requestId", generated);
  c.header("X-Request-Id", generated);
};
