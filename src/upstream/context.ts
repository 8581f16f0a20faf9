import type { Context } from "hono";
import { getConfig } from "../config";
import type { AppEnv } from "../env";
import { subrequests } from "../cache/subrequests";
import { NexonClient, type Fetcher } from "./client";
import { sampleUpstreamFetch } from "./sample";

/** Looked up at call time so tests can intercept `fetch`. */
const networkFetch: Fetcher = (request) => fetch(request);

const clients = new WeakMap<Context<AppEnv>, NexonClient>();

/** The request's upstream client: the network, or the built-in sample upstream when configured. */
export function nexonClient(c: Context<AppEnv>): NexonClient {
  let client = clients.get(c);
  if (!client) {
    const { nexon } = getConfig(c.env);
    client = new NexonClient({
      baseUrl: nexon.useSample ? "https://sample.nexon.invalid" : nexon.baseUrl,
      serviceKey: nexon.useSample ? nexon.apiKey || "sample-service-key" : nexon.apiKey,
      rps: nexon.rps,
      fetcher: nexon.useSample ? sampleUpstreamFetch : networkFetch,
      stats: c.get("stats"),
      // Production's six-open-subrequests rule, enforced here too (src/cache/subrequests.ts).
      gate: (task) => subrequests(c).run(task),
    });
    clients.set(c, client);
  }
  return client;
}
