import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach } from "vitest";
import { resetCacheState } from "../src/cache/load";
import { setStoresWait } from "../src/cache/write-back";
import { setLinger } from "../src/middleware/after-response";

// Runs before each test file: the schema is the one drizzle-kit generated.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);

// Storage lasts for a whole test file: each test starts with empty cache tiers
// (new keys) and no coalescing state, so one test's cached answer never serves another's.
beforeEach(() => resetCacheState());

// Stores wait a moment after each response in production (src/cache/write-back.ts);
// here they start at once, and test/helpers.ts `call` waits for them.
setStoresWait(0);
// Log lines wait a moment after each response too (src/middleware/after-response.ts).
setLinger(0);
