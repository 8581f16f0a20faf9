import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import type { CacheEntry } from "./entry";
import type { CacheKey } from "./keys";
import { inBackground, sleep, WorkTracker } from "../lib/background";
import { writeTiers, type Tier } from "./tiers";

/**
 * Tier writes start once the response has gone out. A cold profile stores 24
 * sections: writes that, started at once, would compete for the same CPU and
 * the same six open subrequests as the answer the caller is waiting for.
 * Storing is never what the caller waits for, so it waits for the caller.
 *
 * A fan-out child does not store at all: it hands what it would have stored to
 * its parent with the sections (`takeStores`), and the parent stores it after
 * its own response. Without the middleware (a scheduled job, a bare unit test)
 * writes start at once.
 */

/**
 * How long after delivery the stores wait. "Delivered" is when the runtime has
 * taken the last byte, not when the client has it: started at once, a cold
 * profile's 24 KV writes (about 40 ms of CPU under wrangler dev) competed with
 * the last leg of that very response and made it 40 ms slower. A cache write is
 * never urgent (fresh for 15 minutes; identical requests in this isolate join
 * the answer for 5 s meanwhile: src/cache/coalesce.ts), so it waits a moment.
 */
let storesWaitMs = 100;

/** A body nobody reads to the end nor cancels (the runtime always does; a careless test) releases its stores after this anyway. */
const STORES_MAX_HOLD_MS = 5_000;


/** Store batches under way in this isolate (for `storesSettled`). */
const storesUnderWay = new WorkTracker();
const track = <T>(work: Promise<T>) => storesUnderWay.track(work);

/** Writes `store` now, in the background. */
function writeNow(c: Context<AppEnv>, store: PendingStore): void {
  inBackground(c, track(writeTiers(c, store.key, store.entry, store.tiers)));
}

/** Tests and benchmark: resolves once every store started so far in this isolate is written. */
export function storesSettled(): Promise<void> {
  return storesUnderWay.settled();
}

/** Tests only: how long stores wait after delivery (0: at once). */
export function setStoresWait(ms: number): void {
  storesWaitMs = ms;
}

export interface PendingStore {
  key: CacheKey;
  entry: CacheEntry;
  tiers: readonly Tier[];
}

class WriteBack {
  private pending: PendingStore[] = [];
  private released = false;
  /** Settles once every store queued before the release is written: what keeps the invocation alive for them. */
  private settle?: () => void;

  constructor(private readonly c: Context<AppEnv>) {}

  add(store: PendingStore): void {
    if (this.released) {
      writeNow(this.c, store);
      return;
    }
    if (!this.settle) {
      // Registered now, while the invocation is certainly alive.
      inBackground(this.c, new Promise<void>((resolve) => (this.settle = resolve)));
    }
    this.pending.push(store);
  }

  get size(): number {
    return this.pending.length;
  }

  /** Removes the stores queued so far: their owner is now whoever took them. */
  take(): PendingStore[] {
    const taken = this.pending;
    this.pending = [];
    return taken;
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    const stores = this.pending;
    this.pending = [];
    if (!this.settle) return;
    if (stores.length === 0) return this.settle();
    const written = track(sleep(storesWaitMs).then(() => Promise.all(stores.map((s) => writeTiers(this.c, s.key, s.entry, s.tiers)))));
    void written.finally(this.settle);
  }
}

const queues = new WeakMap<Context<AppEnv>, WriteBack>();

/** Stores `entry` in `tiers` once this invocation's response is out (at once without the middleware). */
export function storeAfterResponse(c: Context<AppEnv>, store: PendingStore): void {
  const queue = queues.get(c);
  if (queue) queue.add(store);
  else writeNow(c, store);
}

/** For an invocation that hands its stores to another (a fan-out child): they are collected until `takeStores`. */
export const collectStores: MiddlewareHandler<AppEnv> = async (c, next) => {
  queues.set(c, new WriteBack(c));
  await next();
};

/** The stores collected so far, no longer this invocation's to make; any later one is written here at once. */
export function takeStores(c: Context<AppEnv>): PendingStore[] {
  const queue = queues.get(c);
  if (!queue) return [];
  const taken = queue.take();
  queue.release();
  return taken;
}

/**
 * The same body, and `done` once it has been read to the end or abandoned. A
 * native pipe (IdentityTransformStream): a JavaScript stream would run a
 * callback per chunk of a 300 KB profile.
 */
function onceDelivered(body: ReadableStream<Uint8Array>, done: () => void): ReadableStream<Uint8Array> {
  const pipe = new IdentityTransformStream();
  void body.pipeTo(pipe.writable).then(done, done);
  return pipe.readable;
}

/** Holds this request's tier writes until its response body has been delivered. */
export const writeBackAfterResponse: MiddlewareHandler<AppEnv> = async (c, next) => {
  const queue = new WriteBack(c);
  queues.set(c, queue);
  try {
    await next();
  } catch (err) {
    queue.release();
    throw err;
  }
  const body = c.res.body;
  if (queue.size === 0 || body === null || c.req.method === "HEAD") {
    // Nothing waits, or nothing will be delivered: anything queued later starts at once.
    queue.release();
    return;
  }
  const cap = setTimeout(() => queue.release(), STORES_MAX_HOLD_MS);
  const release = () => {
    clearTimeout(cap);
    queue.release();
  };
  c.res = new Response(onceDelivered(body, release), c.res);
};
