import type { Filled } from "../../../cache/public-cache";
import type { Bindings } from "../../../env";
import { describeError, log } from "../../../lib/logging";
import { isProblem, problemData, ProblemError, type ProblemData } from "../../../lib/problem";
import { Services } from "../../../middleware/services";
import { backgroundOf } from "../../../runtime/background";
import { SECTIONS } from "../../../upstream/endpoints";
import type { RegionId } from "../../../upstream/regions";
import { sectionLoad } from "../characters.service";

/** What a parent profile asks a child invocation for: the upstream answers of up to six sections. */
export interface ChildInput {
  /** The parent's serving origin (cache keys are built from it). */
  origin: string;
  requestId: string;
  region: RegionId;
  ocid: string;
  date?: string;
  sections: { name: string; grade?: string }[];
  refresh: boolean;
}

/** One section's fill (its entry and whether the child started it), or its problem. */
export type ChildResult = { ok: true; filled: Filled } | { ok: false; problem: ProblemData };

export interface ChildOutput {
  results: ChildResult[];
  /** The child's upstream calls and times, added to the parent's log line. */
  stats: { cacheMs: number; upstreamMs: number; upstreamCalls: number };
}

const sectionByName = new Map(SECTIONS.map((def) => [def.name, def]));

/**
 * Runs in a child invocation (`ProfileSections.fillSections`, src/index.ts):
 * the upstream calls of the sections it is given, concurrently under its own
 * six-subrequest limiter, shared with identical calls in its isolate. It stores
 * nothing: the parent stores what was fetched after its own response.
 */
export async function fillSectionsForParent(env: Bindings, ctx: ExecutionContext, input: ChildInput): Promise<ChildOutput> {
  const services = new Services({ env, background: backgroundOf(ctx), origin: input.origin, holdDeferred: false });
  const results = await Promise.all(
    input.sections.map(async ({ name, grade }): Promise<ChildResult> => {
      try {
        const def = sectionByName.get(name);
        if (!def) throw new Error(`unknown section ${name}`);
        const filled = await services.cache.fill(sectionLoad({ def, region: input.region, ocid: input.ocid, date: input.date, grade }), { refresh: input.refresh });
        return { ok: true, filled };
      } catch (err) {
        if (!isProblem(err)) log("error", "profile_child_error", { request_id: input.requestId, ...describeError(err) });
        return { ok: false, problem: problemData(isProblem(err) ? err : new ProblemError("INTERNAL")) };
      }
    }),
  );
  return { results, stats: { ...services.stats } };
}
