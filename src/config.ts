import { z } from "zod";
import type { Bindings } from "./env";
import { log } from "./lib/logging";
import { ProblemError } from "./lib/problem";

const intVar = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const base64Key32 = z.string().refine((value) => {
  try {
    return atob(value).length === 32;
  } catch {
    return false;
  }
}, "must be 32 bytes, base64-encoded");

const ConfigSchema = z
  .object({
    ENVIRONMENT: z.enum(["development", "test", "production"]).default("development"),
    NEXON_API_BASE_URL: z.union([z.literal("sample"), z.url({ protocol: /^https?$/ })]),
    NEXON_RPS: intVar(5, 1, 500),
    NEXON_TIMEOUT_MS: intVar(5_000, 50, 30_000),
    NEXON_DEADLINE_MS: intVar(12_000, 100, 60_000),
    CORS_ALLOWED_ORIGINS: z.string().default(""),
    ACCESS_TOKEN_TTL_SECONDS: intVar(900, 60, 86_400),
    REFRESH_TOKEN_TTL_SECONDS: intVar(1_209_600, 3_600, 7_776_000),
    SESSION_MAX_AGE_SECONDS: intVar(7_776_000, 3_600, 31_536_000),
    LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_CLIENT: intVar(5, 1, 1_000),
    LOGIN_MAX_FAILURES_PER_ACCOUNT: intVar(50, 1, 100_000),
    LOGIN_MAX_FAILURES_PER_CLIENT: intVar(30, 1, 10_000),
    LOGIN_FAILURE_WINDOW_SECONDS: intVar(900, 60, 86_400),
    PROFILE_CHILD_INVOCATIONS: z.enum(["on", "off"]).default("on"),
    DEFERRED_WORK_DELAY_MS: intVar(100, 0, 5_000),
    CLIENT_UPSTREAM_CALLS_PER_MINUTE: intVar(240, 1, 1_000_000),
    CLIENT_UPSTREAM_CALLS_PER_MINUTE_AUTHED: intVar(1_200, 1, 1_000_000),
    REFRESH_PER_MINUTE: intVar(10, 1, 1_000_000),
    MAPLESTORY_API_KEY: z.string().min(1).optional(),
    MAPLESTORY_API_KEY_MSEA: z.string().min(1).optional(),
    MAPLESTORY_API_KEY_TMS: z.string().min(1).optional(),
    JWT_SECRET: z.string().min(32, "must be at least 32 characters"),
    JWT_SECRET_PREVIOUS: z.string().min(32, "must be at least 32 characters").optional(),
    ENCRYPTION_KEY: base64Key32,
    ENCRYPTION_KEY_PREVIOUS: base64Key32.optional(),
  })
  .superRefine((env, ctx) => {
    // The sample upstream must be chosen on purpose, never by a production deploy.
    if (env.NEXON_API_BASE_URL === "sample" && env.ENVIRONMENT === "production") {
      ctx.addIssue({ code: "custom", path: ["NEXON_API_BASE_URL"], message: "sample data is not allowed in production" });
    }
    // Our service key travels with every upstream call: plain http only on a developer's machine or in tests.
    // (Refinements run even when the URL itself failed, so read the scheme from the text.)
    if (/^\s*http:/i.test(env.NEXON_API_BASE_URL) && env.ENVIRONMENT !== "development" && env.ENVIRONMENT !== "test") {
      ctx.addIssue({ code: "custom", path: ["NEXON_API_BASE_URL"], message: "must be https:// outside development" });
    }
    if (env.NEXON_API_BASE_URL !== "sample" && !env.MAPLESTORY_API_KEY) {
      ctx.addIssue({ code: "custom", path: ["MAPLESTORY_API_KEY"], message: "is required for the real upstream" });
    }
  });

