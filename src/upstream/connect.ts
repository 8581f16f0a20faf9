import { getConfig } from "../config";
import type { Bindings, RequestStats } from "../env";
import { NexonClient, type NexonClientOptions } from "./client";

/** Where the sample upstream answers in development: the `SAMPLE_UPSTREAM` service binding (dev/sample-upstream). */
const SAMPLE_ORIGIN = "https://sample.nexon.invalid";

const SAMPLE_KEY = "sample-service-key";
const definedKeys = (keys: Partial<Record<string, string>>) => Object.fromEntries(Object.entries(keys).filter(([, v]) => v));

export interface ClientExtras {
  stats?: RequestStats;
  gate?: NexonClientOptions["gate"];
}

/**
 * The upstream client for an invocation (request, child or cron): the network,
 * or with `NEXON_API_BASE_URL=sample` the sample upstream behind its service
 * binding, which only the development config declares.
 */
export function createNexonClient(env: Bindings, extras: ClientExtras = {}): NexonClient {
  const { nexon } = getConfig(env);
  const sample = env.SAMPLE_UPSTREAM;
  return new NexonClient({
    baseUrl: nexon.useSample ? SAMPLE_ORIGIN : nexon.baseUrl,
    // The sample serves every region with one key.
    serviceKeys: nexon.useSample ? { kms: SAMPLE_KEY, msea: SAMPLE_KEY, tms: SAMPLE_KEY, ...definedKeys(nexon.apiKeys) } : nexon.apiKeys,
    rps: nexon.rps,
    timeoutMs: nexon.timeoutMs,
    deadlineMs: nexon.deadlineMs,
    // Looked up at call time, so tests can intercept `fetch`.
    fetcher: nexon.useSample && sample ? (request) => sample.fetch(request) : (request) => fetch(request),
    // NEXON_RPS for the whole deployment (src/upstream/budget); missing, each isolate keeps its own.
    budgetObjects: env.UPSTREAM_BUDGET,
    ...extras,
  });
}
