import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import { setMetric } from "hono/timing";
import type { AppEnv } from "../env";
import { log } from "../lib/logging";
import { SERVER_TIMING_METRICS } from "../lib/response-headers";

/**
 * Per request: writes the Server-Timing metrics from the stats the cache and
 * upstream client add to (`c.var.stats`, set by the services middleware) and,
 * once the answer has been delivered (`c.var.deferred`), the one structured
 * log line and one Analytics Engine data point.
 */
export const observe: MiddlewareHandler<AppEnv> = async (c, next) => {
  const started = Date.now();
  const stats = c.var.stats;
  try {
    await next();
  } finally {
    // Named where the document describes them (SERVER_TIMING); Hono's timing middleware adds `total`.
    setMetric(c, SERVER_TIMING_METRICS.cache.name, stats.cacheMs);
    setMetric(c, SERVER_TIMING_METRICS.upstream.name, stats.upstreamMs);
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
    c.var.deferred.defer(() => {
      log(status >= 500 ? "error" : "info", "request", fields);
      try {
        c.env.METRICS?.writeDataPoint(dataPoint);
      } catch {
        // Metrics are best-effort: a full buffer must never fail the request.
      }
    });
  }
};
