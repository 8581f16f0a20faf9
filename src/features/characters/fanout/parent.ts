import type { Context } from "hono";
import type { Filled, Loaded, LoadRequest, Peeked } from "../../../cache/public-cache";
import type { Tier } from "../../../cache/tiers";
import { getConfig } from "../../../config";
import type { AppEnv } from "../../../env";
import { describeError, log } from "../../../lib/logging";
import { ProblemError, problemFromData } from "../../../lib/problem";
import { sectionLoad, type SectionSpec } from "../characters.service";
import type { ChildInput, ChildOutput } from "./child";
import { planFanout } from "./plan";
import type { RegionId } from "../../../upstream/regions";

/**
 * A profile reads its sections from KV only (one bulk read), so that is where it
 * stores them: a Cache API copy would be a second write per section for the
 * single-section routes, which refill it from KV on their first read anyway.
 */
const PROFILE_TIERS: readonly Tier[] = ["kv"];

interface ProfileChild {
  fillSections(input: ChildInput): Promise<ChildOutput>;
}

/** This Worker's own `ProfileSections` entrypoint (src/index.ts), unless child invocations are switched off or unavailable. */
function childEntrypoint(c: Context<AppEnv>): ProfileChild | undefined {
  if (!getConfig(c.env).profile.childInvocations) return undefined;
  try {
    return c.executionCtx.exports?.ProfileSections;
  } catch {
    // No execution context (a bare `app.request`).
    return undefined;
  }
}

/** Fills `requests` in one child invocation; if the child cannot be reached, here instead. */
function fillInChild(c: Context<AppEnv>, child: ProfileChild, input: Omit<ChildInput, "sections">, specs: readonly SectionSpec[], requests: readonly LoadRequest[]): Promise<Filled>[] {
  const { cache, subrequests, stats } = c.var.services;
  const output = subrequests.run(() => child.fillSections({ ...input, sections: specs.map((s) => ({ name: s.def.name, grade: s.grade })) }));
  const answered = output.then(
    (out) => {
      stats.cacheMs += out.stats.cacheMs;
      stats.upstreamMs += out.stats.upstreamMs;
      stats.upstreamCalls += out.stats.upstreamCalls;
      return out.results;
    },
    (err: unknown) => {
      // The fan-out is an optimisation: without it the sections still load, just slower.
      log("warn", "profile_child_failed", { request_id: input.requestId, ...describeError(err) });
      return undefined;
    },
  );
  return requests.map(async (request, i) => {
    const result = (await answered)?.[i];
    if (!result) return cache.fill(request, { refresh: input.refresh });
    if (!result.ok) throw problemFromData(result.problem);
    return result.filled;
  });
}

/** The upstream answers of `requests`: here, or across child invocations when there are more than one invocation's six. */
function fillAcross(
  c: Context<AppEnv>,
  region: RegionId,
  ocid: string,
  date: string | undefined,
  specs: readonly SectionSpec[],
  requests: readonly LoadRequest[],
  refresh: boolean,
): Promise<Filled>[] {
  const { cache } = c.var.services;
  const plan = planFanout(specs);
  const child = plan.children.length > 0 ? childEntrypoint(c) : undefined;
  if (!child) return requests.map((request) => cache.fill(request, { refresh }));
  const input = { origin: new URL(c.req.url).origin, requestId: c.get("requestId"), region, ocid, date, refresh };
  const fills: Promise<Filled>[] = [];
  // Children first: their calls take this invocation's slots before its own sections do.
  for (const group of plan.children) {
    const filled = fillInChild(c, child, input, group.map((i) => specs[i]!), group.map((i) => requests[i]!));
    group.forEach((index, j) => (fills[index] = filled[j]!));
  }
  for (const index of plan.here) fills[index] = cache.fill(requests[index]!, { refresh });
  return fills;
}

/**
 * Every section of a profile as the upstream answered it (empty answers
 * included), settled in request order, in about one upstream
 * round trip. One bulk KV read first (a warm profile ends there: no child, no
 * upstream call); then every missing section's upstream call at once, spread
 * over this invocation and child invocations of this Worker (plan.ts), since
 * one invocation may have only six subrequests open; those calls are charged to
 * the client's allowance first (429 RATE_LIMITED if it cannot cover them all). What was fetched is
 * stored in KV by this invocation once its response is out.
 *
 * @example
 * const settled = await loadSections(c, "kms", ocid, undefined, parseSections("basic,stat", "kms", undefined), false);
 */
export async function loadSections(
  c: Context<AppEnv>,
  region: RegionId,
  ocid: string,
  date: string | undefined,
  specs: readonly SectionSpec[],
  refresh: boolean,
): Promise<PromiseSettledResult<Loaded>[]> {
  const { cache } = c.var.services;
  const requests = specs.map((spec) => sectionLoad({ def: spec.def, region, ocid, date, grade: spec.grade }));
  const peeked: Peeked[] = refresh ? requests.map(() => ({ miss: true })) : await cache.peekMany(requests, PROFILE_TIERS);
  const missing = specs.map((_, i) => i).filter((i) => "miss" in peeked[i]!);
  // The client pays for the whole request's upstream calls at once, before any is made (children never charge).
  await cache.charge(missing.length);
  const fills = fillAcross(
    c,
    region,
    ocid,
    date,
    missing.map((i) => specs[i]!),
    missing.map((i) => requests[i]!),
    refresh,
  );
  const loads = peeked.map((peek, i) => {
    if ("hit" in peek) return Promise.resolve(peek.hit);
    // Remembered as unknown moments ago (public-cache.ts): the same 404, no upstream call.
    if ("notFound" in peek) return Promise.reject(new ProblemError("CHARACTER_NOT_FOUND"));
    const filled = fills[missing.indexOf(i)]!;
    return cache.settle(requests[i]!, filled, { refresh, fallback: peek.fallback, tiers: PROFILE_TIERS });
  });
  return Promise.allSettled(loads);
}
