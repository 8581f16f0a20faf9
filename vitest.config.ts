import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { runnerImport } from "vite";
import { defineConfig } from "vitest/config";

/**
 * Test files that exercise the profile's child invocations (src/features/characters/fanout)
 * or read Cache API entries that have no KV twin (character images), so they run in an
 * isolate and storage of their own (the `workers-isolated` project). Child invocations reach
 * this Worker through the test harness's `ctx.exports`, whose `waitUntil` bookkeeping spans
 * test files: in one shared isolate, a later file's profile children fail with "Promise will
 * never complete" and an earlier file's pictures are still cached.
 */
const ISOLATED_FILES = [
  "src/cache/profile.test.ts",
  "src/cache/cache.test.ts",
  "src/cache/client-allowance.test.ts",
  "src/features/characters/characters.test.ts",
  "src/features/characters/regions.test.ts",
  "src/features/images/images.test.ts",
];

// Three projects: `workers` and `workers-isolated` run inside workerd with real local D1,
// KV, Cache API and rate limiters (almost everything); `node` runs what needs Node itself
// (OpenAPI validation and client generation use code generation that workerd forbids).
export default defineConfig(async () => {
  const migrations = await readD1Migrations("./migrations");
  // The sample upstream (dev/sample-upstream), loaded through Vite so its TypeScript runs
  // in this Node process: it answers the development config's SAMPLE_UPSTREAM service
  // binding, whose Worker the tests do not start (tests use NEXON_API_BASE_URL=https://nexon.test
  // and test/fake-upstream.ts, so the binding only has to exist and behave).
  const { module: sample } = await runnerImport<typeof import("./dev/sample-upstream/index")>("./dev/sample-upstream/index.ts", { configFile: false });

  /** The Worker as wrangler.toml describes it, with test-only values (and `vars` on top). */
  const worker = (vars: Record<string, string>) =>
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        // Test-only values, fixed so tests are repeatable; never used anywhere deployed.
        bindings: {
          ENVIRONMENT: "test",
          NEXON_API_BASE_URL: "https://nexon.test",
          MAPLESTORY_API_KEY: "test-service-key",
          MAPLESTORY_API_KEY_MSEA: "test-service-key-msea",
          MAPLESTORY_API_KEY_TMS: "test-service-key-tms",
          JWT_SECRET: "test-jwt-secret-0123456789abcdef0123456789",
          ENCRYPTION_KEY: "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
          CORS_ALLOWED_ORIGINS: "https://app.example.com",
          NEXON_RPS: "50",
          // Tests wait for each call's deferred work (test/helpers.ts): no reason to make it wait longer.
          DEFERRED_WORK_DELAY_MS: "0",
          // Every test file shares one client ("unknown") and one allowance object per client,
          // so the real allowance would trip ordinary tests: the allowance's own tests lower it.
          CLIENT_UPSTREAM_CALLS_PER_MINUTE: "1000000",
          CLIENT_UPSTREAM_CALLS_PER_MINUTE_AUTHED: "1000000",
          TEST_MIGRATIONS: migrations,
          ...vars,
        },
        // The development config's sample upstream Worker, answered in-process.
        serviceBindings: { SAMPLE_UPSTREAM: sample.createSampleUpstream() },
        // Every test file shares one client IP ("unknown") and one limiter, so the
        // real limits would trip ordinary tests; the limits themselves are tested
        // with counting fakes (src/middleware/rate-limit.test.ts).
        ratelimits: {
          RATE_LIMIT_PUBLIC: { namespace_id: "1001", simple: { limit: 1_000_000, period: 60 } },
          RATE_LIMIT_AUTHED: { namespace_id: "1002", simple: { limit: 1_000_000, period: 60 } },
        },
      },
    });

  const workersTest = { silent: "passed-only" as const, setupFiles: ["./test/setup.ts"] };

  return {
    test: {
      // Vitest's default is one worker less than the cores: one, on a two-core machine.
      maxWorkers: 2,
      projects: [
        {
          // Loads a profile's sections in one invocation (PROFILE_CHILD_INVOCATIONS=off, a
          // production setting too); the fan-out itself is tested in `workers-isolated`.
          plugins: [worker({ PROFILE_CHILD_INVOCATIONS: "off" })],
          test: {
            ...workersTest,
            name: "workers",
            // One workerd process runs many files (about 3 s of start-up saved per file);
            // test/setup.ts empties the database and test/reset.ts the cache tiers and
            // isolate state, so files still start from nothing.
            isolate: false,
            include: ["src/**/*.test.ts", "test/**/*.test.ts"],
            exclude: ["test/node/**", ...ISOLATED_FILES],
          },
        },
        {
          plugins: [worker({ PROFILE_CHILD_INVOCATIONS: "on" })],
          test: { ...workersTest, name: "workers-isolated", include: ISOLATED_FILES },
        },
        {
          test: {
            name: "node",
            silent: "passed-only",
            environment: "node",
            include: ["test/node/**/*.test.ts"],
          },
        },
      ],
    },
  };
});
