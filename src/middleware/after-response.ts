import type { Context } from "hono";
import type { AppEnv } from "../env";
import { inBackground, sleep, WorkTracker } from "../lib/background";

/**
 * What the caller never waits for runs a moment after the response has left
 * the handler, with the invocation kept open for it: the request's log line and
 * metrics data point (observe.ts), and a profile child's close
 * (characters.fanout.ts). Measured under `wrangler dev` (README → Benchmarks):
 * - a `console.log` made before the response is returned cost about 3 ms of
 *   every answer's latency (a 404 went from about 17 to 12 ms once it waited);
 * - an invocation that ends spends about 3 ms closing itself, on the thread
 *   the rest of the isolate runs on; a profile's three child invocations ended
 *   while their parent was still assembling the answer, and cost it about 8 ms.
 * Waiting costs no CPU time. The cache stores have their own, longer wait,
 * from delivery of the body on (src/cache/write-back.ts).
 */
let lingerMs = 50;

/** Tests only: how long the work waits (0: the next turn of the event loop). */
export function setLinger(ms: number): void {
  lingerMs = ms;
}

/** Work scheduled here and not yet done, in this isolate (for `afterResponseSettled`). */
const lingering = new WorkTracker();

/** Tests: resolves once everything scheduled here so far has run. */
export function afterResponseSettled(): Promise<void> {
  return lingering.settled();
}

/** Keeps the invocation open until `until` has settled and a moment longer, then runs `work`. */
export function lingerThen(c: Context<AppEnv>, until: Promise<unknown>, work: () => void = () => {}): void {
  const done = until.then(
    () => sleep(lingerMs),
    () => sleep(lingerMs),
  ).then(work);
  inBackground(c, lingering.track(done));
}

/** Runs `work` a moment after now (the response is on its way), the invocation kept open for it. */
export function afterResponse(c: Context<AppEnv>, work: () => void): void {
  lingerThen(c, Promise.resolve(), work);
}
