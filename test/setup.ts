import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach } from "vitest";
import { resetCacheState } from "./reset";

// Runs before each test file: the schema is the one drizzle-kit generated.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);

// Test files share one workerd process and its storage (vitest.config.ts: isolate false),
// so each starts from an empty database, as it would with storage of its own.
const { results: tables } = await env.DB.prepare(
  "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name <> 'd1_migrations'",
).all<{ name: string }>();
await env.DB.batch([env.DB.prepare("PRAGMA defer_foreign_keys = on"), ...tables.map(({ name }) => env.DB.prepare(`DELETE FROM "${name}"`))]);

// Each test starts with empty cache tiers and no coalescing state.
beforeEach(() => resetCacheState());
