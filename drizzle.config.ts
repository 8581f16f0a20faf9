import { defineConfig } from "drizzle-kit";

// Generates SQL migrations into migrations/; wrangler applies them
// (`npm run db:migrate:local`, and `--remote` on deploy).
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/db/schema.ts",
  out: "./migrations",
});
