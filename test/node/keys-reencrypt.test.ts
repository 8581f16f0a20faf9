// `npm run keys:reencrypt` on a throwaway local database (wrangler --persist-to),
// through the real script and the real wrangler CLI.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { root, runWrangler } from "../../scripts/wrangler-cli.mjs";
import { decrypt, encrypt, keyId } from "../../src/lib/crypto/aes";

const work = mkdtempSync(join(tmpdir(), "maplestorage-reencrypt-test-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const newKey = () => randomBytes(32).toString("base64");
const KEY_A = newKey();
const KEY_B = newKey();
const KEY_C = newKey();

function wrangler(args: string[]) {
  const result = runWrangler(args, { capture: true, env: { CI: "true" } });
  if (result.status !== 0) throw new Error(`wrangler ${args.join(" ")} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

function reencrypt(args: string[], keys: Record<string, string>) {
  const result = spawnSync(process.execPath, [join(root, "scripts", "keys-reencrypt.mjs"), ...args], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, CI: "true", ...keys },
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function query(persistTo: string, sql: string): Record<string, unknown>[][] {
  const out = wrangler(["d1", "execute", "DB", "--local", "--persist-to", persistTo, "--json", "--command", sql]);
  return (JSON.parse(out) as { results: Record<string, unknown>[] }[]).map((r) => r.results);
}

const storedKeys = (persistTo: string) =>
  new Map(
    query(persistTo, "SELECT user_id, ciphertext FROM nexon_keys")[0]!.map((r) => [r.user_id as string, r.ciphertext as string]),
  );

describe("keys:reencrypt", () => {
  it("seals every key from the previous key (or without a key id) again under the current key, in one batch", { timeout: 120_000 }, async () => {
    const db = join(work, "db");
    wrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", db]);

    const plain = (user: string) => `nexon-key-of-${user}-${randomBytes(6).toString("hex")}`;
    const users = ["u-prev", "u-legacy", "u-current", "u-lost"] as const;
    const apiKeys = Object.fromEntries(users.map((u) => [u, plain(u)])) as Record<(typeof users)[number], string>;
    const sealed = {
      "u-prev": await encrypt(apiKeys["u-prev"], KEY_A, "u-prev"),
      // Stored before key ids: the bare base64 part.
      "u-legacy": (await encrypt(apiKeys["u-legacy"], KEY_A, "u-legacy")).split(":")[2]!,
      "u-current": await encrypt(apiKeys["u-current"], KEY_B, "u-current"),
      "u-lost": await encrypt(apiKeys["u-lost"], KEY_C, "u-lost"),
    };
    query(
      db,
      users
        .map(
          (u) =>
            `INSERT INTO users (id, username, username_key, email, password_hash, password_scheme, created_at, updated_at) VALUES ('${u}', '${u}', '${u}', '${u}@example.com', 'x', 'pbkdf2-sha256:100000', 1, 1);` +
            `INSERT INTO nexon_keys (user_id, ciphertext, key_hint, verified_at) VALUES ('${u}', '${sealed[u]}', 'hint', 1)`,
        )
        .join(";\n"),
    );

    const run = reencrypt(["--persist-to", db], { ENCRYPTION_KEY: KEY_B, ENCRYPTION_KEY_PREVIOUS: KEY_A });
    // The key nobody configured is reported (by user id) and left alone: exit 1.
    expect(run.output).toContain("4 stored keys, 2 sealed again; now 3 of 4 under the current key");
    expect(run.output).toContain("u-lost (unknown_key)");
    expect(run.status).toBe(1);
    for (const secret of [KEY_A, KEY_B, KEY_C, ...Object.values(apiKeys)]) expect(run.output).not.toContain(secret);

    const after = storedKeys(db);
    const idB = await keyId(KEY_B);
    for (const u of ["u-prev", "u-legacy"] as const) {
      expect(after.get(u)!.startsWith(`v1:${idB}:`)).toBe(true);
      expect(await decrypt(after.get(u)!, KEY_B, u)).toBe(apiKeys[u]);
    }
    expect(after.get("u-current")).toBe(sealed["u-current"]);
    expect(after.get("u-lost")).toBe(sealed["u-lost"]);

    // Without the lost key, a second run has nothing to do, and B alone suffices.
    query(db, "DELETE FROM nexon_keys WHERE user_id = 'u-lost'");
    const again = reencrypt(["--persist-to", db], { ENCRYPTION_KEY: KEY_B, ENCRYPTION_KEY_PREVIOUS: "" });
    expect(again.output).toContain("3 stored keys, 0 sealed again; now 3 of 3 under the current key");
    expect(again.status).toBe(0);
    expect(storedKeys(db)).toEqual(new Map([...after].filter(([u]) => u !== "u-lost")));
  });

  it("refuses a remote run without --yes, and a missing or malformed key without printing it", () => {
    const remote = reencrypt(["--remote"], { ENCRYPTION_KEY: KEY_B });
    expect(remote.status).toBe(2);
    expect(remote.output).toContain("without --yes");

    const missing = reencrypt(["--remote", "--yes"], { ENCRYPTION_KEY: "" });
    expect(missing.status).toBe(2);
    expect(missing.output).toContain("ENCRYPTION_KEY is not set in the environment");

    const short = randomBytes(16).toString("base64");
    const malformed = reencrypt(["--persist-to", join(work, "unused")], { ENCRYPTION_KEY: KEY_B, ENCRYPTION_KEY_PREVIOUS: short });
    expect(malformed.status).toBe(2);
    expect(malformed.output).toContain("ENCRYPTION_KEY_PREVIOUS must be 32 bytes, base64-encoded");
    expect(malformed.output).not.toContain(short);
  });
});
