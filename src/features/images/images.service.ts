import type { Context } from "hono";
import { describeError, log } from "../../lib/logging";
import { ProblemError } from "../../lib/problem";
import { RETRY_AFTER, retryAfter } from "../../lib/response-headers";
import { parseRetryAfter } from "../../upstream/errors";
import type { NexonClient } from "../../upstream/client";
import { REGIONS, type RegionId } from "../../upstream/regions";

/** The real upstream's host: where `character_image` points in production data. */
const NEXON_ORIGIN = "https://open.api.nexon.com";
/** A day at the edge: a look's path names the look, so its picture never changes. */
export const IMAGE_MAX_AGE_SECONDS = 86_400;
/** A 1000×1000 look is far smaller; anything bigger is not a character image. */
const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Bump when the stored form changes: old copies are then never read again. */
const KEY_VERSION = "img-v1";
const FETCHED_AT_HEADER = "x-maplestorage-fetched-at";

/** scheme://authority/path?query#fragment, taken apart without normalising anything (no `..` resolution, no decoding). */
const RAW_URL = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(\?[^#]*)?(#.*)?$/;
/** A look token: the upstream's are capital letters; nothing that could spell `..`, `%2e` or another segment. */
const LOOK_TOKEN = /^[A-Za-z0-9_-]{1,2048}$/;

export type LookPathCheck = { path: string } | { refused: "unparsable" | "origin" | "path" | "region" };

/**
 * Where a `character_image` URL may be fetched from, decided from its raw text
 * (never a normalised form, which would hide a `..` or an encoded segment):
 * only the origin `https://open.api.nexon.com` or the client's own root origin
 * (the configured upstream: the sample or a test host), compared whole, so
 * userinfo, a port or another scheme never match; and only the path
 * `/static/<region's service>/character/look/<token>`. Returns that path alone
 * (the caller adds its own query), or why it was refused.
 */
export function lookPathOf(raw: string, region: RegionId, root: string): LookPathCheck {
  const parts = RAW_URL.exec(raw);
  if (!parts) return { refused: "unparsable" };
  const [, scheme, authority, path] = parts as unknown as [string, string, string, string];
  const origin = `${scheme}://${authority}`.toLowerCase();
  if (origin !== NEXON_ORIGIN && origin !== new URL(root).origin) return { refused: "origin" };
  const segments = path.split("/");
  // ["", "static", service, "character", "look", token]
  if (segments.length !== 6 || segments[0] !== "" || segments[1] !== "static" || segments[3] !== "character" || segments[4] !== "look") {
    return { refused: "path" };
  }
  if (!LOOK_TOKEN.test(segments[5]!)) return { refused: "path" };
  if (segments[2] !== REGIONS[region].service) return { refused: "region" };
  return { path };
}

/**
 * The path of the character's look from its `basic` body, ready to fetch:
 * 404 NOT_FOUND when the character has no image; 502 UPSTREAM_BAD_RESPONSE
 * (logged) when the URL points anywhere we do not fetch from.
 */
export function requireLookPath(characterImage: unknown, region: RegionId, root: string): string {
  if (characterImage === null || characterImage === undefined || characterImage === "") {
    throw new ProblemError("NOT_FOUND", {
      detail: { en: "This character has no image.", ko: "이 캐릭터는 이미지가 없습니다." },
    });
  }
  const checked = typeof characterImage === "string" ? lookPathOf(characterImage, region, root) : ({ refused: "unparsable" } as const);
  if ("refused" in checked) {
    const text = typeof characterImage === "string" ? characterImage : "";
    // The address is public game data; only its start is kept, enough to see where it pointed.
    log("warn", "character_image_refused", { reason: checked.refused, region, url_start: text.slice(0, 80) });
    throw new ProblemError("UPSTREAM_BAD_RESPONSE", {
      detail: {
        en: "NEXON gave this character an image address we do not load images from.",
        ko: "NEXON이 이 캐릭터의 이미지 주소로 허용되지 않은 곳을 알려 주었습니다.",
      },
    });
  }
  return checked.path;
}

/** A character image ready to send: its bytes, strong ETag and when it was fetched. */
export interface Picture {
  bytes: ArrayBuffer;
  etag: string;
  fetchedAt: number;
}

/** A strong ETag of the bytes (128 bits of SHA-256, base64url), as the JSON answers have. */
async function etagOfBytes(bytes: ArrayBuffer): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)).slice(0, 16);
  return `"${btoa(String.fromCharCode(...digest)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")}"`;
}

