import type { Context } from "hono";
import type { AppEnv } from "../env";

/** Background work of one kind in this isolate, tracked so that tests can wait until it has all finished. */
export class WorkTracker {
  private readonly underWay = new Set<Promise<unknown>>();

  track<T>(work: Promise<T>): Promise<T> {
    this.underWay.add(work);
    void work.finally(() => this.underWay.delete(work));
    return work;
  }

  /** Resolves once everything tracked so far (and anything it started meanwhile) has settled. */
  async settled(): Promise<void> {
    while (this.underWay.size > 0) await Promise.allSettled([...this.underWay]);
  }
}

/** Resolves after `ms` (a real timer: background waits, retry backoff, write spacing). */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Work that may finish after the response (the invocation stays alive for it). */
export function inBackground(c: Context<AppEnv>, work: Promise<unknown>): void {
  try {
    c.executionCtx.waitUntil(work);
  } catch {
    // No execution context (a bare app.request in a unit test): the promise just runs.
  }
}
