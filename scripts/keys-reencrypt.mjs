// `npm run keys:reencrypt`: after ENCRYPTION_KEY was rotated (the old key now being
// ENCRYPTION_KEY_PREVIOUS), seals every stored NEXON key again under the current key, so
// ENCRYPTION_KEY_PREVIOUS can then be removed. The Worker does the same for one key when
// it is used; this does all of them at once.
//
// The keys come from the environment, never from the command line, and are never
// printed; for the local database, missing ones are read from .dev.vars. It opens and
// seals with the Worker's own module (src/lib/crypto/aes.ts, loaded through Node's type
// stripping), so both always agree on the format. All updates go to wrangler as one
// file of conditional UPDATEs: one batch, and a key changed meanwhile is left alone.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { registerHooks } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { parseD1Args } from "./d1-args.mjs";
import { root, runWrangler } from "./wrangler-cli.mjs";

const USAGE = `Usage: npm run keys:reencrypt [-- [--remote --yes] [--persist-to <dir>] [--database <name>]]

Seals every stored NEXON key again under ENCRYPTION_KEY. Keys sealed under
ENCRYPTION_KEY_PREVIOUS (or stored before key ids) are rewritten; others are left as is.
  (default)            the local database that \`npm run dev\` uses; keys not set in the
                       environment are read from .dev.vars
  --remote --yes       the production database ([env.production] in wrangler.toml); the keys
                       must be in the environment (ENCRYPTION_KEY, ENCRYPTION_KEY_PREVIOUS)
  --persist-to <dir>   local only: the local database kept in <dir> instead of .wrangler/state
  --database <name>    D1 binding or database name (default: DB)`;

const { args, fail: usage } = parseD1Args("keys:reencrypt", USAGE, { writes: true });

// The keys: the environment first (set but empty: none); for the local database, .dev.vars fills the gaps.
const keys = { ENCRYPTION_KEY: process.env.ENCRYPTION_KEY, ENCRYPTION_KEY_PREVIOUS: process.env.ENCRYPTION_KEY_PREVIOUS };
const devVars = join(root, ".dev.vars");
if (!args.remote && existsSync(devVars)) {
  const local = parseEnv(readFileSync(devVars, "utf8"));
  for (const name of Object.keys(keys)) keys[name] ??= local[name];
}
for (const [name, value] of Object.entries(keys)) {
  if (!value) continue;
  let bytes = -1;
  try {
    bytes = globalThis.atob(value).length;
  } catch {
    // reported below
  }
  if (bytes !== 32) usage(`${name} must be 32 bytes, base64-encoded`);
}
if (!keys.ENCRYPTION_KEY) usage(`ENCRYPTION_KEY is not set${args.remote ? " in the environment" : " (environment or .dev.vars)"}`);
const ring = { current: keys.ENCRYPTION_KEY, previous: keys.ENCRYPTION_KEY_PREVIOUS || undefined };

// The Worker's TypeScript module, as is: Node strips the types; its extensionless
// relative imports resolve to .ts files.
if (!process.features.typescript || typeof registerHooks !== "function") {
  console.error("keys:reencrypt: needs Node 22.18 or newer; run it with `npm run keys:reencrypt` (the project's pinned Node).");
  process.exit(2);
}
registerHooks({
  resolve(specifier, context, nextResolve) {
    const relativeFromTs = /^\.\.?\//.test(specifier) && context.parentURL?.endsWith(".ts") && !/\.[cm]?[jt]s$/.test(specifier);
    return nextResolve(relativeFromTs ? `${specifier}.ts` : specifier, context);
  },
});
const { DecryptionError, encrypt, keyId, openWithKeyRing } = await import("../src/lib/crypto/aes.ts");

const target = args.remote
  ? ["--remote", "--env", "production"]
  : ["--local", ...(args["persist-to"] ? ["--persist-to", args["persist-to"]] : [])];
const where = args.remote ? "production" : "local";

/** Every stored key: [{ user_id, ciphertext }]. wrangler's output holds ciphertexts: never shown. */
function readStoredKeys() {
  const read = runWrangler(
    ["d1", "execute", args.database, ...target, "--json", "--command", "SELECT user_id, ciphertext FROM nexon_keys ORDER BY user_id"],
    { capture: true },
  );
  try {
    if (read.status !== 0) throw new Error(`exit ${read.status}`);
    return JSON.parse(read.stdout)[0].results;
  } catch (err) {
    console.error(read.stderr);
    console.error(`keys:reencrypt: could not read nexon_keys from the ${where} database ${args.database} (${err.message}); nothing changed.`);
    process.exit(1);
  }
}

const sqlText = (value) => `'${String(value).replaceAll("'", "''")}'`;

const rows = readStoredKeys();
const updates = [];
const unreadable = [];
for (const row of rows) {
  try {
    const { plaintext, stale } = await openWithKeyRing(row.ciphertext, ring, row.user_id);
    if (!stale) continue;
    const sealed = await encrypt(plaintext, ring.current, row.user_id);
    updates.push(
      `UPDATE nexon_keys SET ciphertext = ${sqlText(sealed)} WHERE user_id = ${sqlText(row.user_id)} AND ciphertext = ${sqlText(row.ciphertext)};`,
    );
  } catch (err) {
    if (!(err instanceof DecryptionError)) throw err;
    unreadable.push(`${row.user_id} (${err.reason})`);
  }
}

if (updates.length > 0) {
  // A directory only we can enter (mkdtemp makes it 0700): the file holds ciphertexts.
  const dir = mkdtempSync(join(tmpdir(), "maplestorage-reencrypt-"));
  const file = join(dir, "reencrypt.sql");
  writeFileSync(file, `${updates.join("\n")}\n`, { mode: 0o600 });
  const write = runWrangler(["d1", "execute", args.database, ...target, "--file", file, ...(args.remote ? ["--yes"] : [])], {
    capture: true,
  });
  rmSync(dir, { recursive: true, force: true });
  if (write.status !== 0) {
    console.error(write.stderr);
    console.error(`keys:reencrypt: wrangler d1 execute failed (exit ${write.status}). Every key still opens as before; run this again.`);
    process.exit(write.status);
  }
}

// Check what is stored now: every key readable is under the current key id.
const currentId = await keyId(ring.current);
const after = readStoredKeys();
const current = after.filter((row) => row.ciphertext.startsWith(`v1:${currentId}:`)).length;
console.log(
  `keys:reencrypt: ${where} database ${args.database}: ${rows.length} stored keys, ${updates.length} sealed again; ` +
    `now ${current} of ${after.length} under the current key (${currentId}).`,
);
if (unreadable.length > 0) {
  console.error(
    `keys:reencrypt: ${unreadable.length} keys open with neither ENCRYPTION_KEY nor ENCRYPTION_KEY_PREVIOUS and were left as is ` +
      `(their users must register them again): ${unreadable.join(", ")}`,
  );
  process.exit(1);
}
if (current !== after.length) {
  console.error("keys:reencrypt: some keys changed while this ran; run it again.");
  process.exit(1);
}
