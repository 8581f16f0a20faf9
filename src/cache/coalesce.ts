import { withOwnTimer } from "../lib/own-timer";
import { ProblemError } from "../lib/problem";
import type { Background } from "../runtime/background";
import { isolateState, type SharedFill } from "./isolate-state";

/**
 * Request coalescing: concurrent identical misses in one isolate share one
 * upstream call, and its failure. An answer stays joinable for a few seconds
 * (while it is being stored, and a little after), so a request racing the store
 * (one that just missed in the tiers) joins it instead of calling the upstream again.
 *
 * A fill outlives the request that started it: it is handed to that request's
 * `waitUntil`, so a joiner never waits on work the runtime has cancelled.
 */

/** How long an answer stays joinable: far below any freshness (10 minutes and up). */
const JOINABLE_MS = 5_000;

/** Longer than any upstream call may take (NEXON_DEADLINE_MS is at most 60 s). */
const MAX_JOIN_WAIT_MS = 65_000;

export interface Shared<T> {
  value: T;
  /** This caller made the call (it stores the answer); false: it joined one. */
  started: boolean;
  /** The joined call had already answered (the caller did not wait for the upstream). */
  answered: boolean;
}

const fills = isolateState.fills;

/** A joiner whose shared call never settled (its request was cancelled) fails with a timeout instead of hanging. */
const timedOut = (): never => {
  throw new ProblemError("UPSTREAM_TIMEOUT");
};

const expired = (fill: SharedFill, now: number) => fill.answeredAt !== undefined && Math.abs(now - fill.answeredAt) > JOINABLE_MS;

function current(key: string): SharedFill | undefined {
  const fill = fills.get(key);
  if (fill && expired(fill, Date.now())) {
    fills.delete(key);
    return undefined;
  }
  return fill;
}

/**
 * Lets go of answers no longer joinable, oldest first (a Map keeps insertion
 * order): an isolate that only sees new keys would otherwise hold every answer.
 */
function forgetExpired(now: number): void {
  for (const [key, fill] of fills) {
    if (!expired(fill, now)) return;
    fills.delete(key);
  }
}

async function join<T>(fill: SharedFill): Promise<Shared<T>> {
  const answered = fill.answered;
  const value = (await (answered ? fill.promise : withOwnTimer(fill.promise, MAX_JOIN_WAIT_MS, timedOut))) as T;
  return { value, started: false, answered };
}

/** Joins the fill under way (or just answered) for `key`, if there is one. */
export function joinFill<T>(key: string): Promise<Shared<T>> | undefined {
  const fill = current(key);
  return fill ? join<T>(fill) : undefined;
}

/** Whether `shareFill(key, …, { fresh })` now would join a call rather than start one (a joiner costs its client nothing). */
export function fillUnderWay(key: string, { fresh = false } = {}): boolean {
  const existing = current(key);
  return existing !== undefined && !(fresh && existing.answered);
}

/**
 * Joins the fill for `key`, or starts one with `run`, kept alive by `background`.
 * `fresh`: an answer already in does not do (a refresh); only a call under way is joined.
 */
export function shareFill<T>(key: string, run: () => Promise<T>, background: Background, { fresh = false } = {}): Promise<Shared<T>> {
  const existing = current(key);
  if (existing && !(fresh && existing.answered)) return join<T>(existing);
  forgetExpired(Date.now());
  const fill: SharedFill = { promise: Promise.resolve(), answered: false };
  const promise = run().then(
    (value) => {
      fill.answered = true;
      fill.answeredAt = Date.now();
      return value;
    },
    (err: unknown) => {
      if (fills.get(key) === fill) fills.delete(key);
      throw err;
    },
  );
  fill.promise = promise;
  fills.set(key, fill);
  // Every caller handles the rejection; this keeps an unjoined failure from being "unhandled".
  const settled = promise.catch(() => {});
  background(settled);
  return promise.then((value) => ({ value, started: true, answered: false }));
}
