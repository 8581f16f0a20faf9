/**
 * What this isolate remembers between requests, all of it here: the upstream
 * calls under way or just answered (coalesce.ts), and when each KV key was last
 * written (tiers.ts). Per isolate by design: each is an optimisation that is
 * correct without the others' knowledge.
 */
export const isolateState = {
  /** Cache key → the fill under way or answered moments ago. */
  fills: new Map<string, SharedFill>(),
  /** KV key → its write queue. */
  kvWriters: new Map<string, KvWriter>(),
};

export interface SharedFill {
  promise: Promise<unknown>;
  /** The upstream has answered (joining costs no wait). */
  answered: boolean;
  /** When the upstream answered. */
  answeredAt?: number;
}

export interface KvWriter {
  /** The last write queued for the key: the next one runs after it. */
  tail: Promise<void>;
  /** When the last write started. */
  startedAt: number;
  queued: number;
}
