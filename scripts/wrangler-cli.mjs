// Runs the project's own wrangler from node_modules, under the project's pinned Node
// (node_modules/.bin first on PATH, as `npm run` does), so scripts work however
// they are started.
import { spawn, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");

const isWindows = process.platform === "win32";
const binDir = join(root, "node_modules", ".bin");
const wranglerBin = join(binDir, isWindows ? "wrangler.cmd" : "wrangler");

function options(env, stdio) {
  return {
    cwd: root,
    stdio,
    env: { ...process.env, PATH: `${binDir}${delimiter}${process.env.PATH ?? ""}`, ...env },
    shell: isWindows,
  };
}

/** Runs wrangler to completion. `capture` collects stdout (for `--json`) instead of showing it. */
export function runWrangler(args, { capture = false, env = {} } = {}) {
  const result = spawnSync(wranglerBin, args, {
    ...options(env, capture ? ["ignore", "pipe", "pipe"] : "inherit"),
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  return { status: result.status ?? 1, stdout: result.stdout ?? "", stderr: result.stderr ?? "" };
}

/** Starts a long-running wrangler (e.g. `dev`) and returns the child process. */
export function startWrangler(args, { env = {} } = {}) {
  return spawn(wranglerBin, args, { ...options(env, ["ignore", "pipe", "pipe"]), detached: !isWindows });
}

/**
 * `wrangler d1 export --local` has no `--persist-to`: it always reads
 * `.wrangler/state` beside the config file. This returns a throwaway config
 * directory whose `.wrangler/state` is `persistTo`, and a cleanup function.
 */
export function configForPersistDir(persistTo) {
  const dir = mkdtempSync(join(tmpdir(), "maplestorage-wrangler-"));
  cpSync(join(root, "wrangler.toml"), join(dir, "wrangler.toml"));
  mkdirSync(join(dir, ".wrangler"));
  // A junction needs no privileges on Windows; elsewhere the type is ignored.
  symlinkSync(resolve(persistTo), join(dir, ".wrangler", "state"), "junction");
  return { configPath: join(dir, "wrangler.toml"), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
