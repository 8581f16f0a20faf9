import type { Context } from "hono";
import type { AppEnv } from "../env";
import { describeError, log } from "../lib/logging";
import { recordTime } from "../middleware/observe";
import { parseMeta, retentionSeconds, type CacheEntry, type EntryMeta } from "./entry";
import type { CacheKey } from "./keys";
import { subrequests } from "./subrequests";

/**
 * The two storage tiers. The Cache API is per location and fastest, but a no-op
 * on *.workers.dev (every call silently misses); KV is global and carries the
 * load there. Either failing is a miss, never an error for the caller.
 */

const META_HEADER = "x-maplestorage-meta";
/** KV refuses shorter TTLs. */
const KV_MIN_TTL_SECONDS = 60;
/** KV accepts one write a second per key. */
const KV_WRITE_SPACING_MS = 1000;

export type Tier = "cache-api" | "kv";

/** Work that may finish after the response (the invocation stays alive for it). */
export function inBackground(c: Context<AppEnv>, work: Promise<unknown>): void {
  try {
    c.executionCtx.waitUntil(work);
  } catch {
    // No execution context (a bare app.request in a unit test): the promise just runs.
  }
}

async function timed<T>(c: Context<AppEnv>, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  try {
    return await work();
  } finally {
    recordTime(c.get("stats"), "cache", Date.now() - started);
  }
}

async function fromCacheApi(c: Context<AppEnv>, key: CacheKey): Promise<CacheEntry | null> {
  const res = await subrequests(c).run(() => caches.default.match(key.url));
  if (!res) return null;
  const meta = parseMeta(JSON.parse(res.headers.get(META_HEADER) ?? "null"));
  if (!meta) {
    await res.body?.cancel();
    return null;
  }
  return { text: await res.text(), meta };
}

async function fromKv(c: Context<AppEnv>, key: CacheKey): Promise<CacheEntry | null> {
  const { value, metadata } = await subrequests(c).run(() => c.env.CACHE.getWithMetadata<EntryMeta>(key.kv, "text"));
  const meta = parseMeta(metadata);
  return value !== null && meta ? { text: value, meta } : null;
}

/** Cache API first, then KV; a KV hit refills the Cache API in the background. */
export async function readTiers(c: Context<AppEnv>, key: CacheKey): Promise<{ entry: CacheEntry; tier: Tier } | null> {
  return timed(c, async () => {
    const local = await fromCacheApi(c, key).catch((err: unknown) => tierFailed("cache-api", "read", err));
    if (local) return { entry: local, tier: "cache-api" as const };
    const global = await fromKv(c, key).catch((err: unknown) => tierFailed("kv", "read", err));
    if (!global) return null;
    inBackground(c, writeTiers(c, key, global, ["cache-api"]));
    return { entry: global, tier: "kv" as const };
  });
}

/** Per key: the earliest time the next KV write may happen. */
const kvWriteSlots = new Map<string, number>();

/**
 * Reserves the key's next KV write slot (the platform takes one write a second
 * per key) and returns how long to wait for it: a refresh right after a fill is
 * written a moment later instead of being lost or refused.
 */
function reserveKvWrite(key: string, now: number): number {
  if (kvWriteSlots.size > 1000) {
    for (const [k, at] of kvWriteSlots) if (at <= now) kvWriteSlots.delete(k);
  }
  // Capped: a clock that went backwards must not park a write for long.
  const at = Math.min(Math.max(now, kvWriteSlots.get(key) ?? 0), now + KV_WRITE_SPACING_MS);
  kvWriteSlots.set(key, at + KV_WRITE_SPACING_MS);
  return at - now;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Stores an entry in the given tiers; resolves when done, never rejects. */
export async function writeTiers(c: Context<AppEnv>, key: CacheKey, entry: CacheEntry, tiers: readonly Tier[]): Promise<void> {
  const now = Date.now();
  const retention = retentionSeconds(entry.meta, now);
  if (retention <= 0) return;
  const limiter = subrequests(c);
  const writes: Promise<unknown>[] = [];
  if (tiers.includes("cache-api")) {
    const response = new Response(entry.text, {
      headers: {
        "Content-Type": "application/json",
        "Cache-Control": `public, max-age=${retention}`,
        ETag: entry.meta.etag,
        [META_HEADER]: JSON.stringify(entry.meta),
      },
    });
    writes.push(limiter.run(() => caches.default.put(key.url, response)).catch((err: unknown) => tierFailed("cache-api", "write", err)));
  }
  if (tiers.includes("kv")) {
    const wait = reserveKvWrite(key.kv, now);
    const put = () =>
      c.env.CACHE.put(key.kv, entry.text, { metadata: entry.meta, expirationTtl: Math.max(KV_MIN_TTL_SECONDS, retention) });
    const write = wait > 0 ? sleep(wait).then(() => limiter.run(put)) : limiter.run(put);
    writes.push(write.catch((err: unknown) => tierFailed("kv", "write", err)));
  }
  await Promise.all(writes);
}

function tierFailed(tier: Tier, op: "read" | "write", err: unknown): null {
  log("warn", "cache_tier_failed", { tier, op, ...describeError(err) });
  return null;
}

/** Tests only: forget the per-key KV write times. */
export function resetTierState(): void {
  kvWriteSlots.clear();
}
