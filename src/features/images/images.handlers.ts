import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { CacheFacts } from "../../cache/public-cache";
import { setCacheHeaders, setEtagAndCheck } from "../../cache/respond";
import type { AppEnv } from "../../env";
import { endpoint } from "../../upstream/endpoints";
import { checkDate, fetchSection } from "../characters/characters.service";
import { checkPosition, upstreamImageQuery, type ImageOptions } from "./images.params";
import type { imageRoute } from "./images.routes";
import { fetchPicture, IMAGE_MAX_AGE_SECONDS, pictureCacheUrl, readPicture, requireLookPath, storePicture, type Picture } from "./images.service";

const basicEndpoint = endpoint("character", "basic");

/** Sends a picture with its cache headers, or 304 when the client's copy matches. */
function sendPicture(c: Context<AppEnv>, picture: Picture, cache: "HIT" | "MISS"): Response {
  const ageSeconds = Math.min(IMAGE_MAX_AGE_SECONDS, Math.max(0, Math.floor((Date.now() - picture.fetchedAt) / 1000)));
  const facts: CacheFacts = {
    cache,
    ageSeconds,
    maxAgeSeconds: IMAGE_MAX_AGE_SECONDS,
    staleWhileRevalidateSeconds: 0,
    staleIfErrorSeconds: 0,
    shareable: true,
  };
  setCacheHeaders(c, facts);
  if (setEtagAndCheck(c, picture.etag)) return c.body(null, 304);
  return c.body(picture.bytes, 200, { "Content-Type": "image/png" });
}

/**
 * GET /v1/characters/{ocid}/image: everything the caller sent is checked
 * first; then the character's basic (through the cache) names the look, whose
 * path alone is kept and fetched with our own query, from this edge
 * location's copy when there is one.
 */
export const getCharacterImage: RouteHandler<typeof imageRoute, AppEnv> = async (c) => {
  const { ocid } = c.req.valid("param");
  const { region, date: asked, ...options } = c.req.valid("query");
  const image: ImageOptions = options;
  checkPosition(image);
  const date = checkDate(basicEndpoint, region, asked);
  const services = c.var.services;
  services.requireRegion(region);

  const basic = await fetchSection(c, { def: basicEndpoint, region, ocid, date });
  const upstream = services.upstream;
  const pathAndQuery = `${requireLookPath(basic.body.character_image, region, upstream.root)}?${upstreamImageQuery(image)}`;
  const key = pictureCacheUrl(new URL(c.req.url).origin, upstream.root, pathAndQuery);

  const cached = await readPicture(c, key);
  if (cached) return sendPicture(c, cached, "HIT");

  await services.chargeClient(1);
  const picture = await fetchPicture(upstream, pathAndQuery);
  storePicture(c, key, picture);
  return sendPicture(c, picture, "MISS");
};