export interface Config {
  environment: "development" | "test" | "production";
  /** apiKeys: the server key of each region this deployment serves (SPEC: Regions); a region without one is not served. */
  nexon: { baseUrl: string; useSample: boolean; apiKeys: { kms?: string; msea?: string; tms?: string }; rps: number; timeoutMs: number; deadlineMs: number };
  corsAllowedOrigins: string[];
  /** sessionMaxAgeSeconds: a session's absolute limit from sign-in; refreshing never extends past it. */
  tokens: {
    accessTtlSeconds: number;
    refreshTtlSeconds: number;
    sessionMaxAgeSeconds: number;
    jwtSecret: string;
    jwtSecretPrevious?: string;
  };
  encryptionKey: string;
  /** The key before the last rotation: stored NEXON keys sealed under it still open (then are sealed again). */
  encryptionKeyPrevious?: string;
  loginThrottle: { perAccountAndClient: number; perAccount: number; perClient: number; windowSeconds: number };
  /** childInvocations false: a profile loads every section in its own invocation (src/features/characters/fanout). */
  profile: { childInvocations: boolean };
  /** How long after a response's delivery its cache stores and log line start (src/runtime/deferred.ts). */
  deferredWorkDelayMs: number;
  /**
   * Upstream calls per minute a client may cause (cache hits are free): anonymous
   * clients per address, signed-in users per user; and refresh=true requests per
   * user (src/runtime/allowance).
   */
  allowance: { upstreamCallsPerMinute: number; upstreamCallsPerMinuteAuthed: number; refreshesPerMinute: number };
}

/** Empty strings from `.dev.vars` or the dashboard mean "not set". */
function withoutEmpty(env: Bindings): Record<string, unknown> {
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ""));
}

export function parseCorsOrigins(raw: string | undefined): string[] {
  return (raw ?? "")
    .split(",")
    .map((o) => o.trim())
    .filter((o) => o.length > 0 && o !== "*");
}

const cache = new WeakMap<object, Config>();

/**
 * Validated config for this isolate's env. A missing or bad setting logs the
 * setting's name (never its value) and answers 500 MISCONFIGURED, so a bad deploy
 * shows up as clear errors instead of a crash loop.
 */
export function getConfig(env: Bindings): Config {
  const hit = cache.get(env);
  if (hit) return hit;
  const parsed = ConfigSchema.safeParse(withoutEmpty(env));
  if (!parsed.success) {
    const settings = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    log("error", "config_invalid", { settings });
    throw new ProblemError("MISCONFIGURED");
  }
  const v = parsed.data;
  const config: Config = {
    environment: v.ENVIRONMENT,
    nexon: {
      baseUrl: v.NEXON_API_BASE_URL.replace(/\/+$/, ""),
      useSample: v.NEXON_API_BASE_URL === "sample",
      apiKeys: { kms: v.MAPLESTORY_API_KEY, msea: v.MAPLESTORY_API_KEY_MSEA, tms: v.MAPLESTORY_API_KEY_TMS },
      rps: v.NEXON_RPS,
      timeoutMs: v.NEXON_TIMEOUT_MS,
      deadlineMs: v.NEXON_DEADLINE_MS,
    },
    corsAllowedOrigins: parseCorsOrigins(v.CORS_ALLOWED_ORIGINS),
    tokens: {
      accessTtlSeconds: v.ACCESS_TOKEN_TTL_SECONDS,
      refreshTtlSeconds: v.REFRESH_TOKEN_TTL_SECONDS,
      sessionMaxAgeSeconds: v.SESSION_MAX_AGE_SECONDS,
      jwtSecret: v.JWT_SECRET,
      jwtSecretPrevious: v.JWT_SECRET_PREVIOUS,
    },
    encryptionKey: v.ENCRYPTION_KEY,
    encryptionKeyPrevious: v.ENCRYPTION_KEY_PREVIOUS,
    loginThrottle: {
      perAccountAndClient: v.LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_CLIENT,
      perAccount: v.LOGIN_MAX_FAILURES_PER_ACCOUNT,
      perClient: v.LOGIN_MAX_FAILURES_PER_CLIENT,
      windowSeconds: v.LOGIN_FAILURE_WINDOW_SECONDS,
    },
    profile: { childInvocations: v.PROFILE_CHILD_INVOCATIONS === "on" },
    deferredWorkDelayMs: v.DEFERRED_WORK_DELAY_MS,
    allowance: {
      upstreamCallsPerMinute: v.CLIENT_UPSTREAM_CALLS_PER_MINUTE,
      upstreamCallsPerMinuteAuthed: v.CLIENT_UPSTREAM_CALLS_PER_MINUTE_AUTHED,
      refreshesPerMinute: v.REFRESH_PER_MINUTE,
    },
  };
  cache.set(env, config);
  return config;
}
