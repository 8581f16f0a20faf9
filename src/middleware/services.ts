import type { Context, MiddlewareHandler } from "hono";
import { PublicCache } from "../cache/public-cache";
import { getConfig } from "../config";
import type { Bindings, RequestStats } from "../env";
import { spendAllowance } from "../runtime/allowance/spend";
import { backgroundOf, type Background } from "../runtime/background";
import { DeferredWork } from "../runtime/deferred";
import { SubrequestLimiter } from "../runtime/subrequests";
import { regionNotServed, type NexonClient } from "../upstream/client";
import { createNexonClient } from "../upstream/connect";
import type { RegionId } from "../upstream/regions";
import type { ClientIdentity } from "./rate-limit";

export interface ServicesInit {
  env: Bindings;
  /** The invocation's `waitUntil`. */
  background: Background;
  /** The serving origin (Cache API keys live under it). */
  origin: string;
  /** false: deferred work starts at once (nothing to wait for: a child invocation). */
  holdDeferred?: boolean;
  /**
   * Who this invocation's upstream calls are charged to, read when they are
   * (rateLimitClients sets it after the services exist). Absent or undefined
   * (a child invocation, a route outside /v1): nothing is charged.
   */
  client?: () => ClientIdentity | undefined;
}

/** DEFERRED_WORK_DELAY_MS; 0 when the settings are bad (that request already answers 500 MISCONFIGURED where it matters). */
function deferredWorkDelay(env: Bindings): number {
  try {
    return getConfig(env).deferredWorkDelayMs;
  } catch {
    return 0;
  }
}

/**
 * One invocation's services, built once and read as `c.var.services` (a
 * request) or held by a profile child (src/index.ts). The upstream client and
 * the cache are made on first use, so a route that needs neither never reads
 * the upstream settings (a bad one answers 500 MISCONFIGURED only where it matters).
 */
export class Services {
  /** Timings and counts for the log line, metrics and Server-Timing. */
  readonly stats: RequestStats = { cacheMs: 0, upstreamMs: 0, upstreamCalls: 0 };
  /** Production's six-open-subrequests rule, for every outbound call of this invocation. */
  readonly subrequests = new SubrequestLimiter();
  /** Work that runs once the response has been delivered. */
  readonly deferred: DeferredWork;
  readonly background: Background;
  #upstream?: NexonClient;
  #cache?: PublicCache;

  constructor(private readonly init: ServicesInit) {
    this.background = init.background;
    this.deferred = new DeferredWork(init.background, { held: init.holdDeferred ?? true, delayMs: () => deferredWorkDelay(init.env) });
  }

  /** The NEXON client, counting into `stats` and gated by `subrequests`. */
  get upstream(): NexonClient {
    return (this.#upstream ??= createNexonClient(this.init.env, { stats: this.stats, gate: (task) => this.subrequests.run(task) }));
  }

  /**
   * Spends `calls` upstream calls of the client's allowance per minute, before
   * they are made: not enough left → 429 RATE_LIMITED with Retry-After.
   */
  async chargeClient(calls: number): Promise<void> {
    const client = this.init.client?.();
    if (!client || calls <= 0) return;
    const { allowance } = getConfig(this.init.env);
    const perMinute = client.signedIn ? allowance.upstreamCallsPerMinuteAuthed : allowance.upstreamCallsPerMinute;
    await spendAllowance(this.init.env.CLIENT_ALLOWANCE, client.key, calls, perMinute);
  }

  /**
   * 404 NOT_FOUND unless this deployment has a server key for `region` (SPEC:
   * Regions): called before anything else is looked up for that region.
   */
  requireRegion(region: RegionId): void {
    if (!this.upstream.serves(region)) throw regionNotServed(region);
  }

  /** Public upstream data through the cache tiers. */
  get cache(): PublicCache {
    const { env, origin } = this.init;
    return (this.#cache ??= new PublicCache({
      env,
      origin,
      upstream: this.upstream,
      subrequests: this.subrequests,
      deferred: this.deferred,
      background: this.background,
      stats: this.stats,
      charge: (calls) => this.chargeClient(calls),
    }));
  }
}

declare module "hono" {
  interface ContextVariableMap {
    services: Services;
    /** The same object as `services.stats`. */
    stats: RequestStats;
  }
}

function executionContextOf(c: Context): Context["executionCtx"] | undefined {
  try {
    return c.executionCtx;
  } catch {
    // A bare `app.request` (unit tests) has none.
    return undefined;
  }
}

/** Sets this request's services: `services`, `stats` and `deferred` (src/runtime/deferred.ts). */
export const services: MiddlewareHandler<{ Bindings: Bindings }> = async (c, next) => {
  const built = new Services({
    env: c.env,
    background: backgroundOf(executionContextOf(c)),
    origin: new URL(c.req.url).origin,
    client: () => c.get("client"),
  });
  c.set("services", built);
  c.set("stats", built.stats);
  c.set("deferred", built.deferred);
  await next();
};
