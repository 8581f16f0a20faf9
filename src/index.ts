import { WorkerEntrypoint } from "cloudflare:workers";
import { createApp } from "./app";
import type { Bindings } from "./env";
import { fillSectionsForParent, type ChildInput, type ChildOutput } from "./features/characters/fanout";
import { runDailySnapshots } from "./jobs/daily-snapshots";
import { pruneAuthData } from "./jobs/prune-auth";

/** The deployment-wide upstream call budget, one Durable Object per NEXON key (src/upstream/budget). */
export { UpstreamBudget } from "./upstream/budget/object";
/** Each client's allowance of upstream calls per minute, one Durable Object per client key (src/runtime/allowance). */
export { ClientAllowance } from "./runtime/allowance/object";

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
 * Child invocations of the profile fan-out (src/features/characters/fanout):
 * reached only by this Worker's own RPC (`exports.ProfileSections`), never from the internet.
 */
export class ProfileSections extends WorkerEntrypoint<Bindings> {
  fillSections(input: ChildInput): Promise<ChildOutput> {
    return fillSectionsForParent(this.env, this.ctx, input);
  }
}
