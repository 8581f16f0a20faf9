import type { Context } from "hono";

/** What a request's Authorization header carries, read once per request (bearerOf). */
export interface Bearer {
  /** A non-empty Authorization header was sent. */
  presented: boolean;
  /** Its Bearer token, when the header is well-formed `Bearer <token68>`. */
  token: string | undefined;
}

declare module "hono" {
  interface ContextVariableMap {
    /** This request's Authorization header, once parsed (bearerOf). */
    bearer: Bearer;
  }
}

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/**
 * The request's Bearer credentials, parsed on first use and kept on the context,
 * so the rate limiter and the auth middleware read the same token whatever
 * order they run in.
 */
export function bearerOf(c: Context): Bearer {
  const known = c.get("bearer");
  if (known) return known;
  const authorization = c.req.header("authorization");
  const bearer: Bearer = { presented: Boolean(authorization), token: authorization ? BEARER.exec(authorization)?.[1] : undefined };
  c.set("bearer", bearer);
  return bearer;
}
