// `npm run db:backup`: exports the D1 database (schema, rows and migration history)
// to one SQL file that `npm run db:restore` loads into an empty database. The file
// holds password hashes and encrypted keys, so it is readable by its owner only
// (mode 0600, also when it already existed).
import { closeSync, fchmodSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { parseD1Args } from "./d1-args.mjs";
import { configForPersistDir, root, runWrangler } from "./wrangler-cli.mjs";

const USAGE = `Usage: npm run db:backup [-- [--remote] [--output <file.sql>] [--persist-to <dir>] [--database <name>]]

Exports a D1 database to SQL (schema, every row, and the d1_migrations history).
  (default)            the local database that \`npm run dev\` uses
  --remote             the production database ([env.production] in wrangler.toml)
  --output <file>      where to write (default: backups/<timestamp>-<local|production>.sql)
  --persist-to <dir>   local only: read the local database kept in <dir> instead of .wrangler/state
  --database <name>    D1 binding or database name (default: DB)`;

const { args } = parseD1Args("db:backup", USAGE, { options: { output: { type: "string" } } });

const where = args.remote ? "production" : "local";
// File names sort by time and carry no ':' (not allowed in Windows file names).
const stamp = new Date().toISOString().replace(/\.\d+Z$/, "Z").replaceAll(":", "-");
const output = resolve(args.output ?? join(root, "backups", `${stamp}-${where}.sql`));
mkdirSync(dirname(output), { recursive: true });

// wrangler writes its export with the default umask (often world-readable): into a
// directory only we can enter (mkdtemp makes it 0700), never straight to `output`.
const exportDir = mkdtempSync(join(tmpdir(), "maplestorage-backup-"));
const exported = join(exportDir, "export.sql");
const wranglerArgs = ["d1", "export", args.database, "--output", exported];
let cleanup = () => rmSync(exportDir, { recursive: true, force: true });
if (args.remote) {
  wranglerArgs.push("--remote", "--env", "production");
} else {
  wranglerArgs.push("--local");
  if (args["persist-to"]) {
    const config = configForPersistDir(args["persist-to"]);
    wranglerArgs.push("--config", config.configPath);
    const removeExport = cleanup;
    cleanup = () => {
      config.cleanup();
      removeExport();
    };
  }
}

const { status } = runWrangler(wranglerArgs);
if (status !== 0) {
  cleanup();
  console.error(`db:backup: wrangler d1 export failed (exit ${status}); no backup written.`);
  process.exit(status);
}
const sql = rowsAfterSchema(readFileSync(exported, "utf8"));
cleanup();
writePrivate(output, sql);

/**
 * Writes `text` to `file` with mode 0600. The mode is set on the open file before
 * anything is written, so an existing file that was readable by others (mode is kept
 * on truncation) never holds the backup under its old mode.
 */
function writePrivate(file, text) {
  const fd = openSync(file, "w", 0o600);
  try {
    fchmodSync(fd, 0o600);
    writeFileSync(fd, text);
  } finally {
    closeSync(fd);
  }
}

/**
 * D1's export writes each table's rows right after its CREATE TABLE, in name order, so
 * a row whose table references a later table cannot be loaded ("no such table",
 * workers-sdk issue 5683). Every row is one line there (newlines in values are written
 * as char(10)), so moving the row lines after all the schema lines, in their order,
 * makes the file loadable; PRAGMA defer_foreign_keys at its top covers row order.
 */
function rowsAfterSchema(sql) {
  const isRow = (line) => /^INSERT INTO "[^"]+" \(/.test(line) || line === "DELETE FROM sqlite_sequence;";
  const lines = sql.split("\n");
  return [...lines.filter((l) => !isRow(l)), ...lines.filter(isRow)].join("\n");
}
const shown = relative(process.cwd(), output);
console.log(`db:backup: wrote ${shown.startsWith("..") ? output : shown} (${where} database ${args.database}).`);
