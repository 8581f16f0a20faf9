import { parseArgs } from "node:util";

/**
 * The command line the D1 scripts share: `--local` | `--remote`, `--persist-to`
 * (local only), `--database` (default DB), `--help`, and `options` of the script's
 * own. A bad line prints `usage` and exits 2; `--help` prints it and exits 0.
 * `writes`: the script writes to the database, so `--remote` also needs `--yes`.
 */
export function parseD1Args(name, usage, { options = {}, allowPositionals = false, writes = false } = {}) {
  const fail = (message) => {
    if (message) console.error(`${name}: ${message}\n`);
    console.error(usage);
    process.exit(2);
  };
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals,
      options: {
        local: { type: "boolean", default: false },
        remote: { type: "boolean", default: false },
        "persist-to": { type: "string" },
        database: { type: "string", default: "DB" },
        help: { type: "boolean", short: "h", default: false },
        ...(writes ? { yes: { type: "boolean", default: false } } : {}),
        ...options,
      },
    });
  } catch (err) {
    fail(err.message);
  }
  const args = parsed.values;
  if (args.help) {
    console.log(usage);
    process.exit(0);
  }
  if (args.local && args.remote) fail("choose --local or --remote, not both");
  if (args.remote && args["persist-to"]) fail("--persist-to is for the local database only");
  if (writes && args.remote && !args.yes) fail("refusing to write to the production database without --yes");
  return { args, positionals: parsed.positionals, fail };
}
