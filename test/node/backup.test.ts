// `npm run db:backup` then `npm run db:restore` on throwaway local databases
// (wrangler --persist-to), through the real scripts and the real wrangler CLI.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getTableName, is } from "drizzle-orm";
import { SQLiteTable } from "drizzle-orm/sqlite-core";
import { afterAll, describe, expect, it } from "vitest";
import { getPlatformProxy } from "wrangler";
import { root, runWrangler } from "../../scripts/wrangler-cli.mjs";
import { createDb } from "../../src/db/client";
import * as schema from "../../src/db/schema";
import { rotateRefreshToken } from "../../src/features/auth/sessions";
import { hashRefreshToken } from "../../src/lib/crypto/tokens";

const work = mkdtempSync(join(tmpdir(), "maplestorage-backup-test-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function wrangler(args: string[]) {
  const result = runWrangler(args, { capture: true, env: { CI: "true" } });
  if (result.status !== 0) throw new Error(`wrangler ${args.join(" ")} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

function script(name: string, args: string[]) {
  const result = spawnSync(process.execPath, [join(root, "scripts", name), ...args], { cwd: root, encoding: "utf8" });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

type Row = Record<string, unknown>;

/** Runs statements on a local database in one wrangler call; one result set per statement. */
function query(persistTo: string, sql: string): Row[][] {
  const out = wrangler(["d1", "execute", "DB", "--local", "--persist-to", persistTo, "--json", "--command", sql]);
  return (JSON.parse(out) as { results: Row[] }[]).map((r) => r.results);
}

// Every table the schema declares, plus the ones D1 and SQLite keep for us. Listing
// them here (not asking each database) lets one wrangler call read a whole database;
// the table list read alongside proves none is missed.
const TABLES = [
  ...Object.values(schema)
    .filter((value) => is(value, SQLiteTable))
    .map((table) => getTableName(table)),
  "d1_migrations",
  "sqlite_sequence",
].sort();
const READ_ALL = [
  "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '_cf_%' ORDER BY name",
  ...TABLES.map((t) => `SELECT * FROM "${t}"`),
].join(";\n");

/** The table names and every table's rows (order-independent), from one result list. */
function contents([names, ...rows]: Row[][]) {
  return {
    tables: names!.map((r) => r.name),
    rows: Object.fromEntries(TABLES.map((t, i) => [t, rows[i]!.map((row) => JSON.stringify(row)).sort()])),
  };
}

// Column lists, so a column added later (nullable or with a default) needs no change here.
const SEED = `
INSERT INTO users (id, username, username_key, email, password_hash, password_scheme, created_at, updated_at) VALUES
  ('u1', 'Maple', 'maple', 'maple@example.com', 'pbkdf2$abc', 'pbkdf2-sha256:100000', 1764000000000, 1764000000001),
  ('u2', '단풍잎', '단풍잎', 'o''brien@example.com', 'pbkdf2$def', 'pbkdf2-sha256:100000', 1764000000002, 1764000000003);
INSERT INTO sessions (id, user_id, created_at, expires_at, revoked_at, revoked_reason) VALUES
  ('s1', 'u1', 1764000000000, 1765209600000, NULL, NULL),
  ('s2', 'u2', 1764000000000, 1765209600000, 1764000500000, 'reuse detected');
INSERT INTO refresh_tokens (token_hash, session_id, created_at, expires_at, used_at) VALUES ('hash1', 's1', 1764000000000, 1765209600000, NULL);
INSERT INTO login_failures (scope, key, at) VALUES ('username', 'maple', 1764000000000), ('client', '203.0.113.7', 1764000000001);
INSERT INTO nexon_keys (user_id, ciphertext, key_hint, verified_at, accounts_synced_at) VALUES ('u1', 'aXYgfHwgY2lwaGVydGV4dA==', 'test_…abcd', 1764000000000, NULL);
INSERT INTO nexon_accounts (user_id, account_id, synced_at) VALUES ('u1', 'acc-1', 1764000000000);
INSERT INTO nexon_characters (user_id, account_id, ocid, character_name, world_name, character_class, character_level) VALUES
  ('u1', 'acc-1', 'ocid-a', '메이플소녀', '스카니아', '아크메이지(불,독)', 285),
  ('u1', 'acc-1', 'ocid-b', 'Line
Break', '루나', '히어로', 200);
INSERT INTO tracked_characters (user_id, ocid, character_name, created_at) VALUES ('u1', 'ocid-a', '메이플소녀', 1764000000000), ('u2', 'ocid-c', NULL, 1764000000005);
INSERT INTO character_snapshots (ocid, date, character_level, character_exp, character_exp_rate, combat_power, fetched_at) VALUES
  ('ocid-a', '2026-11-25', 285, 123456789012, 42.125, 98765432, 1764000000000),
  ('ocid-a', '2026-11-26', NULL, NULL, NULL, NULL, 1764086400000)`;

/**
 * Presents a refresh token to the Worker's own refresh logic (`rotateRefreshToken`,
 * what POST /v1/auth/token/refresh runs) against a local database kept in `persistTo`,
 * reached through wrangler's platform proxy: 200 when it rotates, else the problem's status.
 */
async function refreshStatus(persistTo: string, refreshToken: string): Promise<number> {
  const proxy = await getPlatformProxy<{ DB: D1Database }>({
    configPath: join(root, "wrangler.toml"),
    persist: { path: join(persistTo, "v3") },
  });
  try {
    const lifetimes = { refreshTtlSeconds: 1_209_600, sessionMaxAgeSeconds: 7_776_000 };
    await rotateRefreshToken(createDb(proxy.env.DB), refreshToken, lifetimes, Date.now());
    return 200;
  } catch (err) {
    return (err as { status?: number }).status ?? 500;
  } finally {
    await proxy.dispose();
  }
}

const fileMode = (file: string) => statSync(file).mode & 0o777;
const posix = process.platform !== "win32";

describe("db:backup and db:restore", () => {
  it("round-trip every row of every table into an empty database, and refuse a non-empty one", { timeout: 180_000 }, async () => {
    const source = join(work, "source");
    const restored = join(work, "restored");
    const file = join(work, "backup.sql");

    // A live sign-in whose refresh token we hold (the seed's sessions have long expired).
    const liveToken = randomBytes(32).toString("base64url");
    const now = Date.now();
    const LIVE = `
INSERT INTO sessions (id, user_id, created_at, expires_at) VALUES ('s3', 'u1', ${now}, ${now + 14 * 86_400_000});
INSERT INTO refresh_tokens (token_hash, session_id, created_at, expires_at) VALUES ('${await hashRefreshToken(liveToken)}', 's3', ${now}, ${now + 14 * 86_400_000})`;

    wrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", source]);
    const seeded = query(source, `${SEED};${LIVE};\n${READ_ALL}`);
    const before = contents(seeded.slice(-(TABLES.length + 1)));
    expect(before.tables).toEqual(TABLES);
    for (const table of ["users", "sessions", "nexon_characters", "tracked_characters", "character_snapshots"]) {
      expect(before.rows[table]!.length).toBeGreaterThanOrEqual(2);
    }

    // Backups hold password hashes: owner-only, also over an existing file readable by others.
    writeFileSync(file, "an older backup");
    chmodSync(file, 0o644);
    const backup = script("db-backup.mjs", ["--persist-to", source, "--output", file]);
    expect(backup.output).toContain("db:backup: wrote");
    expect(backup.status).toBe(0);
    if (posix) expect(fileMode(file)).toBe(0o600);

    // Control: the held token refreshes on the source database (after the backup, which
    // still has it unspent), so its refusal below is the restore's doing.
    expect(await refreshStatus(source, liveToken)).toBe(200);

    const startedAt = Date.now();
    const restore = script("db-restore.mjs", ["--persist-to", restored, file]);
    const endedAt = Date.now();
    expect(restore.output).toContain("db:restore: loaded");
    expect(restore.output).toContain("db:restore: revoked every session");
    expect(restore.status).toBe(0);

    // A restore followed by a refused old token: the sign-in from before the restore is
    // 401 on the restored database (POST /v1/auth/token/refresh would answer the same).
    expect(await refreshStatus(restored, liveToken)).toBe(401);

    // Nothing lost: every row comes back; the only change is that every session is now
    // revoked (`revoked_at`, `revoked_reason`), those revoked before keeping their own.
    const after = contents(query(restored, READ_ALL));
    const sessionsBefore = new Map(before.rows.sessions!.map((r) => JSON.parse(r) as Row).map((r) => [r.id, r]));
    after.rows.sessions = after.rows.sessions!
      .map((r) => {
        const row = JSON.parse(r) as Row;
        const was = sessionsBefore.get(row.id)!;
        if (was.revoked_at !== null) return r;
        expect(row.revoked_reason).toBe("restore");
        expect(row.revoked_at).toBeGreaterThanOrEqual(startedAt);
        expect(row.revoked_at).toBeLessThanOrEqual(endedAt);
        return JSON.stringify({ ...row, revoked_at: null, revoked_reason: null });
      })
      .sort();
    expect(after).toEqual(before);
    const live = query(restored, "SELECT count(*) AS n FROM sessions WHERE revoked_at IS NULL")[0]![0]!.n;
    expect(live).toBe(0);

    // Restoring over existing tables is refused before anything is written.
    const again = script("db-restore.mjs", ["--persist-to", restored, file]);
    expect(again.status).toBe(1);
    expect(again.output).toContain("is not empty");
  });

  it("writes a new backup file readable by its owner only", { timeout: 120_000, skip: !posix }, () => {
    const source = join(work, "fresh-source");
    const file = join(work, "new", "backup.sql");
    wrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", source]);
    const backup = script("db-backup.mjs", ["--persist-to", source, "--output", file]);
    expect(backup.status).toBe(0);
    expect(fileMode(file)).toBe(0o600);
  });

  it("refuses a remote restore without --yes", () => {
    const res = script("db-restore.mjs", ["--remote", join(work, "any.sql")]);
    expect(res.status).toBe(2);
    expect(res.output).toContain("without --yes");
  });
});
