import { z } from "@hono/zod-openapi";
import { Hono, type Context, type MiddlewareHandler } from "hono";
import { fromWire, peekMany, toWire, type Loaded, type LoadedWire } from "../../cache/load";
import { inheritRefresh, refreshRequested } from "../../cache/refresh";
import { concatPayloads, payloadBytes, payloadText, type EntryMeta, type Payload } from "../../cache/entry";
import type { CacheKey } from "../../cache/keys";
import type { Tier } from "../../cache/tiers";
import { collectStores, storeAfterResponse, takeStores } from "../../cache/write-back";
import { preferredLanguage } from "../../lib/i18n";
import { subrequests, MAX_OPEN_SUBREQUESTS } from "../../cache/subrequests";
import type { AppEnv } from "../../env";
import { describeError, log } from "../../lib/logging";
import { ProblemError, type ProblemCode } from "../../lib/problem";
import { lingerThen } from "../../middleware/after-response";
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
 * 2. splits the rest into groups of at most six, loads the heaviest group itself
 *    (planGroups) and each other group in a child invocation of this same Worker: the
 *    `ProfileSections` entrypoint (src/index.ts), reached through `ctx.exports`
 *    (a service binding to ourselves), which runs `childApp` below. Each child
 *    has its own limiter, so every missing section's upstream call is in flight
 *    at once: about one round trip. Sections known to be absent skip the tiers.
 *
 * Section bytes cross from child to parent and into the response exactly as the
 * upstream sent them (src/cache/entry.ts, Payload): nothing is parsed twice or
 * re-serialised on the way.
 *
 * The parent's call to a child is itself a subrequest (it goes through the
 * parent's limiter), and the child answers with its headers at once and streams
 * its result when done. A child stores nothing: what it fetched travels to the
 * parent with the sections, and the parent stores it after its own response
 * (src/cache/write-back.ts), so no store competes with the answer. Cloudflare's
 * docs say invocations reached through service bindings are "measured from the
 * top-level request" and may share its six; if so, the children still cannot
 * deadlock the parent (its calls to them stop counting once headers arrive) and
 * the fan-out degrades to what one invocation would do, never worse. If a child
 * cannot be reached, its sections load in the parent.
 *
 * A child runs `childApp` below, not the public app: it is not a client
 * request, so it has no CORS, rate limit, request log line or metrics data point
 * of its own (the parent's log line carries its numbers). Only `ctx.exports`
 * reaches it: the public app has no such route, so from the internet it is a 404.
 */

export const CHILD_ROUTE = "/__internal/profile-sections";
export const SECTIONS_PER_INVOCATION = MAX_OPEN_SUBREQUESTS;

const sectionByName = new Map(SECTIONS.map((def) => [def.name, def]));

/**
 * A profile reads its sections from KV only (one bulk read), so that is where it
 * stores them: a Cache API copy would be a second write per section for the
 * single-section routes, which refill it from KV on their first read anyway.
 */
const PROFILE_TIERS: readonly Tier[] = ["kv"];

/** Loads every spec in this invocation, concurrently; each settles on its own. `absent[i]`: known to have no cached copy. */
export function settleHere(
  c: Context<AppEnv>,
  ocid: string,
  date: string | undefined,
  specs: readonly SectionSpec[],
  absent: readonly boolean[] = [],
): Promise<PromiseSettledResult<Loaded>[]> {
  return Promise.allSettled(
    specs.map((spec, i) => fetchSection(c, { def: spec.def, ocid, date, grade: spec.grade }, { knownMiss: absent[i], storeIn: PROFILE_TIERS })),
  );
}

// ---- child side -------------------------------------------------------------

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

/** A loaded section travels as its facts here and its bytes after the header (`length` bytes). */
type ChildResult = { ok: true; loaded: Omit<LoadedWire, "payload">; length: number } | { ok: false; problem: WireProblem };

/** A store the child leaves to the parent: its bytes are section `section`'s, or follow the sections' (`length` bytes). */
type ChildStore = { key: CacheKey; meta: EntryMeta; tiers: Tier[] } & ({ section: number } | { length: number });

interface ChildOutput {
  results: ChildResult[];
  stores: ChildStore[];
  stats: { cache_ms: number; upstream_ms: number; upstream_calls: number };
}

/**
 * The child's answer: one JSON header line, then the sections' JSON bytes back to
 * back, as they came from the upstream. Embedding them as JSON strings would
 * escape every quote of every body only to unescape it in the parent, and
 * decoding them to text only to encode them again for the response: both
 * measurably among the most expensive steps of a cold profile.
 */
function encodeOutput(header: ChildOutput, payloads: readonly Payload[]): Uint8Array<ArrayBuffer> {
  return concatPayloads([`${JSON.stringify(header)}\n`, ...payloads]);
}

const NEWLINE = 0x0a;

function decodeOutput(bytes: Uint8Array<ArrayBuffer>): { header: ChildOutput; payloads: Payload[]; storePayloads: Payload[] } {
  // JSON.stringify escapes every newline inside the header: the first one ends it.
  const newline = bytes.indexOf(NEWLINE);
  if (newline < 0) throw new Error("child answer without a header line");
  const header = JSON.parse(payloadText(bytes.subarray(0, newline))) as ChildOutput;
  let at = newline + 1;
  const next = (length: number) => bytes.subarray(at, (at += length));
  const payloads = header.results.flatMap((r) => (r.ok ? [next(r.length)] : []));
  const storePayloads = header.stores.flatMap((s) => ("length" in s ? [next(s.length)] : []));
  if (at !== bytes.length) throw new Error("child answer of the wrong length");
  return { header, payloads, storePayloads };
}

/** The sections a parent asked this child for, loaded here: the child's answer (header line, then bytes). */
async function loadForParent(c: Context<AppEnv>, input: ChildInput): Promise<Uint8Array<ArrayBuffer>> {
  inheritRefresh(c, input.refresh);
  const specs = input.sections.map(({ name, grade }) => {
    const def = sectionByName.get(name);
    if (!def) throw new Error(`unknown section ${name}`);
    return { key: name, def, grade };
  });
  const absent = input.sections.map((s) => s.absent);
  const settled = await settleHere(c, input.ocid, input.date ?? undefined, specs, absent);
  const stats = c.get("stats");
  const payloads: Uint8Array<ArrayBuffer>[] = [];
  const results = settled.map((result): ChildResult => {
    if (result.status === "fulfilled") {
      const { payload, ...loaded } = toWire(result.value);
      const bytes = payloadBytes(payload);
      payloads.push(bytes);
      return { ok: true, loaded, length: bytes.length };
    }
    const p = toProblem(result.reason, c);
    return { ok: false, problem: { code: p.code, status: p.status, detail: p.detail, headers: p.headers, extra: p.extra, errors: p.errors } };
  });
  // What this child would store, the parent stores: a section's bytes are sent once.
  const sentPayloads: Payload[] = settled.flatMap((r) => (r.status === "fulfilled" ? [r.value.payload] : []));
  const storePayloads: Uint8Array<ArrayBuffer>[] = [];
  const stores = takeStores(c).map(({ key, entry, tiers }): ChildStore => {
    const section = sentPayloads.indexOf(entry.payload);
    if (section >= 0) return { key, meta: entry.meta, tiers: [...tiers], section };
    const bytes = payloadBytes(entry.payload);
    storePayloads.push(bytes);
    return { key, meta: entry.meta, tiers: [...tiers], length: bytes.length };
  });
  const header = { results, stores, stats: { cache_ms: stats.cacheMs, upstream_ms: stats.upstreamMs, upstream_calls: stats.upstreamCalls } };
  return encodeOutput(header, [...payloads, ...storePayloads]);
}

/**
 * POST /__internal/profile-sections: loads up to six sections for a parent
 * profile request. Headers go back at once, before the input is even read: the
 * parent's call holds one of its six slots until they arrive, and its own
 * sections wait for those slots. The result follows as the body when ready; a
 * failure (bad input included) aborts the body, and the parent then loads the
 * sections itself.
 */
function loadSectionsForParent(c: Context<AppEnv>): Response {
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  const streamed = c.req
    .json()
    .then((raw) => loadForParent(c, ChildInput.parse(raw)))
    .then((out) => writer.write(out))
    .then(() => writer.close())
    .catch((err: unknown) => {
      log("error", "profile_child_error", { request_id: c.get("requestId"), ...describeError(err) });
      return writer.abort(err);
    });
  // Keeps this invocation alive (its timers included: the upstream budget may wait)
  // until the result is out, and a moment longer: it closes after its parent has answered.
  lingerThen(c, streamed);
  return c.body(readable, 200, { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" });
}

/** What a child invocation needs of the request context: its parent's request id and language, and fresh stats. */
const childContext: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.set("requestId", c.req.header("x-request-id") ?? "");
  c.set("language", preferredLanguage(c.req.header("accept-language")));
  c.set("stats", { cacheMs: 0, upstreamMs: 0, upstreamCalls: 0 });
  await next();
};

/** The app of the `ProfileSections` entrypoint (src/index.ts). A failure is a bare 500: the parent then loads the sections itself. */
export const childApp = new Hono<AppEnv>()
  .use(childContext, collectStores)
  .post(CHILD_ROUTE, loadSectionsForParent)
  .onError((err, c) => {
    log("error", "profile_child_error", { request_id: c.get("requestId"), ...describeError(err) });
    return c.text("child failed", 500);
  });

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
  refresh: boolean,
): Promise<PromiseSettledResult<Loaded>[]> {
  const body = {
    ocid,
    date: date ?? null,
    sections: specs.map((s, i) => ({ name: s.def.name, grade: s.grade, absent: absent[i] === true })),
    refresh,
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
    output = decodeOutput(new Uint8Array(await res.arrayBuffer()));
  } catch (err) {
    // The fan-out is an optimisation: without it the sections still load, just slower.
    log("warn", "profile_child_failed", { request_id: c.get("requestId"), ...describeError(err) });
    return settleHere(c, ocid, date, specs, absent);
  }
  const { header, payloads, storePayloads } = output;
  let nextStorePayload = 0;
  for (const store of header.stores) {
    const payload = "section" in store ? payloads[store.section] : storePayloads[nextStorePayload++];
    if (payload !== undefined) storeAfterResponse(c, { key: store.key, entry: { payload, meta: store.meta }, tiers: store.tiers });
  }
  const stats = c.get("stats");
  stats.cacheMs += header.stats.cache_ms;
  stats.upstreamMs += header.stats.upstream_ms;
  stats.upstreamCalls += header.stats.upstream_calls;
  let next = 0;
  return header.results.map((r) =>
    r.ok ? { status: "fulfilled", value: fromWire({ ...r.loaded, payload: payloads[next++]! }) } : { status: "rejected", reason: problemFromWire(r.problem) },
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

const typicalKiB = (spec: SectionSpec) => spec.def.typicalKiB ?? 0;

/**
 * Which specs (by index) load here and which in each child. This invocation
 * keeps the heaviest: a section's bytes cross the child hop twice over (the
 * child's answer, then the parent's read of it), and a character's equipment
 * alone is three quarters of a profile's bytes.
 */
export function planGroups(specs: readonly SectionSpec[]): { here: number[]; children: number[][] } {
  const heaviestFirst = specs.map((_, i) => i).sort((a, b) => typicalKiB(specs[b]!) - typicalKiB(specs[a]!) || a - b);
  const here = heaviestFirst.slice(0, SECTIONS_PER_INVOCATION).sort((a, b) => a - b);
  const rest = specs.map((_, i) => i).filter((i) => !here.includes(i));
  return { here, children: groupsOf(rest, Math.ceil(rest.length / SECTIONS_PER_INVOCATION)) };
}

/**
 * Loads specs here when they fit one invocation's six subrequests; else the
 * heaviest six here and the rest in child invocations of at most six each (24
 * sections: this invocation and three children). The children are called
 * first: each call holds one of this invocation's six slots only until the
 * child's headers arrive, which it sends at once.
 */
async function settleAcross(
  c: Context<AppEnv>,
  ocid: string,
  date: string | undefined,
  specs: readonly SectionSpec[],
  absent: readonly boolean[],
): Promise<PromiseSettledResult<Loaded>[]> {
  const child = specs.length > SECTIONS_PER_INVOCATION ? childEntrypoint(c) : undefined;
  if (!child) return settleHere(c, ocid, date, specs, absent);
  const refresh = await refreshRequested(c);
  const { here, children } = planGroups(specs);
  const pick = <T>(items: readonly T[], group: readonly number[]) => group.map((i) => items[i]!);
  const inChildren = children.map((group) => settleInChild(c, child, ocid, date, pick(specs, group), pick(absent, group), refresh));
  const settledGroups = await Promise.all([settleHere(c, ocid, date, pick(specs, here), pick(absent, here)), ...inChildren]);
  const settled: PromiseSettledResult<Loaded>[] = [];
  [here, ...children].forEach((group, g) => group.forEach((index, j) => (settled[index] = settledGroups[g]![j]!)));
  return settled;
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
