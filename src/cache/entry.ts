import type { CachePolicy } from "./policy";

/**
 * JSON exactly as it is sent: bytes (the upstream's own, verbatim) everywhere
 * but where a tier only hands out text (KV's bulk read). Never re-serialised on
 * the way through: a cold profile moves 300 KB of mostly Korean text, and each
 * decode/parse/stringify/encode round of it costs milliseconds.
 */
export type Payload = string | Uint8Array<ArrayBuffer>;

const utf8 = new TextEncoder();
const utf8Text = new TextDecoder();

export function payloadBytes(payload: Payload): Uint8Array<ArrayBuffer> {
  return typeof payload === "string" ? (utf8.encode(payload) as Uint8Array<ArrayBuffer>) : payload;
}

export function payloadText(payload: Payload): string {
  return typeof payload === "string" ? payload : utf8Text.decode(payload);
}

/** One buffer of the parts, in order (strings encoded as UTF-8). */
export function concatPayloads(parts: readonly Payload[]): Uint8Array<ArrayBuffer> {
  const chunks = parts.map(payloadBytes);
  const out = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

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
   * (entryEtag): when it is sent alone or stored. A cold profile sends 24
   * fresh sections under one ETag of its own, so their 24 digests wait until
   * after its answer.
   */
  etag?: string;
  /** The upstream's "no data" answer (every field null or []). */
  empty: boolean;
}

/** A cached answer: the exact bytes we send, and its metadata. */
export interface CacheEntry {
  payload: Payload;
  meta: EntryMeta;
}

export type Freshness = "fresh" | "stale" | "stale-if-error" | "expired";

const toBase64Url = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

/** A strong ETag of the bytes (128 bits of SHA-256). */
export async function etagOf(payload: Payload): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", payloadBytes(payload));
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

/** `bytes`: the upstream's answer as received (it was checked); `empty`: it says "no data". The ETag waits for entryEtag. */
export function createEntry(bytes: Uint8Array<ArrayBuffer>, empty: boolean, policy: CachePolicy, now: number): CacheEntry {
  const freshUntil = now + policy.freshSeconds * 1000;
  return {
    payload: bytes,
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

/** Metadata read back from a tier (stored with its ETag); anything malformed counts as a miss. */
export function parseMeta(value: unknown): EntryMeta | null {
  if (typeof value !== "object" || value === null) return null;
  const m = value as Record<string, unknown>;
  const numbers = ["fetched_at", "fresh_until", "stale_until", "error_until"] as const;
  if (!numbers.every((k) => typeof m[k] === "number") || typeof m.etag !== "string" || typeof m.empty !== "boolean") return null;
  return m as unknown as EntryMeta;
}
