import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { fromWire, peekMany, toWire, type Loaded, type LoadedWire } from "../../cache/load";
import { inheritRefresh, refreshRequested } from "../../cache/refresh";
import { holdWrites, inBackground } from "../../cache/tiers";
import { subrequests, MAX_OPEN_SUBREQUESTS } from "../../cache/subrequests";
import type { AppEnv } from "../../env";
import { describeError, log } from "../../lib/logging";
import { ProblemError, type ProblemCode } from "../../lib/problem";
import { toProblem } from "../../middleware/errors";
import { SECTIONS } from "../../upstream/endpoints";
import type { SectionSpec } from "./characters.profile";
import { fetchSection, requireData, sectionLoad } from "./characters.service";

/**
 * The profile fan-out. One invocation may have only six subrequests waiting for
 * headers (src/cache/subrequests.ts), so 24 cold sections in one invocation
 * would take four upstream round trips. The profile instead:
 *
 * 1. reads every section's cached copy in one bulk KV read (one subrequest);
 *    a warm profile ends here, with no child and no upstream call;
 * 2. splits the rest into groups of at most six and loads each group in a child
 *    invocation of this same Worker: the `ProfileSections` entrypoint
 *    (src/index.ts), reached through `ctx.exports` (a service binding to
 *    ourselves), which runs the app on the internal route below. Each child has
 *    its own limiter, so every missing section's upstream call is in flight at
 *    once: about one round trip. Sections known to be absent skip the tiers.
 *
 * The parent's call to a child is itself a subrequest (it goes through the
 * parent's limiter), and the child answers with its headers at once and streams
 * its result when done; it stores what it fetched only after that. Cloudflare's
 * docs say invocations reached through service bindings are "measured from the
 * top-level request" and may share its six; if so, the children still cannot
 * deadlock the parent (its calls to them stop counting once headers arrive) and
 * the fan-out degrades to what one invocation would do, never worse. If a child
 * cannot be reached, its sections load in the parent.
 *
 * The internal route answers only requests that came in through the entrypoint,
 * which only `ctx.exports` can reach: from the internet it is a 404.
 */

export const CHILD_ROUTE = "/__internal/profile-sections";
export const SECTIONS_PER_INVOCATION = MAX_OPEN_SUBREQUESTS;

const sectionByName = new Map(SECTIONS.map((def) => [def.name, def]));

/** Loads every spec in this invocation, concurrently; each settles on its own. `absent[i]`: known to have no cached copy. */
export function settleHere(
  c: Context<AppEnv>,
  ocid: string,
  date: string | undefined,
  specs: readonly SectionSpec[],
  absent: readonly boolean[] = [],
): Promise<PromiseSettledResult<Loaded>[]> {
  return Promise.allSettled(specs.map((spec, i) => fetchSection(c, { def: spec.def, ocid, date, grade: spec.grade }, { knownMiss: absent[i] })));
}

// ---- child side -------------------------------------------------------------

const childRequests = new WeakSet<Request>();

/** Marks a request that arrived through the ProfileSections entrypoint (never from the internet). */
export function asChildRequest(request: Request): Request {
  childRequests.add(request);
  return request;
}

const ChildInput = z.object({
  ocid: z.string().regex(/^[0-9a-f]{32}$/),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).nullable(),
  sections: z.array(z.object({ name: z.string(), grade: z.string().optional(), absent: z.boolean() })).min(1).max(SECTIONS_PER_INVOCATION),
  refresh: z.boolean(),
});
type ChildInput = z.infer<typeof ChildInput>;

interface WireProblem {
  code: ProblemCode;
  status: number;
  detail: { en: string; ko: string };
  headers: Record<string, string>;
  extra?: Record<string, unknown>;
  errors?: { path: string; message: string }[];
}

/** A loaded section travels as its facts here and its bytes after the header (`length` UTF-16 units). */
type ChildResult = { ok: true; loaded: Omit<LoadedWire, "text">; length: number } | { ok: false; problem: WireProblem };

