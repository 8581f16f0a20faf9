import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach } from "vitest";
import { resetCacheState } from "./reset";

// Runs before each test file: the schema is the one drizzle-kit generated.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);

// Each test starts with empty cache tiers and no coalescing state.
beforeEach(() => resetCacheState());
