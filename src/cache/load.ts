import type { Context } from "hono";
import type { AppEnv } from "../env";
import type { UpstreamBody, UpstreamParams } from "../upstream/client";
import { nexonClient } from "../upstream/context";
import type { EndpointDef } from "../upstream/endpoints";

export type CacheStatus = "HIT" | "MISS" | "STALE" | "BYPASS";

export interface Loaded {
  body: UpstreamBody;
  cache: CacheStatus;
  /** Seconds since the body was fetched from the upstream. */
  ageSeconds: number;
  /** Seconds a shared cache may keep it (0: do not share). */
  maxAgeSeconds: number;
}

export interface LoadRequest {
  def: EndpointDef;
  params: UpstreamParams;
  /** undefined = latest data. */
  date?: string;
}

/** Public upstream data through the cache tiers; the upstream only on a miss. */
export async function loadPublic(c: Context<AppEnv>, request: LoadRequest): Promise<Loaded> {
  const body = await nexonClient(c).get(request.def, request.params, { date: request.date });
  return { body, cache: "MISS", ageSeconds: 0, maxAgeSeconds: 0 };
}
