import type { Context } from "hono";
import { getConfig } from "../config";
import type { AppEnv } from "../env";
import { describeError, log } from "../lib/logging";
import { isProblem, type ProblemCode } from "../lib/problem";
import type { UpstreamBody, UpstreamParams } from "../upstream/client";
import { nexonClient } from "../upstream/context";
import type { EndpointDef } from "../upstream/endpoints";
import { joinFill, resetFills, shareFill } from "./coalesce";
import { createEntry, entryEtag, etagOf, freshnessOf, payloadText, type CacheEntry, type Payload } from "./entry";
import { cacheKeyFor, nextKeyGeneration, type CacheKey } from "./keys";
import { cachePolicyFor, isStorable, type CachePolicy } from "./policy";
import { refreshRequested } from "./refresh";
import { inBackground } from "../lib/background";
import { readKvMany, readTiers, resetTierState, type Tier } from "./tiers";
import { storeAfterResponse } from "./write-back";

export type CacheStatus = "HIT" | "MISS" | "STALE" | "BYPASS";

/** What the response headers say about a loaded answer. */
export interface CacheFacts {
  cache: CacheStatus;
  /** Seconds since the data was fetched from the upstream. */
  ageSeconds: number;
  /** Seconds the answer stays fresh from now (0: not fresh). */
  maxAgeSeconds: number;
  /** After freshness, seconds a cache may serve it while revalidating (0: none). */
  staleWhileRevalidateSeconds: number;
  /** After freshness, seconds a cache may serve it when we fail (0: none). */
  staleIfErrorSeconds: number;
  /** false: nobody else may be served this answer (Cache-Control: no-store). */
  shareable: boolean;
}

export interface Loaded extends CacheFacts {
  /** The JSON to send, exactly as cached: a hit is never parsed. */
  readonly payload: Payload;
  /** Parsed on first use only. */
  readonly body: UpstreamBody;
  /** The upstream's "no data" answer. */
  readonly empty: boolean;
  /** The payload's strong ETag, computed on first use: a profile sends its sections under an ETag of its own. */
  readonly etag: Promise<string>;
  readonly fetchedAt: number;
}

export interface LoadOptions {
  /** The caller has just read the tiers and found no copy: go straight to the (shared) upstream call. */
  knownMiss?: boolean;
  /** Where a fill is stored (default: both tiers). */
  storeIn?: readonly Tier[];
}

const BOTH_TIERS: readonly Tier[] = ["cache-api", "kv"];

export interface LoadRequest {
  def: EndpointDef;
  params: UpstreamParams;
  /** undefined = latest data. */
  date?: string;
}

/** A Loaded without what is derived from its payload (parsed body, ETag): what crosses an invocation boundary (characters.fanout.ts). */
export type LoadedWire = Omit<Loaded, "body" | "etag">;

function withLazyParts(data: LoadedWire, computeEtag: () => Promise<string>): Loaded {
  let parsed: UpstreamBody | undefined;
  let etag: Promise<string> | undefined;
  return {
    ...data,
    get body() {
      return (parsed ??= JSON.parse(payloadText(data.payload)) as UpstreamBody);
    },
    get etag() {
      return (etag ??= computeEtag());
    },
  };
}

export function toWire(loaded: Loaded): LoadedWire {
  const { payload, empty, fetchedAt, cache, ageSeconds, maxAgeSeconds, staleWhileRevalidateSeconds, staleIfErrorSeconds, shareable } = loaded;
  return { payload, empty, fetchedAt, cache, ageSeconds, maxAgeSeconds, staleWhileRevalidateSeconds, staleIfErrorSeconds, shareable };
}

export const fromWire = (data: LoadedWire): Loaded => withLazyParts(data, () => etagOf(data.payload));

/** A Loaded view of a cache entry as of `now`. */
export function loadedFrom(entry: CacheEntry, cache: CacheStatus, now: number, shareable = true): Loaded {
  const { meta, payload } = entry;
  const freshEnd = Math.max(now, meta.fresh_until);
  return withLazyParts(
    {
      payload,
      empty: meta.empty,
      fetchedAt: meta.fetched_at,
      cache,
      shareable: shareable && cache !== "BYPASS",
      ageSeconds: Math.max(0, Math.floor((now - meta.fetched_at) / 1000)),
      maxAgeSeconds: Math.max(0, Math.floor((meta.fresh_until - now) / 1000)),
      staleWhileRevalidateSeconds: Math.max(0, Math.floor((meta.stale_until - freshEnd) / 1000)),
      staleIfErrorSeconds: Math.max(0, Math.floor((meta.error_until - freshEnd) / 1000)),
    },
    () => entryEtag(entry),
  );
}

/** Failures a stale copy may stand in for: the upstream's, never the caller's (bad ocid, unknown name). */
const STALE_STANDS_IN_FOR = new Set<ProblemCode>([
  "UPSTREAM_UNAVAILABLE",
  "UPSTREAM_TIMEOUT",
  "UPSTREAM_BAD_RESPONSE",
  "UPSTREAM_RATE_LIMITED",
  "UPSTREAM_MAINTENANCE",
  "DATA_NOT_READY",
]);

interface Target {
  request: LoadRequest;
  key: CacheKey;
  policy: CachePolicy;
}

/**
 * One upstream call for `key`, shared by every concurrent caller in this isolate;
 * the answer is stored in both tiers once the response is out (errors are never stored).
 */
