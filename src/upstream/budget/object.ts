import { DurableObject } from "cloudflare:workers";
import { BUDGET_WINDOW_MS, LEASE_MS, type Lease } from "./rule";

/**
 * The deployment-wide call budget of one NEXON key (one object per key
 * fingerprint, `idFromName(fingerprint)`; never the key itself): hands out short
 * leases of call permits by the rule in `rule.ts`. The log of grant times lives in
 * memory: it only matters for BUDGET_WINDOW_MS, and an object that is evicted or
 * restarted has been idle longer than that (or, at worst, forgets one window).
 */
export class UpstreamBudget extends DurableObject {
  /** Grant times (this object's clock), oldest first, one per permit. */
  private grants: number[] = [];

  /** Up to `wanted` permits for a key allowed `rps` calls a second. */
  lease(rps: number, wanted: number): Lease {
    const now = Date.now();
    // A clock that went backwards (a faked clock in tests, a move to another machine) voids the log.
    if (this.grants.length > 0 && this.grants.at(-1)! > now) this.grants = [];
    let drop = 0;
    while (drop < this.grants.length && this.grants[drop]! <= now - BUDGET_WINDOW_MS) drop++;
    if (drop > 0) this.grants.splice(0, drop);

    const limit = Math.max(1, Math.floor(rps));
    const granted = Math.max(0, Math.min(Math.floor(wanted), limit - this.grants.length));
    for (let i = 0; i < granted; i++) this.grants.push(now);
    // The next permit frees up when the oldest grant leaves the window.
    const retryInMs = granted < wanted && this.grants.length > 0 ? Math.max(1, this.grants[0]! + BUDGET_WINDOW_MS - now) : 0;
    return { granted, expiresAt: now + LEASE_MS, retryInMs };
  }
}
