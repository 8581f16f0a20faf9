import { ProblemError } from "../lib/problem";

/**
 * Request coalescing: concurrent identical misses in one isolate share one
 * upstream call, and its failure. An answer stays joinable for a few seconds
 * (while it is being stored, and a little after), so a request racing the store
 * (one that just missed in the tiers) joins it instead of calling the upstream again.
 */

export interface Fill<T> {
  value: T;
}

/** How long an answer stays joinable: far below any freshness (10 minutes and up). */
const JOINABLE_MS = 5_000;

interface Pending {
  promise: Promise<unknown>;
  /** The upstream has answered (joining costs no wait). */
  answered: boolean;
  /** When the upstream answered. */
  answeredAt?: number;
  /** Callers that joined instead of starting their own call. */
  joined: number;
}

export interface Joined<T> {
  value: Promise<T>;
  /** Whether the shared call had already answered (the joiner did not wait for the upstream). */
  answered: boolean;
}

const pending = new Map<string, Pending>();

/** Longer than any upstream call may take (NEXON_DEADLINE_MS is at most 60 s). */
const MAX_JOIN_WAIT_MS = 65_000;

/**
 * A joiner waits on a call another request made, with no I/O of its own in
 * flight; the Workers runtime may then take it for hung and cancel it ("code
 * had hung", seen in `npm run bench` when 50 identical requests met a slow
 * upstream). A timer of its own keeps it waiting visibly; it fires only if the
 * shared call never settles (its request was cancelled), and fails the joiner
 * with a timeout instead of leaving it hanging.
 */
function awaitShared<T>(shared: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expiry = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProblemError("UPSTREAM_TIMEOUT")), MAX_JOIN_WAIT_MS);
  });
  return Promise.race([shared, expiry]).finally(() => clearTimeout(timer));
}

/** What a joiner of `fill` awaits: the answer at once if it is in, else the shared call with a timer of the joiner's own. */
const joinedValue = <T>(fill: Pending): Promise<T> => (fill.answered ? (fill.promise as Promise<T>) : awaitShared(fill.promise as Promise<T>));

const expired = (fill: Pending, now: number) => fill.answeredAt !== undefined && Math.abs(now - fill.answeredAt) > JOINABLE_MS;

function current(key: string): Pending | undefined {
  const fill = pending.get(key);
  if (fill && expired(fill, Date.now())) {
    pending.delete(key);
    return undefined;
  }
  return fill;
}

/**
 * Lets go of answers no longer joinable, oldest first, before each new fill.
 * An answered fill holds its bytes (a profile's: 300 KB), and an isolate that
 * only ever sees new keys would otherwise keep them all until the next time the
 * same key is asked. Entries are in insertion order, so the sweep stops at the
 * first one still joinable or still under way: the ones behind it are newer.
 */
function forgetExpired(now: number): void {
  for (const [key, fill] of pending) {
    if (!expired(fill, now)) return;
    pending.delete(key);
  }
}

/** The fill under way (or just answered) for `key`, if any, joining it. */
export function joinFill<T>(key: string): Joined<T> | undefined {
  const fill = current(key);
  if (!fill) return undefined;
  fill.joined += 1;
  return { value: joinedValue<T>(fill), answered: fill.answered };
}

/**
 * Joins the fill for `key`, or starts one with `run`. `fresh`: an answer that is
 * already in does not do (a refresh); only a call still under way is joined.
 */
export function shareFill<T>(key: string, run: () => Promise<Fill<T>>, { fresh = false } = {}): Promise<T> {
  const existing = current(key);
  if (existing && !(fresh && existing.answered)) {
    existing.joined += 1;
    return joinedValue<T>(existing);
  }
  forgetExpired(Date.now());
  const promise: Promise<T> = run().then(
    ({ value }) => {
      entry.answered = true;
      entry.answeredAt = Date.now();
      return value;
    },
    (err: unknown) => {
      if (pending.get(key) === entry) pending.delete(key);
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

/** Tests: how many fills this isolate holds, under way or answered. */
export function heldFills(): number {
  return pending.size;
}

/** Tests only. */
export function resetFills(): void {
  pending.clear();
}
