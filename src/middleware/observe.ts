import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import { setMetric } from "hono/timing";
import type { AppEnv, RequestStats } from "../env";
import { log } from "../lib/logging";

/** Adds time spent in the cache or the upstream to this request's totals. */
export function recordTime(stats: RequestStats, kind: "cache" | "upstream", ms: number): void {
  if (kind === "cache") stats.cacheMs += ms;
  else stats.upstreamMs += ms;
}

/**
 * Per request: sets up the stats the cache and upstream client add to, then
 * writes the Server-Timing metrics, the one structured log line and one
 * Analytics Engine data point.
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
    log(status >= 500 ? "error" : "info", "request", {
      request_id: c.get("requestId"),
      method: c.req.method,
      route,
      status,
      duration_ms: durationMs,
      cache: stats.cacheStatus ?? null,
      upstream_calls: stats.upstreamCalls,
      upstream_ms: stats.upstreamMs,
      user_id: stats.userId ?? null,
    });
    try {
      c.env.METRICS?.writeDataPoint({
        indexes: [route],
        blobs: [c.req.method, route, String(status), stats.cacheStatus ?? "NONE"],
        doubles: [status, durationMs, stats.upstreamCalls, stats.upstreamMs, stats.cacheMs],
      });
    } catch {
      // Metrics are best-effort: a full buffer must never fail the request.
    }
  }
};