function fill(c: Context<AppEnv>, { request, key, policy }: Target, fresh = false, storeIn = BOTH_TIERS): Promise<CacheEntry> {
  return shareFill(key.kv, async () => {
    const { bytes, empty } = await nexonClient(c).fetchAnswer(request.def, request.params, { date: request.date });
    const entry = createEntry(bytes, empty, policy, Date.now());
    if (isStorable(request.def, entry.meta.empty)) storeAfterResponse(c, { key, entry, tiers: storeIn });
    return { value: entry };
  }, { fresh });
}

function revalidateInBackground(c: Context<AppEnv>, target: Target, storeIn: readonly Tier[]): void {
  inBackground(
    c,
    fill(c, target, false, storeIn).catch((err: unknown) => log("warn", "cache_revalidate_failed", { path: target.request.def.path, ...describeError(err) })),
  );
}

/** Where this request's cache keys live: the serving origin and the upstream (a profile builds 48 keys). */
const keyScopes = new WeakMap<Context<AppEnv>, { origin: string; source: string }>();

function keyScopeOf(c: Context<AppEnv>): { origin: string; source: string } {
  let scope = keyScopes.get(c);
  if (!scope) {
    const { nexon } = getConfig(c.env);
    scope = { origin: new URL(c.req.url).origin, source: nexon.useSample ? "sample" : new URL(nexon.baseUrl).host };
    keyScopes.set(c, scope);
  }
  return scope;
}

function targetOf(c: Context<AppEnv>, request: LoadRequest, now: number): Target {
  const policy = cachePolicyFor(request.def, request.date, now);
  // Private upstream data (the user's own key) is the accounts feature's, in D1: never a shared key.
  if (!policy) throw new Error(`${request.def.path} is private and never goes through the shared cache`);
  const { origin, source } = keyScopeOf(c);
  return { request, policy, key: cacheKeyFor(origin, source, request.def, request.params, request.date) };
}

/**
 * Public upstream data through the cache tiers (Cache API, then KV); the upstream
 * only on a miss, on revalidation, or for a signed-in `?refresh=true` (BYPASS).
 * Fresh → HIT. Past freshness but inside stale-while-revalidate → STALE now, one
 * background revalidation. Inside stale-if-error only → the upstream first, the
 * stale copy if it fails. Otherwise → MISS.
 */
export async function loadPublic(c: Context<AppEnv>, request: LoadRequest, options: LoadOptions = {}): Promise<Loaded> {
  const target = targetOf(c, request, Date.now());
  const storeIn = options.storeIn ?? BOTH_TIERS;
  // A refresh wants the upstream's answer from now: it joins a call under way, never one already answered.
  if (await refreshRequested(c)) return loadedFrom(await fill(c, target, true, storeIn), "BYPASS", Date.now());
  // A herd of identical misses: the first one's call is under way (MISS), or answered seconds ago (HIT).
  const underWay = joinFill<CacheEntry>(target.key.kv);
  if (underWay) return loadedFrom(await underWay.value, underWay.answered ? "HIT" : "MISS", Date.now());

  const found = options.knownMiss ? null : await readTiers(c, target.key);
  const now = Date.now();
  if (found) {
    if (found.tier === "kv" && storeIn.includes("cache-api")) storeAfterResponse(c, { key: target.key, entry: found.entry, tiers: ["cache-api"] });
    switch (freshnessOf(found.entry.meta, now)) {
      case "fresh":
        return loadedFrom(found.entry, "HIT", now);
      case "stale":
        revalidateInBackground(c, target, storeIn);
        return loadedFrom(found.entry, "STALE", now);
      case "stale-if-error":
        try {
          return loadedFrom(await fill(c, target, false, storeIn), "MISS", Date.now());
        } catch (err) {
          if (!(isProblem(err) && STALE_STANDS_IN_FOR.has(err.code))) throw err;
          log("warn", "cache_served_stale", { path: request.def.path, code: err.code });
          return loadedFrom(found.entry, "STALE", Date.now());
        }
      case "expired":
        break;
    }
  }
  return loadedFrom(await fill(c, target, false, storeIn), "MISS", Date.now());
}

/** What a bulk read learned about one request: its answer, "absent" (no copy), or undefined (load it the usual way). */
export type Peeked = Loaded | "absent" | undefined;

/**
 * The cached copies of many requests in one KV read: one subrequest where the
 * Cache API would take one per request, six at a time (the profile's 25
 * sections). Fresh → HIT; inside stale-while-revalidate → STALE, revalidated in
 * the background. Anything else (no copy, stale-if-error, expired, a refresh)
 * is left to loadPublic. The Cache API is not consulted or refilled here: it
 * would cost a subrequest per section, and the profile's own answer is what
 * Workers Cache keeps in front of the Worker.
 */
export async function peekMany(c: Context<AppEnv>, requests: readonly LoadRequest[]): Promise<Peeked[]> {
  if (requests.length === 0 || (await refreshRequested(c))) return requests.map(() => undefined);
  const targets = requests.map((request) => targetOf(c, request, Date.now()));
  const found = await readKvMany(c, [...new Set(targets.map((t) => t.key.kv))]);
  if (!found) return requests.map(() => undefined);
  const now = Date.now();
  return targets.map((target) => {
    const entry = found.get(target.key.kv);
    if (!entry) return "absent";
    switch (freshnessOf(entry.meta, now)) {
      case "fresh":
        return loadedFrom(entry, "HIT", now);
      case "stale":
        // What is read in bulk from KV is refreshed in KV.
        revalidateInBackground(c, target, ["kv"]);
        return loadedFrom(entry, "STALE", now);
      default:
        return undefined;
    }
  });
}

/** Tests only: forget in-isolate state and start from empty tiers. */
export function resetCacheState(): void {
  resetFills();
  resetTierState();
  nextKeyGeneration();
}
