import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach } from "vitest";
import { resetCacheState } from "../src/cache/load";

// Runs before each test file: the schema is the one drizzle-kit generated.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);

// Storage lasts for a whole test file: each test starts with empty cache tiers
// (new keys) and no coalescing state, so one test's cached answer never serves another's.
beforeEach(() => resetCacheState());
