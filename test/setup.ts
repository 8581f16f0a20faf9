import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

// Runs before each test file: the schema is the one drizzle-kit generated.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
