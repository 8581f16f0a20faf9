// `npm run db:restore -- <file.sql>`: loads a `npm run db:backup` file into an EMPTY
// D1 database. The backup holds the schema and the d1_migrations history too, so the
// restored database is at the backup's migration level and `migrations apply` carries
// on from there. Restoring over existing tables would fail halfway or mix two
// states, so a database that has any table is refused before anything is written.
// After loading, every session is revoked (reason "restore"): sign-ins from before
// the restore, whose refresh tokens may have been rotated or revoked since the backup
// was taken, all end, and everyone signs in again.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { parseD1Args } from "./d1-args.mjs";
import { runWrangler } from "./wrangler-cli.mjs";

const USAGE = `Usage: npm run db:restore -- [--remote --yes] [--persist-to <dir>] [--database <name>] <file.sql>

Loads a backup written by \`npm run db:backup\` into an empty D1 database.
  (default)            the local database that \`npm run dev\` uses
                       (to replace it, delete .wrangler/state/v3/d1 first)
  --remote --yes       the production database ([env.production] in wrangler.toml);
                       --yes is required: this writes to production
  --persist-to <dir>   local only: the local database kept in <dir> instead of .wrangler/state
  --database <name>    D1 binding or database name (default: DB), e.g. a database
                       just made with \`wrangler d1 create\``;

const { args, positionals, fail: usage } = parseD1Args("db:restore", USAGE, { allowPositionals: true, writes: true });
if (positionals.length !== 1) usage("give exactly one backup file");
const file = resolve(positionals[0]);
if (!existsSync(file)) usage(`no such file: ${positionals[0]}`);

const target = args.remote
  ? ["--remote", "--env", "production"]
  : ["--local", ...(args["persist-to"] ? ["--persist-to", args["persist-to"]] : [])];
const where = args.remote ? "production" : "local";

const probe = runWrangler(
  [
    "d1", "execute", args.database, ...target, "--json", "--command",
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' ORDER BY name",
  ],
  { capture: true },
);
let tables;
try {
  if (probe.status !== 0) throw new Error(`exit ${probe.status}`);
  tables = JSON.parse(probe.stdout)[0].results.map((row) => row.name);
} catch (err) {
  console.error(probe.stdout, probe.stderr);
  console.error(`db:restore: could not read the ${where} database ${args.database} (${err.message}); nothing restored.`);
  process.exit(1);
}
if (tables.length > 0) {
  console.error(
    `db:restore: the ${where} database ${args.database} is not empty (tables: ${tables.join(", ")}); nothing restored.\n` +
      "A backup holds the whole schema and migration history, so it loads only into an empty database.\n" +
      (args.remote
        ? "Create one (`wrangler d1 create <name>`) and pass --database <name>, or use D1 Time Travel (see README, Operations)."
        : "Delete .wrangler/state/v3/d1 (the local database) or pass --persist-to <new dir>."),
  );
  process.exit(1);
}

const { status } = runWrangler(["d1", "execute", args.database, ...target, "--file", file, ...(args.remote ? ["--yes"] : [])]);
if (status !== 0) {
  console.error(`db:restore: wrangler d1 execute failed (exit ${status}).`);
  process.exit(status);
}
console.log(`db:restore: loaded ${positionals[0]} into the ${where} database ${args.database}.`);

// Milliseconds since the epoch, as the Worker writes them (src/features/auth/sessions.ts).
const LIVE_SESSIONS = "SELECT count(*) AS live FROM sessions WHERE revoked_at IS NULL";
const REVOKE_SESSIONS = `UPDATE sessions SET revoked_at = ${Date.now()}, revoked_reason = 'restore' WHERE revoked_at IS NULL`;
const revoke = runWrangler(
  [
    "d1", "execute", args.database, ...target, "--json", "--command",
    `${LIVE_SESSIONS}; ${REVOKE_SESSIONS}; ${LIVE_SESSIONS}`,
    ...(args.remote ? ["--yes"] : []),
  ],
  { capture: true },
);
let revoked;
try {
  if (revoke.status !== 0) throw new Error(`exit ${revoke.status}`);
  const [before, , after] = JSON.parse(revoke.stdout);
  if (after.results[0].live !== 0) throw new Error(`${after.results[0].live} sessions still live`);
  revoked = before.results[0].live;
} catch (err) {
  console.error(revoke.stdout, revoke.stderr);
  console.error(
    `db:restore: the data is loaded, but revoking its sessions failed (${err.message}).\n` +
      "Old sign-ins still work until you run, on that database:\n" +
      `  npx wrangler d1 execute ${args.database} ${target.join(" ")} --command "${REVOKE_SESSIONS}"`,
  );
  process.exit(1);
}
console.log(`db:restore: revoked every session (${revoked} still live in the backup): everyone must sign in again.`);
