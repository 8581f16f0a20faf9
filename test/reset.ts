import { env } from "cloudflare:workers";
import { isolateState } from "../src/cache/isolate-state";
import { forgetLeaseBudgets } from "../src/upstream/budget/budget.test-helpers";
import { callBudgets } from "../src/upstream/rate-budget";

/** Origins tests serve from: every Cache API copy lives under one of them. */
const ORIGINS = ["https://api.test", "http://localhost"];

/**
 * Empty cache tiers and no in-isolate state (coalescing, KV write spacing,
 * upstream call budgets): one test's cached answer, or calls, or faked clock,
 * never reach another's. Storage lasts for a whole test file otherwise. Every
 * Cache API copy has a KV twin under the same path (fills store both; the
 * Cache API is refilled from KV), so the KV listing finds them all.
 */
export async function resetCacheState(): Promise<void> {
  for (const state of Object.values(isolateState)) state.clear();
  callBudgets.clear();
  await forgetLeaseBudgets();
  let cursor: string | undefined;
  do {
    const page = await env.CACHE.list({ cursor });
    for (const { name } of page.keys) {
      await env.CACHE.delete(name);
      for (const origin of ORIGINS) await caches.default.delete(`${origin}/__cache/${name}`);
    }
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
}
