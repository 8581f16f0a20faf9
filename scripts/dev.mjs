// `npm run dev`: this Worker and the sample upstream Worker under one `wrangler dev`
// (extra arguments are passed on). Two things a newcomer would take for failures are
// switched off: wrangler fetching Cloudflare's `request.cf` data from
// workers.cloudflare.com (offline it prints a stack trace; the Worker never reads
// `request.cf`), and the reminder that cron triggers need a manual trigger
// (`--test-scheduled`; README: the scheduled-job command).
import { spawn } from "node:child_process";
import { delimiter, join } from "node:path";
import { root } from "./wrangler-cli.mjs";

const isWindows = process.platform === "win32";
const binDir = join(root, "node_modules", ".bin");
const args = ["dev", "-c", "wrangler.toml", "-c", "dev/sample-upstream/wrangler.toml", "--test-scheduled", ...process.argv.slice(2)];
const child = spawn(join(binDir, isWindows ? "wrangler.cmd" : "wrangler"), args, {
  cwd: root,
  stdio: "inherit",
  shell: isWindows,
  env: { ...process.env, PATH: `${binDir}${delimiter}${process.env.PATH ?? ""}`, CLOUDFLARE_CF_FETCH_ENABLED: "false" },
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
