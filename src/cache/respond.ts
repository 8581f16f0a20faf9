import type { Context } from "hono";
import type { AppEnv } from "../env";
import type { CacheStatus, Loaded } from "./load";

/** Cache headers for a public answer built from loaded data. */
export function setCacheHeaders(c: Context<AppEnv>, cache: CacheStatus, loaded: Pick<Loaded, "ageSeconds" | "maxAgeSeconds">): void {
  c.get("stats").cacheStatus = cache;
  c.header("X-Cache", cache);
  c.header("Age", String(Math.max(0, Math.floor(loaded.ageSeconds))));
  c.header("Cache-Control", loaded.maxAgeSeconds > 0 ? `public, max-age=${loaded.maxAgeSeconds}` : "no-cache");
}

/** Sends loaded data as JSON with its cache headers. */
export function respondLoaded(c: Context<AppEnv>, loaded: Loaded, body: unknown = loaded.body) {
  setCacheHeaders(c, loaded.cache, loaded);
  return c.json(body as Record<string, unknown>, 200);
}
