import { z } from "zod";
import type { CachePolicy } from "./policy";

/**
 * What is kept beside a cached body (KV metadata; a Cache API header), so a hit
 * needs neither JSON parsing nor validation. Times are epoch milliseconds.
 */
export interface EntryMeta {
  fetched_at: number;
  /** HIT until then. */
  fresh_until: number;
  /** STALE + background revalidation until then. */
  stale_until: number;
  /** STALE only when the upstream fails, until then. */
  error_until: number;
  /**
   * Always present in a stored copy; a fill's is computed on first need
   * (entryEtag): when it is sent alone or stored. A cold profile sends its
   * sections under one ETag of its own, so theirs wait until after its answer.
   */
  etag?: string;
  /** The upstream's "no data" answer (every field null or []). */
  empty: boolean;
  /** A remembered "no such character" (CHARACTER_NOT_FOUND) instead of an answer; the payload is empty. */
  not_found?: boolean;
}

/** A cached answer: the JSON text we send, exactly as the upstream sent it (never re-serialised), and its metadata. */
export interface CacheEntry {
  payload: string;
  meta: EntryMeta;
}

export type Freshness = "fresh" | "stale" | "stale-if-error" | "expired";

const toBase64Url = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

/** A strong ETag of the text's UTF-8 bytes (128 bits of SHA-256). */
export async function etagOf(payload: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(payload));
  return `"${toBase64Url(new Uint8Array(digest).slice(0, 16))}"`;
}

/** Digests under way, by the metadata they will complete: a herd sharing one fill asks at once. */
const etagsUnderWay = new WeakMap<EntryMeta, Promise<string>>();

/** The entry's strong ETag: one digest per entry, however many hold it, kept on its metadata. */
export function entryEtag(entry: CacheEntry): Promise<string> {
  const { meta } = entry;
  if (meta.etag !== undefined) return Promise.resolve(meta.etag);
  let underWay = etagsUnderWay.get(meta);
  if (!underWay) {
    underWay = etagOf(entry.payload).then((etag) => (meta.etag = etag));
    etagsUnderWay.set(meta, underWay);
  }
  return underWay;
}

/** `text`: the upstream's answer as received (it was checked); `empty`: it says "no data". The ETag waits for entryEtag. */
/** How long an unknown character name or ocid is remembered: a repeat answers the same 404 without an upstream call. */
export const NOT_FOUND_SECONDS = 5 * 60;

/** The entry that remembers a CHARACTER_NOT_FOUND answer until NOT_FOUND_SECONDS from `now`. */
export function notFoundEntry(now: number): CacheEntry {
  const until = now + NOT_FOUND_SECONDS * 1000;
  return { payload: "", meta: { fetched_at: now, fresh_until: until, stale_until: until, error_until: until, empty: true, not_found: true } };
}

export function createEntry(text: string, empty: boolean, policy: CachePolicy, now: number): CacheEntry {
  const freshUntil = now + policy.freshSeconds * 1000;
  return {
    payload: text,
    meta: {
      fetched_at: now,
      fresh_until: freshUntil,
      stale_until: freshUntil + policy.staleWhileRevalidateSeconds * 1000,
      error_until: freshUntil + policy.staleIfErrorSeconds * 1000,
      empty,
    },
  };
}

export function freshnessOf(meta: EntryMeta, now: number): Freshness {
  if (now < meta.fresh_until) return "fresh";
  if (now < meta.stale_until) return "stale";
  if (now < meta.error_until) return "stale-if-error";
  return "expired";
}

/** Seconds a tier should keep the entry: until its last usable moment. */
export function retentionSeconds(meta: EntryMeta, now: number): number {
  return Math.ceil((Math.max(meta.fresh_until, meta.stale_until, meta.error_until) - now) / 1000);
}

const StoredMeta = z.object({
  fetched_at: z.number(),
  fresh_until: z.number(),
  stale_until: z.number(),
  error_until: z.number(),
  etag: z.string(),
  empty: z.boolean(),
  not_found: z.boolean().optional(),
});

/** Metadata read back from a tier (stored with its ETag); anything malformed counts as a miss. */
export function parseMeta(value: unknown): EntryMeta | null {
  const parsed = StoredMeta.safeParse(value);
  return parsed.success ? parsed.data : null;
}
