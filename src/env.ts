import type { RequestIdVariables } from "hono/request-id";
import type { TimingVariables } from "hono/timing";

/** Worker secrets: set with `wrangler secret put`, locally from `.dev.vars`. */
export interface Secrets {
  MAPLESTORY_API_KEY?: string;
  /** MSEA's and TMS's server keys (NEXON issues one per region); a region without one is not served. */
  MAPLESTORY_API_KEY_MSEA?: string;
  MAPLESTORY_API_KEY_TMS?: string;
  JWT_SECRET?: string;
  JWT_SECRET_PREVIOUS?: string;
  ENCRYPTION_KEY?: string;
  /** Optional, during a key rotation: the old ENCRYPTION_KEY (see README, Operations). */
  ENCRYPTION_KEY_PREVIOUS?: string;
}

/** Development only (wrangler.toml's top level): the sample upstream Worker in dev/sample-upstream. */
export interface DevBindings {
  SAMPLE_UPSTREAM?: Fetcher;
}

export type Bindings = CloudflareBindings & Secrets & DevBindings;

/** Per-request bookkeeping read by the request log, metrics and Server-Timing. */
export interface RequestStats {
  cacheMs: number;
  upstreamMs: number;
  upstreamCalls: number;
  /** HIT | MISS | STALE | BYPASS once a cacheable route has answered. */
  cacheStatus?: string;
  userId?: string;
}

export type Language = "en" | "ko";

/** The signed-in caller, set by requireUser/optionalUser (src/features/auth/auth.middleware.ts). */
export interface AuthUser {
  id: string;
  sessionId: string;
}

export interface Variables extends RequestIdVariables, TimingVariables {
  language: Language;
  user?: AuthUser;
}

export interface AppEnv {
  Bindings: Bindings;
  Variables: Variables;
}
