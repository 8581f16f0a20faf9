import type { Context } from "hono";
import type { AppEnv } from "../env";

/** Work that may finish after the response (the invocation stays alive for it). */
export function inBackground(c: Context<AppEnv>, work: Promise<unknown>): void {
  try {
    c.executionCtx.waitUntil(work);
  } catch {
    // No execution context (a bare app.request in a unit test): the promise just runs.
  }
}
