import type { Context } from "hono";
import { clientKeyOf } from "./ip";
import { describeError, log } from "./logging";
import { ProblemError } from "./problem";

/** Both limiters in wrangler.toml count over 60 seconds. */
const RATE_LIMIT_PERIOD_SECONDS = 60;

/**
 * Counts one request against `key` on a Workers Rate Limiting binding; over the
 * limit → 429 RATE_LIMITED with Retry-After. A missing binding or a limiter
 * outage lets the request through (logged): the limiter protects the service,
 * it must not take it down.
 */
export async function enforceRateLimit(limiter: RateLimit | undefined, key: string): Promise<void> {
  if (!limiter) return;
  let success: boolean;
  try {
    ({ success } = await limiter.limit({ key }));
  } catch (err) {
    log("warn", "rate_limiter_failed", describeError(err));
    return;
  }
  if (!success) {
    throw new ProblemError("RATE_LIMITED", { headers: { "Retry-After": String(RATE_LIMIT_PERIOD_SECONDS) } });
  }
}

/**
 * The client as Cloudflare saw it, as the key every per-client limit counts it
 * under (SPEC: clients are identified by CF-Connecting-IP; IPv4 as it is, IPv6 by
 * its /64, see ip.ts). Cloudflare always sets a valid address in production; a
 * missing or malformed header → "unknown".
 */
export function clientIp(c: Context): string {
  return clientKeyOf(c.req.header("cf-connecting-ip") ?? "") ?? "unknown";
}
