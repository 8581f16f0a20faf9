import { runInDurableObject } from "cloudflare:test";
import { isolateLeases } from "./lease";

/**
 * For test/reset.ts: forgets every grant of the budget objects this isolate has
 * asked (a test's calls, at a faked clock, never slow the next test) and this
 * isolate's leases.
 */
export async function forgetLeaseBudgets(): Promise<void> {
  for (const budget of isolateLeases.budgets.values()) {
    const objects = budget.objects;
    if (!objects) continue;
    try {
      // The grant log is the object's private memory: reached from the test side only.
      await runInDurableObject(objects.get(objects.idFromName(budget.fingerprint)), (instance) => {
        Reflect.set(instance, "grants", []);
      });
    } catch {
      // a fake namespace, or one that is meant to fail
    }
  }
  isolateLeases.budgets.clear();
  isolateLeases.lastUnreachableLog = Number.NEGATIVE_INFINITY;
}
