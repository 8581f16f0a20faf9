import { DurableObject } from "cloudflare:workers";

/** The allowance counts calls over a sliding window of one minute. */
export const ALLOWANCE_WINDOW_MS = 60_000;

/** What the object answers to a spend. */
export type Spend = { ok: true } | { ok: false; retryAfterSeconds: number };

interface Spent {
  at: number;
  calls: number;
}

/**
 * One client's allowance of upstream calls (or of refreshes) per minute, for the
 * whole deployment: one object per client key (`idFromName("client:<ip>")`,
 * `"user:<id>"`, `"refresh:<id>"`). The log of spends lives in memory: it only
 * matters for a minute, and an object that is evicted or restarted has been idle
 * about that long (at worst it forgets one window).
 */
export class ClientAllowance extends DurableObject {
  /** Spends within the window (this object's clock), oldest first. */
  private spent: Spent[] = [];

  /**
   * Spends `calls` of an allowance of `perMinute` if what remains covers them all,
   * else nothing. A request that costs more than a whole minute's allowance
   * needs the whole of it (an empty window), so it can still pass once.
   */
  spend(calls: number, perMinute: number): Spend {
    const now = Date.now();
    // A clock that went backwards (a faked clock in tests, a move to another machine) voids the log.
    if (this.spent.length > 0 && this.spent.at(-1)!.at > now) this.spent = [];
    let drop = 0;
    while (drop < this.spent.length && this.spent[drop]!.at <= now - ALLOWANCE_WINDOW_MS) drop++;
    if (drop > 0) this.spent.splice(0, drop);

    const limit = Math.max(1, Math.floor(perMinute));
    const wanted = Math.min(limit, Math.ceil(calls));
    if (wanted <= 0) return { ok: true };
    const used = this.spent.reduce((sum, s) => sum + s.calls, 0);
    if (used + wanted <= limit) {
      this.spent.push({ at: now, calls: wanted });
      return { ok: true };
    }
    // Room enough frees up when the oldest spends leave the window.
    let freed = 0;
    let retryInMs = ALLOWANCE_WINDOW_MS;
    for (const s of this.spent) {
      freed += s.calls;
      if (used - freed + wanted <= limit) {
        retryInMs = s.at + ALLOWANCE_WINDOW_MS - now;
        break;
      }
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(retryInMs / 1000)) };
  }
}
