import type { Context } from "hono";
import { getConfig } from "../config";
import type { AppEnv, Bindings, RequestStats } from "../env";
import { subrequests } from "../cache/subrequests";
import { NexonClient, type Fetcher, type NexonClientOptions } from "./client";
import { sampleUpstreamFetch } from "./sample";

/** Looked up at call time so tests can intercept `fetch`. */
const networkFetch: Fetcher = (request) => fetch(request);

const clients = new WeakMap<Context<AppEnv>, NexonClient>();

export interface ClientExtras {
  stats?: RequestStats;
  gate?: NexonClientOptions["gate"];
}

/** An upstream client for any invocation (request or cron): the network, or the built-in sample upstream. */
export function createNexonClient(env: Bindings, extras: ClientExtras = {}): NexonClient {
  const { nexon } = getConfig(env);
  return new NexonClient({
    baseUrl: nexon.useSample ? "https://sample.nexon.invalid" : nexon.baseUrl,
    serviceKey: nexon.useSample ? nexon.apiKey || "sample-service-key" : nexon.apiKey,
    rps: nexon.rps,
    timeoutMs: nexon.timeoutMs,
    deadlineMs: nexon.deadlineMs,
    fetcher: nexon.useSample ? sampleUpstreamFetch : networkFetch,
    ...extras,
  });
}

/** The request's upstream client, sharing the request's stats and six-subrequest limiter. */
export function nexonClient(c: Context<AppEnv>): NexonClient {
  let client = clients.get(c);
  if (!client) {
    client = createNexonClient(c.env, {
      stats: c.get("stats"),
      // Production's six-open-subrequests rule, enforced here too (src/cache/subrequests.ts).
      gate: (task) => subrequests(c).run(task),
    });
    clients.set(c, client);
  }
  return client;
}
