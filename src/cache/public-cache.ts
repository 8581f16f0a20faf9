import { getConfig } from "../config";
import type { Bindings, RequestStats } from "../env";
import { describeError, log } from "../lib/logging";
import { isProblem, ProblemError } from "../lib/problem";
import type { Background } from "../runtime/background";
import type { DeferredWork } from "../runtime/deferred";
import type { SubrequestLimiter } from "../runtime/subrequests";
import type { NexonClient, UpstreamBody, UpstreamParams } from "../upstream/client";
import type { EndpointDef } from "../upstream/endpoints";
import type { RegionId } from "../upstream/regions";
import { isUpstreamFailure } from "../upstream/errors";
import { fillUnderWay, joinFill, shareFill, type Shared } from "./coalesce";
import { createEntry, entryEtag, freshnessOf, notFoundEntry, type CacheEntry } from "./entry";
import { cacheKeyFor, type CacheKey } from "./keys";
import { cachePolicyFor, isStorable, type CachePolicy } from "./policy";
import { readKvMany, readTiers, writeTiers, type Tier } from "./tiers";

export type CacheStatus = "HIT" | "MISS" | "STALE" | "BYPASS";

/** What the response headers say about a loaded answer. */
export interface CacheFacts {
  cache: CacheStatus;
  /** Seconds since the data was fetched from the upstream (the Age header). */
  ageSeconds: number;
  /** The whole freshness lifetime, counted from the fetch (RFC 9111 §4.2.3: fresh while maxAgeSeconds > ageSeconds). */
  maxAgeSeconds: number;
  /** The window after the end of freshness in which a cache may serve it while revalidating (0: none). */
  staleWhileRevalidateSeconds: number;
  /** The window after the end of freshness in which a cache may serve it when we fail (0: none). */
  staleIfErrorSeconds: number;
  /** false: nobody else may be served this answer (Cache-Control: no-store). */
  shareable: boolean;
}

export interface Loaded extends CacheFacts {
  /** The JSON to send, exactly as cached: a hit is never parsed. */
  readonly payload: string;
  /** Parsed on first use only. */
  readonly body: UpstreamBody;
  /** The upstream's "no data" answer. */
  readonly empty: boolean;
  /** The payload's strong ETag, computed on first use: a profile sends its sections under an ETag of its own. */
  readonly etag: Promise<string>;
  readonly fetchedAt: number;
}

export interface LoadRequest {
  def: EndpointDef;
  /** Which game's data: part of every cache key. */
  region: RegionId;
  params: UpstreamParams;
  /** undefined = latest data. */
  date?: string;
}

/** An upstream answer made into an entry, by this caller or by the fill it joined. */
export type Filled = Shared<CacheEntry>;

/** What a bulk read learned about one request: an answer to send, or a miss (with the copy that may stand in if the upstream fails). */
export type Peeked = { hit: Loaded } | { notFound: true } | { miss: true; fallback?: CacheEntry };

/** What the cache uses of the invocation it serves. */
export interface CacheScope {
  env: Bindings;
  upstream: NexonClient;
  subrequests: SubrequestLimiter;
  deferred: DeferredWork;
  background: Background;
  stats: RequestStats;
  /** The serving origin: Cache API keys are URLs under it. */
  origin: string;
  /**
   * Spends upstream calls of the client's allowance before they are made (429
   * RATE_LIMITED when not enough is left). Absent: nothing is charged (a child
   * invocation, a job).
   */
  charge?: (calls: number) => Promise<void>;
}

interface Target {
  request: LoadRequest;
  key: CacheKey;
  policy: CachePolicy;
}

const BOTH_TIERS: readonly Tier[] = ["cache-api", "kv"];