interface ChildOutput {
  results: ChildResult[];
  stats: { cache_ms: number; upstream_ms: number; upstream_calls: number };
}

/**
 * The child's answer: one JSON header line, then the sections' JSON bytes back to
 * back. Embedding them as JSON strings would escape every quote of every body
 * only to unescape it in the parent: measurably the most expensive step of a
 * cold profile.
 */
function encodeOutput(header: ChildOutput, texts: readonly string[]): string {
  return `${JSON.stringify(header)}\n${texts.join("")}`;
}

function decodeOutput(payload: string): { header: ChildOutput; texts: string[] } {
  const newline = payload.indexOf("\n");
  if (newline < 0) throw new Error("child answer without a header line");
  const header = JSON.parse(payload.slice(0, newline)) as ChildOutput;
  const texts: string[] = [];
  let at = newline + 1;
  for (const r of header.results) {
    if (!r.ok) continue;
    texts.push(payload.slice(at, at + r.length));
    at += r.length;
  }
  if (at !== payload.length) throw new Error("child answer of the wrong length");
  return { header, texts };
}

/** POST /__internal/profile-sections: loads up to six sections for a parent profile request. */
export async function loadSectionsForParent(c: Context<AppEnv>): Promise<Response> {
  if (!childRequests.has(c.req.raw)) throw new ProblemError("NOT_FOUND");
  const input: ChildInput = ChildInput.parse(await c.req.json());
  inheritRefresh(c, input.refresh);
  const releaseWrites = holdWrites(c);
  const specs = input.sections.map(({ name, grade }) => {
    const def = sectionByName.get(name);
    if (!def) throw new Error(`unknown section ${name}`);
    return { key: name, def, grade };
  });
  const absent = input.sections.map((s) => s.absent);

  const output = settleHere(c, input.ocid, input.date ?? undefined, specs, absent).then((settled) => {
    const stats = c.get("stats");
    const texts: string[] = [];
    const results = settled.map((result): ChildResult => {
      if (result.status === "fulfilled") {
        const { text, ...loaded } = toWire(result.value);
        texts.push(text);
        return { ok: true, loaded, length: text.length };
      }
      const p = toProblem(result.reason, c);
      return { ok: false, problem: { code: p.code, status: p.status, detail: p.detail, headers: p.headers, extra: p.extra, errors: p.errors } };
    });
    const header = { results, stats: { cache_ms: stats.cacheMs, upstream_ms: stats.upstreamMs, upstream_calls: stats.upstreamCalls } };
    return encodeOutput(header, texts);
  });

  // Headers now, the result when it is ready: the parent's call stops counting
  // toward its open subrequests as soon as these headers arrive.
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  const streamed = output
    .then((out) => writer.write(new TextEncoder().encode(out)))
    .then(() => writer.close())
    .catch((err: unknown) => writer.abort(err))
    .finally(releaseWrites);
  // Keeps this invocation alive (its timers included: the upstream budget may wait) until the result is out.
  inBackground(c, streamed);
  return c.body(readable, 200, { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" });
}

// ---- parent side ------------------------------------------------------------

type ChildEntrypoint = { fetch(request: Request): Promise<Response> };

function childEntrypoint(c: Context<AppEnv>): ChildEntrypoint | undefined {
  try {
    return (c.executionCtx as unknown as { exports?: { ProfileSections?: ChildEntrypoint } }).exports?.ProfileSections;
  } catch {
    return undefined;
  }
}

function problemFromWire(p: WireProblem): ProblemError {
  return new ProblemError(p.code, { status: p.status, detail: p.detail, headers: p.headers, extra: p.extra, errors: p.errors });
}

async function settleInChild(
  c: Context<AppEnv>,
  child: ChildEntrypoint,
  ocid: string,
  date: string | undefined,
  specs: readonly SectionSpec[],
  absent: readonly boolean[],
): Promise<PromiseSettledResult<Loaded>[]> {
  const body = {
    ocid,
    date: date ?? null,
    sections: specs.map((s, i) => ({ name: s.def.name, grade: s.grade, absent: absent[i] === true })),
    refresh: await refreshRequested(c),
  } satisfies ChildInput;
  // Same origin as the parent: the Cache API keys are built from it.
  const request = new Request(new URL(CHILD_ROUTE, c.req.url), {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Request-Id": c.get("requestId"), "Accept-Language": c.get("language") },
    body: JSON.stringify(body),
  });
  let output: ReturnType<typeof decodeOutput>;
  try {
    const res = await subrequests(c).run(() => child.fetch(request));
    if (!res.ok) throw new Error(`child invocation answered ${res.status}`);
    output = decodeOutput(await res.text());
  } catch (err) {
    // The fan-out is an optimisation: without it the sections still load, just slower.
    log("warn", "profile_child_failed", { request_id: c.get("requestId"), ...describeError(err) });
    return settleHere(c, ocid, date, specs, absent);
  }
  const { header, texts } = output;
  const stats = c.get("stats");
  stats.cacheMs += header.stats.cache_ms;
  stats.upstreamMs += header.stats.upstream_ms;
  stats.upstreamCalls += header.stats.upstream_calls;
  let next = 0;
  return header.results.map((r) =>
    r.ok ? { status: "fulfilled", value: fromWire({ ...r.loaded, text: texts[next++]! }) } : { status: "rejected", reason: problemFromWire(r.problem) },
  );
}

/** Splits `items` into `n` groups of near-equal size, order kept. */
function groupsOf<T>(items: readonly T[], n: number): T[][] {
  const groups: T[][] = [];
  for (let i = 0, start = 0; i < n; i++) {
    const size = Math.ceil((items.length - start) / (n - i));
    groups.push(items.slice(start, start + size));
    start += size;
  }
  return groups;
}

/** Loads specs here when they fit one invocation's six subrequests, else across child invocations of at most six each. */
async function settleAcross(
  c: Context<AppEnv>,
  ocid: string,
  date: string | undefined,
  specs: readonly SectionSpec[],
  absent: readonly boolean[],
): Promise<PromiseSettledResult<Loaded>[]> {
  const child = specs.length > SECTIONS_PER_INVOCATION ? childEntrypoint(c) : undefined;
  if (!child) return settleHere(c, ocid, date, specs, absent);
  const groups = groupsOf(
    specs.map((_, i) => i),
    Math.ceil(specs.length / SECTIONS_PER_INVOCATION),
  );
  const settled = await Promise.all(
    groups.map((group) =>
      settleInChild(
        c,
        child,
        ocid,
        date,
        group.map((i) => specs[i]!),
        group.map((i) => absent[i]!),
      ),
    ),
  );
  return settled.flat();
}

/**
 * Every spec, settled in request order. First one bulk KV read for all of them
 * (a warm profile ends there: no child, no upstream call); the rest is loaded
 * here or in child invocations, those known to have no copy going straight to
 * the upstream.
 */
export async function settleSections(
  c: Context<AppEnv>,
  ocid: string,
  date: string | undefined,
  specs: readonly SectionSpec[],
): Promise<PromiseSettledResult<Loaded>[]> {
  const peeked = await peekMany(
    c,
    specs.map((spec) => sectionLoad({ def: spec.def, ocid, date, grade: spec.grade })),
  );
  const settled = peeked.map((p): PromiseSettledResult<Loaded> | undefined => {
    if (p === undefined || p === "absent") return undefined;
    try {
      return { status: "fulfilled", value: requireData(p) };
    } catch (reason) {
      return { status: "rejected", reason };
    }
  });
  const rest = specs.map((_, i) => i).filter((i) => settled[i] === undefined);
  if (rest.length > 0) {
    const loaded = await settleAcross(
      c,
      ocid,
      date,
      rest.map((i) => specs[i]!),
      rest.map((i) => peeked[i] === "absent"),
    );
    rest.forEach((i, j) => (settled[i] = loaded[j]));
  }
  return settled as PromiseSettledResult<Loaded>[];
}
