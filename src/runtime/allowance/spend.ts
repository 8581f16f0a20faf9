import { describeError, log } from "../../lib/logging";
import { ProblemError } from "../../lib/problem";
import type { ClientAllowance, Spend } from "./object";

/** The `CLIENT_ALLOWANCE` Durable Object namespace (or a fake of it in tests). */
export type AllowanceObjects = Pick<DurableObjectNamespace<ClientAllowance>, "idFromName" | "get">;

/** How long a spend may take before the object counts as unreachable. */
const SPEND_TIMEOUT_MS = 1_000;
/** At most one `client_allowance_unreachable` line per isolate per this long. */
const LOG_EVERY_MS = 60_000;

/** What this isolate remembers of the allowance objects between requests. */
export const isolateAllowance = {
  /** When `client_allowance_unreachable` was last logged. */
  lastUnreachableLog: Number.NEGATIVE_INFINITY,
};

function unreachable(err: unknown): void {
  const now = Date.now();
  const last = isolateAllowance.lastUnreachableLog;
  if (now - last < LOG_EVERY_MS && now >= last) return;
  isolateAllowance.lastUnreachableLog = now;
  // Never the key: it names a client (an address or a user id).
  log("warn", "client_allowance_unreachable", { fallback: "allow", ...describeError(err) });
}

/**
 * Spends `calls` of the allowance `perMinute` kept under `key` for the whole
 * deployment (one `ClientAllowance` object per key). Not enough left → 429
 * RATE_LIMITED with Retry-After, before the calls are made. If the object cannot
 * be reached the calls are allowed (logged at most once a minute): the allowance
 * protects the service, it must never fail a request.
 */
export async function spendAllowance(objects: AllowanceObjects | undefined, key: string, calls: number, perMinute: number): Promise<void> {
  if (calls <= 0) return;
  let answer: Spend;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    if (!objects) throw new Error("no CLIENT_ALLOWANCE binding");
    const stub = objects.get(objects.idFromName(key));
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${SPEND_TIMEOUT_MS} ms`)), SPEND_TIMEOUT_MS);
    });
    const spent = Promise.resolve(stub.spend(calls, perMinute));
    spent.catch(() => {}); // when the timeout wins, its late failure is nobody's
    answer = (await Promise.race([spent, timeout])) as Spend;
  } catch (err) {
    unreachable(err);
    return;
  } finally {
    clearTimeout(timer);
  }
  if (!answer.ok) throw new ProblemError("RATE_LIMITED", { headers: { "Retry-After": String(answer.retryAfterSeconds) } });
}