/** A Loaded view of a cache entry as of `now`. */
export function loadedFrom(entry: CacheEntry, cache: CacheStatus, now: number): Loaded {
  const { meta, payload } = entry;
  const seconds = (ms: number) => Math.max(0, Math.floor(ms / 1000));
  let body: UpstreamBody | undefined;
  return {
    payload,
    empty: meta.empty,
    fetchedAt: meta.fetched_at,
    cache,
    shareable: cache !== "BYPASS",
    // RFC 9111 §4.2.3: a downstream cache computes what remains as max-age − Age.
    ageSeconds: seconds(now - meta.fetched_at),
    maxAgeSeconds: seconds(meta.fresh_until - meta.fetched_at),
    staleWhileRevalidateSeconds: seconds(meta.stale_until - meta.fresh_until),
    staleIfErrorSeconds: seconds(meta.error_until - meta.fresh_until),
    get body() {
      return (body ??= JSON.parse(payload) as UpstreamBody);
    },
    get etag() {
      return entryEtag(entry);
    },
  };
}

/**
 * Public upstream data through the cache tiers (Cache API per location, KV
 * global), for one invocation. The upstream is asked only on a miss, on
 * revalidation, or for a refresh; identical concurrent misses in the isolate
 * share one call (coalesce.ts). Whoever starts a fill stores it once the
 * response is out; errors are never stored.
 *
 * @example
 * const loaded = await c.var.services.cache.load({ def: endpoint("character", "basic"), params: { ocid } });
 */
export class PublicCache {
  private readonly source: string;

  constructor(private readonly scope: CacheScope) {
    const { nexon } = getConfig(scope.env);
    this.source = nexon.useSample ? "sample" : new URL(nexon.baseUrl).host;
  }

  private target(request: LoadRequest, now: number): Target {
    const policy = cachePolicyFor(request.def, request.region, request.date, now);
    // Private upstream data (the user's own key) is the accounts feature's, in D1: never a shared key.
    if (!policy) throw new Error(`${request.def.path} is private and never goes through the shared cache`);
    return { request, policy, key: cacheKeyFor(this.scope.origin, this.source, request) };
  }

  private get tiers() {
    return { kv: this.scope.env.CACHE, subrequests: this.scope.subrequests, stats: this.scope.stats };
  }

  /** Writes `entry` to `tiers` once the response is out. */
  private store(key: CacheKey, entry: CacheEntry, tiers: readonly Tier[]): void {
    this.scope.deferred.defer(() => writeTiers(this.tiers, key, entry, tiers));
  }

  private fillTarget({ request, key, policy }: Target, refresh: boolean, callerKey?: string): Promise<Filled> {
    const call = async () => {
      try {
        const answer = await this.scope.upstream.fetchAnswer(request.def, request.params, { region: request.region, date: request.date, callerKey });
        return createEntry(answer.text, answer.empty, policy, Date.now());
      } catch (err) {
        // Run once per fill, by whoever started it: an unknown name or ocid is remembered, so repeats cost nothing.
        if (isProblem(err, "CHARACTER_NOT_FOUND")) this.store(key, notFoundEntry(Date.now()), BOTH_TIERS);
        throw err;
      }
    };
    return shareFill(key.kv, call, this.scope.background, { fresh: refresh });
  }

  /**
   * Charges the client for `calls` upstream calls about to be made for it (429
   * RATE_LIMITED when its allowance cannot cover them): `load` does so itself; a
   * caller of `fill` (the profile) charges once for all of its fills first.
   */
  charge(calls: number): Promise<void> {
    return this.scope.charge?.(calls) ?? Promise.resolve();
  }

  /** Charges one call for `target` unless it would join a call already under way. */
  private async chargeFill(target: Target, refresh: boolean): Promise<void> {
    if (!fillUnderWay(target.key.kv, { fresh: refresh })) await this.charge(1);
  }

  /**
   * The upstream's answer for `request`, shared with identical calls under way in
   * this isolate and not stored: `settle` stores what was started. A refresh
   * joins only a call under way, never one already answered.
   */
  fill(request: LoadRequest, { refresh = false } = {}): Promise<Filled> {
    return this.fillTarget(this.target(request, Date.now()), refresh);
  }

  /**
   * A fill (made here or by a child invocation) as an answer: stored in `tiers`
   * when this caller started it; on an upstream failure, `fallback` (a copy
   * inside stale-if-error) is served STALE instead.
   */
  async settle(request: LoadRequest, filled: Promise<Filled>, options: { refresh?: boolean; fallback?: CacheEntry; tiers?: readonly Tier[] } = {}): Promise<Loaded> {
    const target = this.target(request, Date.now());
    try {
      const { value, started, answered } = await filled;
      if (started && isStorable(request.def, value.meta.empty)) this.store(target.key, value, options.tiers ?? BOTH_TIERS);
      return loadedFrom(value, options.refresh ? "BYPASS" : answered ? "HIT" : "MISS", Date.now());
    } catch (err) {
      if (!options.fallback || !isUpstreamFailure(err)) throw err;
      log("warn", "cache_served_stale", { path: request.def.path, code: err.code });
      return loadedFrom(options.fallback, "STALE", Date.now());
    }
  }

