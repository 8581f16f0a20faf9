/**
 * Keeps the invocation alive until `work` settles (`ExecutionContext.waitUntil`).
 * Promise work started by a request and still running when its response is sent
 * is cancelled with it unless it is handed to this.
 */
export type Background = (work: Promise<unknown>) => void;

/** The invocation's `waitUntil`, or, without an execution context (a bare `app.request` in a unit test), a no-op. */
export function backgroundOf(ctx: { waitUntil(work: Promise<unknown>): void } | undefined): Background {
  return ctx ? (work) => ctx.waitUntil(work) : () => {};
}
