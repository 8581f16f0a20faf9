import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import { setMetric } from "hono/timing";
import type { AppEnv, RequestStats } from "../env";
import { log } from "../lib/logging";
import { afterResponse } from "./after-response";

/** Adds time spent in the cache or the upstream to this request's totals. */
export function recordTime(stats: RequestStats, kind: "cache" | "upstream", ms: number): void {
  if (kind === "cache") stats.cacheMs += ms;
  else stats.upstreamMs += ms;
}

/**
 * Per request: sets up the stats the cache and upstream client add to, then
 * writes the Server-Timing metrics and, a moment after the answer has left (the
 * caller never waits for them: after-response.ts), the one structured log line
 * and one Analytics Engine data point.
 */
export const observe: MiddlewareHandler<AppEnv> = async (c, next) => {
  const started = Date.now();
  const stats: RequestStats = { cacheMs: 0, upstreamMs: 0, upstreamCalls: 0 };
  c.set("stats", stats);
  try {
    await next();
  } finally {
    setMetric(c, "cache", stats.cacheMs);
    setMetric(c, "upstream", stats.upstreamMs);
    const matched = routePath(c); // after next(): the handler that answered
    const route = matched && matched !== "*" && matched !== "/*" ? matched : "(unmatched)";
    const status = c.res.status;
    const durationMs = Date.now() - started;
    const fields = {
      request_id: c.get("requestId"),
      method: c.req.method,
      route,
      status,
      duration_ms: durationMs,
      cache: stats.cacheStatus ?? null,
      upstream_calls: stats.upstreamCalls,
      upstream_ms: stats.upstreamMs,
      user_id: stats.userId ?? null,
    };
    const dataPoint = {
      indexes: [route],
      blobs: [c.req.method, route, String(status), stats.cacheStatus ?? "NONE"],
      doubles: [status, durationMs, stats.upstreamCalls, stats.upstreamMs, stats.cacheMs],
    };
    afterResponse(c, () => {
      log(status >= 500 ? "error" : "info", "request", fields);
      try {
        c.env.METRICS?.writeDataPoint(dataPoint);
      } catch {
        // Metrics are best-effort: a full buffer must never fail the request.
      }
    });
  }
};
