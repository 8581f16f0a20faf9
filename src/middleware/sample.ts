import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";

/** Marks every answer while the built-in sample upstream is selected, so nobody mistakes it for live data. */
export const markSampleData: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  if (c.env?.NEXON_API_BASE_URL === "sample") c.header("X-Data-Source", "sample");
};
