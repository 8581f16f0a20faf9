/**
 * THE rule of the deployment-wide upstream budget (one per NEXON key), kept by
 * the `UpstreamBudget` Durable Object and obeyed by every isolate's `LeaseBudget`:
 *
 * - A permit is granted at the object's time `g` and is spendable only until
 *   `g + LEASE_MS` (absolute time: Cloudflare's clocks agree to a few ms);
 *   unspent permits expire, they are never given back.
 * - At most NEXON_RPS permits are granted in any `BUDGET_WINDOW_MS` window,
 *   i.e. 1 s + LEASE_MS + SPREAD_MS (sustained: about 0.77 × NEXON_RPS).
 *
 * Why it holds at the upstream: a call arriving there in a one-second window
 * [t, t+1 s) left its isolate in (t − maxDelay, t+1 s − minDelay), so its permit
 * was granted within 1 s + LEASE_MS + (maxDelay − minDelay) of the others. With
 * SPREAD_MS covering the spread of network delay from different locations (and
 * clock skew), no one-second window at the upstream sees more than NEXON_RPS calls,
 * however the permits were spent inside their lease.
 */
export const LEASE_MS = 200;
export const SPREAD_MS = 100;
export const BUDGET_WINDOW_MS = 1_000 + LEASE_MS + SPREAD_MS;

/** What the object answers to a lease request. */
export interface Lease {
  /** Permits granted now (0..wanted). */
  granted: number;
  /** Spendable while `Date.now() < expiresAt` (the object's time + LEASE_MS). */
  expiresAt: number;
  /** When `granted < wanted`: how long until the next permit can be granted. */
  retryInMs: number;
}
