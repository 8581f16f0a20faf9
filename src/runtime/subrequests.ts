/**
 * Workers production keeps at most six subrequests of one invocation waiting for
 * response headers; a seventh queues until one of them has its headers. What
 * counts (Cloudflare docs, "Simultaneous open connections"): `fetch()`, KV
 * get/put/list/delete, Cache API put/match/delete, R2, Queues send and
 * `connect()` — and a call to another Worker through a service binding (our own
 * child invocations included) is a fetch too. One exception: a KV bulk read (one
 * `get` of up to 100 keys) is documented as not affected by the limit (changelog
 * 2025-04-10, "Read multiple keys from Workers KV with bulk reads"). The
 * profile's one bulk read still goes through this limiter: it finishes before
 * any other call of the invocation starts, so counting it costs nothing, and it
 * keeps the rule simple: every outbound call counts. `wrangler dev` enforces none of
 * it, so a Promise.all over 25 calls looks like one round trip locally and costs
 * five in production. This limiter makes the rule explicit, everywhere (dev,
 * tests, benchmark): every outbound call of an invocation goes through it.
 *
 * The docs also say that invocations started through service bindings are
 * "measured from the top-level request" and may share its six. Whether that
 * holds for the profile fan-out's RPC children is unmeasured;
 * PROFILE_CHILD_INVOCATIONS=off loads a profile in one invocation.
 */
export const MAX_OPEN_SUBREQUESTS = 6;

export class SubrequestLimiter {
  private open = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit = MAX_OPEN_SUBREQUESTS) {}

  /** Runs `task` once a slot is free; the slot is held until `task` settles (for fetch: until headers arrive). */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.open < this.limit) this.open += 1;
    // A released slot is handed straight to the next waiter, so `open` stays counted.
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.open -= 1;
    }
  }
}
