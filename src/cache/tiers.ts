import type { RequestStats } from "../env";
import { describeError, log } from "../lib/logging";
import { sleep } from "../lib/sleep";
import type { SubrequestLimiter } from "../runtime/subrequests";
import { entryEtag, parseMeta, retentionSeconds, type CacheEntry, type EntryMeta } from "./entry";
import { isolateState } from "./isolate-state";
import type { CacheKey } from "./keys";

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

/** What the tiers use of the invocation: the KV namespace, its subrequest limiter, its stats. */
export interface TierScope {
  kv: KVNamespace;
  subrequests: SubrequestLimiter;
  stats: RequestStats;
}

async function timed<T>(scope: TierScope, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  try {
    return await work();
  } finally {
    scope.stats.cacheMs += Date.now() - started;
  }
}

function parseMetaHeader(value: string | null): EntryMeta | null {
  try {
    return parseMeta(JSON.parse(value ?? "null"));
  } catch {
    return null;
  }
}

async function fromCacheApi(scope: TierScope, key: CacheKey): Promise<CacheEntry | null> {
  const res = await scope.subrequests.run(() => caches.default.match(key.url));
  if (!res) return null;
  const meta = parseMetaHeader(res.headers.get(META_HEADER));
  if (!meta) {
    await res.body?.cancel();
    return null;
  }
  return { payload: await res.text(), meta };
}

async function fromKv(scope: TierScope, key: CacheKey): Promise<CacheEntry | null> {
  const { value, metadata } = await scope.subrequests.run(() => scope.kv.getWithMetadata<EntryMeta>(key.kv, "text"));
  const meta = parseMeta(metadata);
  return value !== null && meta ? { payload: value, meta } : null;
}

/** Cache API first, then KV (the caller refills the Cache API from a KV hit). */
export async function readTiers(scope: TierScope, key: CacheKey): Promise<{ entry: CacheEntry; tier: Tier } | null> {
  return timed(scope, async () => {
    const local = await fromCacheApi(scope, key).catch((err: unknown) => tierFailed("cache-api", "read", err));
    if (local) return { entry: local, tier: "cache-api" as const };
    const global = await fromKv(scope, key).catch((err: unknown) => tierFailed("kv", "read", err));
    if (!global) return null;
    return { entry: global, tier: "kv" as const };
  });
}

/** KV reads at most this many keys at once. */
const KV_BULK_MAX = 100;

/**
 * Many keys from KV in one read per hundred keys (each read is one subrequest):
 * the profile's sections. null for a key without a usable entry; the whole
 * answer null when KV fails (the caller then reads key by key).
 */
export async function readKvMany(scope: TierScope, keys: readonly string[]): Promise<Map<string, CacheEntry | null> | null> {
  return timed(scope, async () => {
    const found = new Map<string, CacheEntry | null>();
    try {
      for (let i = 0; i < keys.length; i += KV_BULK_MAX) {
        const batch = keys.slice(i, i + KV_BULK_MAX);
        const read = await scope.subrequests.run(() => scope.kv.getWithMetadata<EntryMeta>(batch, "text"));
        for (const key of batch) {
          const hit = read.get(key);
          const meta = parseMeta(hit?.metadata);
          found.set(key, hit && hit.value !== null && meta ? { payload: hit.value, meta } : null);
        }
      }
    } catch (err) {
      return tierFailed("kv", "read", err);
    }
    return found;
  });
}

const kvWriters = isolateState.kvWriters;

/**
 * KV takes one write a second per key. Writes of one key run one after the other,
 * in the order queued, each at least a second after the one before: a refresh
 * right after a fill is stored a moment later (and last), never refused or lost.
 * Per isolate: coalescing already makes one fill per key per isolate at a time.
 */
function queueKvWrite(key: string, write: () => Promise<unknown>): Promise<void> {
  let writer = kvWriters.get(key);
  if (!writer) {
    if (kvWriters.size > 1000) {
      for (const [k, w] of kvWriters) if (w.queued === 0 && Date.now() - w.startedAt >= KV_WRITE_SPACING_MS) kvWriters.delete(k);
    }
    writer = { tail: Promise.resolve(), startedAt: 0, queued: 0 };
    kvWriters.set(key, writer);
  }
  const w = writer;
  w.queued += 1;
  w.tail = w.tail.then(async () => {
    // Capped: a clock that went backwards must not park a write for long.
    const wait = Math.min(w.startedAt + KV_WRITE_SPACING_MS - Date.now(), KV_WRITE_SPACING_MS);
    if (wait > 0) await sleep(wait);
    w.startedAt = Date.now();
    try {
      await write();
    } catch (err) {
      tierFailed("kv", "write", err);
    } finally {
      w.queued -= 1;
    }
  });
  return w.tail;
}

/** Stores an entry in the given tiers; resolves when done, never rejects. */
export async function writeTiers(scope: TierScope, key: CacheKey, entry: CacheEntry, tiers: readonly Tier[]): Promise<void> {
  const now = Date.now();
  const retention = retentionSeconds(entry.meta, now);
  if (retention <= 0) return;
  // A stored copy carries its ETag: a hit never hashes.
  const etag = await entryEtag(entry);
  const limiter = scope.subrequests;
  const writes: Promise<unknown>[] = [];
  if (tiers.includes("cache-api")) {
    const response = new Response(entry.payload, {
      headers: {
        "Content-Type": "application/json",
        "Cache-Control": `public, max-age=${retention}`,
        ETag: etag,
        [META_HEADER]: JSON.stringify(entry.meta),
      },
    });
    writes.push(limiter.run(() => caches.default.put(key.url, response)).catch((err: unknown) => tierFailed("cache-api", "write", err)));
  }
  if (tiers.includes("kv")) {
    const put = () =>
      scope.kv.put(key.kv, entry.payload, { metadata: entry.meta, expirationTtl: Math.max(KV_MIN_TTL_SECONDS, retention) });
    writes.push(queueKvWrite(key.kv, () => limiter.run(put)));
  }
  await Promise.all(writes);
}

function tierFailed(tier: Tier, op: "read" | "write", err: unknown): null {
  log("warn", "cache_tier_failed", { tier, op, ...describeError(err) });
  return null;
}
