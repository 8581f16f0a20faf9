import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AppEnv } from "../env";
import { ProblemError } from "../lib/problem";

export const MAX_BODY_BYTES = 64 * 1024;

/** 413 for bodies over 64 KiB, counted as they stream (a lying Content-Length does not help). */
export const limitBody = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => {
    throw new ProblemError("PAYLOAD_TOO_LARGE");
  },
});

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;

/** Every body we accept is JSON; anything else is 415 before a handler sees it. */
export const requireJsonBody: MiddlewareHandler<AppEnv> = async (c, next) => {
  const hasBody =
    (c.req.header("content-length") !== undefined && c.req.header("content-length") !== "0") ||
    c.req.header("transfer-encoding") !== undefined;
  if (hasBody) {
    const mediaType = (c.req.header("content-type") ?? "").split(";")[0]!.trim();
    if (!JSON_MEDIA_TYPE.test(mediaType)) throw new ProblemError("UNSUPPORTED_MEDIA_TYPE");
  }
  await next();
};
