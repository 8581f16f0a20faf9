import { describeError, log } from "../../lib/logging";
import { withOwnTimer } from "../../lib/own-timer";
import { ProblemError } from "../../lib/problem";
import { budgetFor, realSleep, type Sleep } from "../rate-budget";
import type { UpstreamBudget } from "./object";
import type { Lease } from "./rule";

/** What the client waits on before each upstream attempt. */
export interface Budget {
  /** Waits for a permit; gives up (503 UPSTREAM_RATE_LIMITED) rather than wait past `deadline`. */
  acquire(deadline?: number): Promise<void>;
}

/** The `UPSTREAM_BUDGET` Durable Object namespace (or a fake of it in tests). */
export type BudgetObjects = Pick<DurableObjectNamespace<UpstreamBudget>, "idFromName" | "get">;

/** How long a lease request may take before the object counts as unreachable. */
const LEASE_TIMEOUT_MS = 1_000;
/** After the object failed, how long this isolate uses its own budget before asking it again. */
const FALLBACK_MS = 10_000;
/** At most one `upstream_budget_unreachable` line per isolate per this long. */
const LOG_EVERY_MS = 60_000;

interface Held {
  left: number;
  expiresAt: number;
}

/** One lease request under way: the calls that joined it before it was sent. */
interface Batch {
  wanted: number;
  sent: boolean;
  result: Promise<Lease | undefined>;
}

/**
 * This isolate's side of one key's deployment-wide budget (see rule.ts): calls
 * that need a permit at about the same time share one lease request to the
 * key's `UpstreamBudget` object and spend its permits locally until they
 * expire. When the object cannot be reached the isolate falls back to its own
 * `CallBudget` (NEXON_RPS per isolate, as before) and says so in the log.
 */
export class LeaseBudget implements Budget {
  /** The namespace, refreshed from each request's env (absent: the binding is missing). */
  objects: BudgetObjects | undefined;
  private held: Held[] = [];
  private open: Batch | undefined;
  private fallbackUntil = Number.NEGATIVE_INFINITY;

  constructor(
    readonly fingerprint: string,
    readonly rps: number,
    objects: BudgetObjects | undefined,
    private readonly now: () => number = () => Date.now(),
    private readonly sleep: Sleep = realSleep,
  ) {
    this.objects = objects;
  }

  async acquire(deadline = Number.POSITIVE_INFINITY): Promise<void> {
    // Waiting is bounded by the time waited too, not only the clock (which tests may freeze).
    const allowance = deadline - this.now();
    let waited = 0;
    for (;;) {
      if (this.take()) return;
      if (!this.objects) this.unreachable(new Error("no UPSTREAM_BUDGET binding"));
      if (!this.objects || this.now() < this.fallbackUntil) return this.isolateBudget().acquire(deadline);
      const lease = await this.join();
      if (!lease) return this.isolateBudget().acquire(deadline);
      if (this.take()) return;
      if (lease.retryInMs <= 0) continue; // granted, but other calls here took them first: ask again
      if (this.now() + lease.retryInMs > deadline || waited + lease.retryInMs > allowance) {
        throw new ProblemError("UPSTREAM_RATE_LIMITED", { headers: { "Retry-After": String(Math.max(1, Math.ceil(lease.retryInMs / 1000))) } });
      }
      waited += lease.retryInMs;
      await this.sleep(lease.retryInMs);
    }
  }

  /** The per-isolate budget: the fallback. */
  isolateBudget() {
    return budgetFor(this.fingerprint, this.rps);
  }

  private take(): boolean {
    const now = this.now();
    this.held = this.held.filter((h) => h.left > 0 && h.expiresAt > now);
    const lease = this.held[0];
    if (!lease) return false;
    lease.left -= 1;
    return true;
  }

  /** Joins the lease request about to be sent (calls in this turn of the event loop share it), or opens one. */
  private join(): Promise<Lease | undefined> {
    if (this.open && !this.open.sent) {
      this.open.wanted += 1;
      // Sent by another request: if the lease never comes, go on as if the object were unreachable.
      return withOwnTimer(this.open.result, LEASE_TIMEOUT_MS + 100, () => undefined);
    }
    const batch: Batch = { wanted: 1, sent: false, result: Promise.resolve(undefined) };
    batch.result = new Promise<void>((resolve) => setTimeout(resolve, 0)).then(() => {
      batch.sent = true;
      return this.request(batch.wanted);
    });
    this.open = batch;
    return batch.result;
  }

  private async request(wanted: number): Promise<Lease | undefined> {
    const objects = this.objects;
    if (!objects) return undefined;
    // A few spare permits for calls that follow within the lease (none at low rates: they would be wasted).
    const spare = Math.min(2, Math.floor(this.rps / 20));
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const stub = objects.get(objects.idFromName(this.fingerprint));
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no lease within ${LEASE_TIMEOUT_MS} ms`)), LEASE_TIMEOUT_MS);
      });
      const call = Promise.resolve(stub.lease(this.rps, wanted + spare));
      call.catch(() => {}); // when the timeout wins, its late failure is nobody's
      const lease = (await Promise.race([call, timeout])) as Lease;
      if (lease.granted > 0) this.held.push({ left: lease.granted, expiresAt: lease.expiresAt });
      return lease;
    } catch (err) {
      this.unreachable(err);
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  private unreachable(err: unknown): void {
    const now = this.now();
    this.fallbackUntil = now + FALLBACK_MS;
    const last = isolateLeases.lastUnreachableLog;
    if (now - last < LOG_EVERY_MS && now >= last) return;
    isolateLeases.lastUnreachableLog = now;
    log("warn", "upstream_budget_unreachable", { key_fingerprint: this.fingerprint, fallback: "isolate", ...describeError(err) });
  }
}

/** What this isolate remembers of the budget objects between requests. */
export const isolateLeases = {
  /** Lease budgets by key fingerprint and rate. */
  budgets: new Map<string, LeaseBudget>(),
  /** When `upstream_budget_unreachable` was last logged. */
  lastUnreachableLog: Number.NEGATIVE_INFINITY,
};
const leaseBudgets = isolateLeases.budgets;

/** The deployment-wide budget for one key (identified by a fingerprint, never the key). */
export function leaseBudgetFor(keyFingerprint: string, rps: number, objects: BudgetObjects | undefined): LeaseBudget {
  const id = `${keyFingerprint}:${rps}`;
  let budget = leaseBudgets.get(id);
  if (!budget) {
    budget = new LeaseBudget(keyFingerprint, rps, objects);
    leaseBudgets.set(id, budget);
  }
  if (objects) budget.objects = objects;
  return budget;
}

