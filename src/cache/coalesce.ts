/**
 * Request coalescing: concurrent identical misses in one isolate share one
 * upstream call, and its failure. A fill stays joinable until its answer is
 * stored in the tiers, so a request arriving between "answer ready" and "stored"
 * joins it instead of missing again.
 */

export interface Fill<T> {
  value: T;
  /** Settles when the value is stored (or storing gave up). */
  stored: Promise<unknown>;
}

interface Pending {
  promise: Promise<unknown>;
  /** The answer is in (only storing it is under way): joining it costs no wait. */
  answered: boolean;
  /** Callers that joined instead of starting their own call. */
  joined: number;
}

export interface Joined<T> {
  value: Promise<T>;
  /** Whether the shared call had already answered (the joiner did not wait for the upstream). */
  answered: boolean;
}

const pending = new Map<string, Pending>();

/** The fill under way for `key`, if any (joining it). */
export function joinFill<T>(key: string): Joined<T> | undefined {
  const fill = pending.get(key);
  if (!fill) return undefined;
  fill.joined += 1;
  return { value: fill.promise as Promise<T>, answered: fill.answered };
}

/** Joins the fill under way for `key`, or starts one with `run`. */
export function shareFill<T>(key: string, run: () => Promise<Fill<T>>): Promise<T> {
  const existing = joinFill<T>(key);
  if (existing) return existing.value;
  const forget = () => {
    if (pending.get(key) === entry) pending.delete(key);
  };
  const promise: Promise<T> = run().then(
    ({ value, stored }) => {
      entry.answered = true;
      void stored.finally(forget);
      return value;
    },
    (err: unknown) => {
      forget();
      throw err;
    },
  );
  const entry: Pending = { promise, answered: false, joined: 0 };
  pending.set(key, entry);
  // Every caller handles the rejection; this keeps an unjoined failure from being "unhandled".
  promise.catch(() => {});
  return promise;
}

/** Tests: how many callers are waiting on the fill for `key` besides the one that started it. */
export function joinedCount(key: string): number {
  return pending.get(key)?.joined ?? 0;
}

/** Tests only. */
export function resetFills(): void {
  pending.clear();
}
