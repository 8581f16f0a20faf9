import type { MiddlewareHandler } from "hono";
import { describeError, log } from "../lib/logging";
import { sleep } from "../lib/sleep";
import type { Background } from "./background";

export interface DeferredOptions {
  /** false: nothing to wait for (a child invocation, a cron job): work starts at once. */
  held?: boolean;
  /** How long after delivery the work starts (DEFERRED_WORK_DELAY_MS), read when it is released. */
  delayMs?: () => number;
}

/**
 * Work the caller never waits for (cache stores, the request's log line) runs
 * once the response body has been delivered, and `delayMs` later: a cold
 * profile's 24 KV writes started at once compete for the same thread and the
 * same six open subrequests as the last bytes of the answer they follow
 * (`npm run bench` measures the profile with the delay at 0). The invocation
 * is kept alive for the work (`waitUntil`).
 */
export class DeferredWork {
  private queued: (() => unknown)[] | undefined = [];
  private settle?: () => void;
  private readonly delayMs: () => number;

  constructor(
    private readonly background: Background,
    { held = true, delayMs = () => 0 }: DeferredOptions = {},
  ) {
    if (!held) this.queued = undefined;
    this.delayMs = delayMs;
  }

  /** Runs `task` after delivery (after this turn of the event loop when that has already happened); its failure is logged, never thrown. */
  defer(task: () => unknown): void {
    if (!this.queued) {
      // The next turn: a task deferred while the response is being returned runs after it has been.
      this.background(sleep(0).then(() => runLogged(task)));
      return;
    }
    // Registered on first use, while the invocation is certainly alive.
    if (!this.settle) this.background(new Promise<void>((resolve) => (this.settle = resolve)));
    this.queued.push(task);
  }

  get pending(): number {
    return this.queued?.length ?? 0;
  }

  /** The response is out: runs what was deferred, and from now on anything deferred at once. */
  release(): void {
    const tasks = this.queued;
    if (!tasks) return;
    this.queued = undefined;
    if (tasks.length === 0) return this.settle?.();
    void sleep(this.delayMs())
      .then(() => Promise.all(tasks.map(runLogged)))
      .finally(this.settle);
  }
}

async function runLogged(task: () => unknown): Promise<void> {
  try {
    await task();
  } catch (err) {
    log("warn", "deferred_task_failed", describeError(err));
  }
}

declare module "hono" {
  interface ContextVariableMap {
    /** Work to run once this response has been delivered. */
    deferred: DeferredWork;
  }
}

/** A body nobody reads to the end nor cancels (the runtime always does; a careless test) releases the work after this anyway. */
const MAX_HOLD_MS = 5_000;

/**
 * Holds `c.var.deferred` until the response body has been delivered (read to
 * the end or abandoned). Set `deferred` before this runs (the services middleware does).
 */
export const deferUntilDelivered: MiddlewareHandler = async (c, next) => {
  const deferred = c.var.deferred;
  try {
    await next();
  } catch (err) {
    deferred.release();
    throw err;
  }
  const body = c.res.body;
  if (deferred.pending === 0 || body === null || c.req.method === "HEAD") {
    deferred.release();
    return;
  }
  const cap = setTimeout(() => deferred.release(), MAX_HOLD_MS);
  // A native pipe (IdentityTransformStream): a JavaScript stream would run a callback per chunk of a 300 KB profile.
  const pipe = new IdentityTransformStream();
  const delivered = () => {
    clearTimeout(cap);
    deferred.release();
  };
  void body.pipeTo(pipe.writable).then(delivered, delivered);
  c.res = new Response(pipe.readable, c.res);
};
