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

export const securityHeaders: MiddlewareHandler<AppEnv> = (c, next) =>
  c.req.path === "/docs" || c.req.path.startsWith("/docs/") ? docsHeaders(c, next) : apiHeaders(c, next);

/** CORS for the configured origins only; credentials are never paired with `*`. */
export const corsFromConfig: MiddlewareHandler<AppEnv> = (c, next) => {
  const allowed = parseCorsOrigins(c.env?.CORS_ALLOWED_ORIGINS);
  return cors({
    origin: (origin) => (allowed.includes(origin) ? origin : null),
    allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
    allowHeaders: ["Authorization", "Content-Type", "If-None-Match", "X-Request-Id", "Accept-Language"],
    exposeHeaders: ["X-Request-Id", "X-Cache", "ETag", "Age", "Retry-After", "Link", "Server-Timing", "X-Data-Source"],
    credentials: true,
    maxAge: 600,
  })(c, next);
};
