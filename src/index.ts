import { WorkerEntrypoint } from "cloudflare:workers";
import { createApp } from "./app";
import type { Bindings } from "./env";
import { runDailySnapshots } from "./jobs/daily-snapshots";
import { pruneAuthData } from "./jobs/prune-auth";
import { childApp } from "./features/characters/characters.fanout";

const app = createApp();

export default {
  fetch: app.fetch,
  /** Cron Triggers (wrangler.toml): daily progress snapshots of tracked characters, and auth housekeeping. */
  scheduled(_controller, env, ctx) {
    ctx.waitUntil(runDailySnapshots(env));
    ctx.waitUntil(pruneAuthData(env));
  },
} satisfies ExportedHandler<Bindings>;

/**
 * Child invocations of the profile fan-out (src/features/characters/characters.fanout.ts):
 * reached only through `ctx.exports.ProfileSections`, never from the internet.
 */
export class ProfileSections extends WorkerEntrypoint<Bindings> {
  override async fetch(request: Request): Promise<Response> {
    return childApp.fetch(request, this.env, this.ctx);
  }
}
