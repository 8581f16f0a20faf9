import { sleep } from "../lib/sleep";
import { ProblemError } from "../lib/problem";

export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = sleep;

/**
 * At most `rps` calls in any one-second window (sliding), per upstream key. The
 * upstream's limit is per key, so each key gets its own budget. It is per isolate:
 * the fallback when the deployment-wide budget (src/upstream/budget) is unreachable.
 */
export class CallBudget {
  private readonly stamps: number[] = [];

  constructor(
    readonly rps: number,
    // Read at call time: a budget lives for the isolate, longer than any faked clock in a test.
    private readonly now: () => number = () => Date.now(),
    private readonly sleep: Sleep = realSleep,
  ) {}

  /** Waits for a slot; gives up (503) rather than wait past `deadline`. */
  async acquire(deadline = Number.POSITIVE_INFINITY): Promise<void> {
    for (;;) {
      const t = this.now();
      while (this.stamps.length > 0 && this.stamps[0]! <= t - 1000) this.stamps.shift();
      if (this.stamps.length < this.rps) {
        this.stamps.push(t);
        return;
      }
      const wait = this.stamps[0]! + 1000 - t;
      if (t + wait > deadline) {
        throw new ProblemError("UPSTREAM_RATE_LIMITED", { headers: { "Retry-After": "1" } });
      }
      await this.sleep(wait);
    }
  }
}

/** This isolate's budgets, by key fingerprint and rate: they outlive every request. */
export const callBudgets = new Map<string, CallBudget>();

/** The isolate-wide budget for one key (identified by a fingerprint, never the key). */
export function budgetFor(keyFingerprint: string, rps: number): CallBudget {
  const id = `${keyFingerprint}:${rps}`;
  let budget = callBudgets.get(id);
  if (!budget) {
    budget = new CallBudget(rps);
    callBudgets.set(id, budget);
  }
  return budget;
}