/**
 * The Cache API key of one picture: the upstream it came from, the look's
 * path (which names the region) and our normalised query. Nothing about who
 * asked is part of it.
 */
export function pictureCacheUrl(servingOrigin: string, upstreamRoot: string, pathAndQuery: string): string {
  return `${servingOrigin}/__cache/${KEY_VERSION}/${encodeURIComponent(new URL(upstreamRoot).host)}${pathAndQuery}`;
}

/** A stored picture, or null (absent, unreadable, or the Cache API failing: a miss, never an error). */
export async function readPicture(c: Context, key: string): Promise<Picture | null> {
  const { subrequests, stats } = c.var.services;
  const started = Date.now();
  try {
    const res = await subrequests.run(() => caches.default.match(key));
    if (!res) return null;
    const fetchedAt = Number(res.headers.get(FETCHED_AT_HEADER));
    const etag = res.headers.get("etag");
    if (!Number.isFinite(fetchedAt) || fetchedAt <= 0 || !etag) {
      await res.body?.cancel();
      return null;
    }
    return { bytes: await res.arrayBuffer(), etag, fetchedAt };
  } catch (err) {
    log("warn", "cache_tier_failed", { tier: "cache-api", op: "read", ...describeError(err) });
    return null;
  } finally {
    stats.cacheMs += Date.now() - started;
  }
}

/** Stores a picture at this edge location for a day, after the response has gone out. */
export function storePicture(c: Context, key: string, picture: Picture): void {
  const { subrequests, deferred } = c.var.services;
  deferred.defer(async () => {
    const stored = new Response(picture.bytes, {
      headers: {
        "Content-Type": "image/png",
        "Cache-Control": `public, max-age=${IMAGE_MAX_AGE_SECONDS}`,
        ETag: picture.etag,
        [FETCHED_AT_HEADER]: String(picture.fetchedAt),
      },
    });
    try {
      await subrequests.run(() => caches.default.put(key, stored));
    } catch (err) {
      log("warn", "cache_tier_failed", { tier: "cache-api", op: "write", ...describeError(err) });
    }
  });
}

function isPng(bytes: ArrayBuffer): boolean {
  if (bytes.byteLength < PNG_SIGNATURE.length) return false;
  const head = new Uint8Array(bytes, 0, PNG_SIGNATURE.length);
  return PNG_SIGNATURE.every((b, i) => head[i] === b);
}

/**
 * Fetches the picture at `pathAndQuery` under the upstream's root. Its answer
 * must be a PNG (Content-Type and signature) of sane size, else 502
 * UPSTREAM_BAD_RESPONSE; 404 is NOT_FOUND (the look is gone), 429 is 503
 * UPSTREAM_RATE_LIMITED, 5xx is 502 UPSTREAM_UNAVAILABLE.
 */
export async function fetchPicture(upstream: NexonClient, pathAndQuery: string): Promise<Picture> {
  const res = await upstream.fetchStatic(pathAndQuery);
  const path = pathAndQuery.split("?")[0];
  if (res.status === 404) {
    throw new ProblemError("NOT_FOUND", {
      detail: { en: "NEXON has no image of this character's look.", ko: "NEXON에 이 캐릭터 외형의 이미지가 없습니다." },
    });
  }
  if (res.status === 429) {
    // The upstream's own wait when it says one, else a second, as for its data answers (src/upstream/errors.ts).
    const seconds = parseRetryAfter(res.headers.get(RETRY_AFTER.name), Date.now()) ?? 1;
    throw new ProblemError("UPSTREAM_RATE_LIMITED", { headers: retryAfter(seconds) });
  }
  if (res.status >= 500) {
    log("warn", "character_image_upstream_failed", { status: res.status });
    throw new ProblemError("UPSTREAM_UNAVAILABLE");
  }
  const bytes = await res.arrayBuffer();
  const mediaType = (res.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (res.status !== 200 || mediaType !== "image/png" || !isPng(bytes) || bytes.byteLength > MAX_IMAGE_BYTES) {
    log("warn", "character_image_malformed", { status: res.status, content_type: mediaType.slice(0, 64), bytes: bytes.byteLength, path: path?.slice(0, 40) });
    throw new ProblemError("UPSTREAM_BAD_RESPONSE");
  }
  return { bytes, etag: await etagOfBytes(bytes), fetchedAt: Date.now() };
}