  private revalidateInBackground(target: Target, tiers: readonly Tier[]): void {
    const revalidated = this.settle(target.request, this.fillTarget(target, false), { tiers }).catch((err: unknown) =>
      log("warn", "cache_revalidate_failed", { path: target.request.def.path, ...describeError(err) }),
    );
    this.scope.background(revalidated);
  }

  /**
   * Fresh → HIT. Past freshness but inside stale-while-revalidate → STALE now, one
   * background revalidation. Inside stale-if-error only → the upstream first, the
   * stale copy if it fails. Otherwise → MISS. `refresh` → the upstream (BYPASS).
   * A call it makes for the client is charged to the client first (one; none for
   * a join or a background revalidation). `callerKey`: the caller's own NEXON key
   * pays for a call this load makes (the gateway); the answer is shared all the same.
   */
  async load(request: LoadRequest, { refresh = false, callerKey }: { refresh?: boolean; callerKey?: string } = {}): Promise<Loaded> {
    const target = this.target(request, Date.now());
    if (refresh) {
      await this.chargeFill(target, true);
      return this.settle(request, this.fillTarget(target, true, callerKey), { refresh });
    }
    // A herd of identical misses: the first one's call is under way (MISS), or answered seconds ago (HIT).
    const underWay = joinFill<CacheEntry>(target.key.kv);
    if (underWay) return this.settle(request, underWay);

    const found = await readTiers(this.tiers, target.key);
    const now = Date.now();
    if (found?.entry.meta.not_found) {
      if (freshnessOf(found.entry.meta, now) === "fresh") throw new ProblemError("CHARACTER_NOT_FOUND");
    } else if (found) {
      if (found.tier === "kv") this.store(target.key, found.entry, ["cache-api"]);
      switch (freshnessOf(found.entry.meta, now)) {
        case "fresh":
          return loadedFrom(found.entry, "HIT", now);
        case "stale":
          this.revalidateInBackground(target, BOTH_TIERS);
          return loadedFrom(found.entry, "STALE", now);
        case "stale-if-error":
          await this.chargeFill(target, false);
          return this.settle(request, this.fillTarget(target, false, callerKey), { fallback: found.entry });
        case "expired":
          break;
      }
    }
    await this.chargeFill(target, false);
    return this.settle(request, this.fillTarget(target, false, callerKey));
  }

  /**
   * The cached copies of many requests in one KV read: one subrequest where the
   * Cache API would take one per request, six at a time. Fresh → HIT; inside
   * stale-while-revalidate → STALE, revalidated in the background into `tiers`.
   * Anything else is a miss for the caller to fill (with the copy that may stand
   * in when inside stale-if-error). A KV failure makes every request a miss.
   */
  async peekMany(requests: readonly LoadRequest[], tiers: readonly Tier[]): Promise<Peeked[]> {
    if (requests.length === 0) return [];
    const targets = requests.map((request) => this.target(request, Date.now()));
    const found = await readKvMany(this.tiers, [...new Set(targets.map((t) => t.key.kv))]);
    const now = Date.now();
    return targets.map((target): Peeked => {
      const entry = found?.get(target.key.kv);
      if (!entry) return { miss: true };
      if (entry.meta.not_found) return freshnessOf(entry.meta, now) === "fresh" ? { notFound: true } : { miss: true };
      switch (freshnessOf(entry.meta, now)) {
        case "fresh":
          return { hit: loadedFrom(entry, "HIT", now) };
        case "stale":
          this.revalidateInBackground(target, tiers);
          return { hit: loadedFrom(entry, "STALE", now) };
        case "stale-if-error":
          return { miss: true, fallback: entry };
        case "expired":
          return { miss: true };
      }
    });
  }
}
