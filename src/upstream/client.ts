import type { RequestStats } from "../env";
import { outlineJson, type JsonOutline, type ValueKind } from "../lib/json-outline";
import { describeError, log } from "../lib/logging";
import { formQuery } from "../lib/query-params";
import { ProblemError } from "../lib/problem";
import { bodySchemaFor, type EndpointDef } from "./endpoints";
import { mapUpstreamError, parseRetryAfter, type UpstreamFailure } from "./errors";
import { budgetFor, realSleep, type CallBudget, type Sleep } from "./rate-budget";

export type UpstreamBody = Record<string, unknown>;

/**
 * A validated upstream answer: the exact bytes it came as (what the cache
 * stores and sends), checked but not parsed (src/lib/json-outline.ts says why).
 */
export interface UpstreamAnswer {
  bytes: Uint8Array<ArrayBuffer>;
  /** The upstream's "no data" answer (every field but `date` null or []; nexon-upstream.md §3). */
  empty: boolean;
}
export type UpstreamParams = Record<string, string | undefined>;
export type Fetcher = (request: Request) => Promise<Response>;

export interface NexonClientOptions {
  /** Host root, e.g. https://open.api.nexon.com (the sample upstream is just another fetcher). */
  baseUrl: string;
  /** Our service key, for public endpoints. */
  serviceKey: string;
  rps: number;
  fetcher: Fetcher;
  stats?: RequestStats;
  /** Per attempt. */
  timeoutMs?: number;
  /** For the whole call, retries included. */
  deadlineMs?: number;
  maxRetries?: number;
  /** Wraps every outbound fetch: where the six-subrequest limiter plugs in. */
  gate?: <T>(task: () => Promise<T>) => Promise<T>;
  now?: () => number;
  sleep?: Sleep;
  random?: () => number;
  budget?: (keyFingerprint: string) => CallBudget;
}

export interface CallOptions {
  /** The user's own key: required for private endpoints, never used for public ones. */
  userKey?: string;
  date?: string;
}

const API_PREFIX = "/maplestory/v1/";

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/** The decoder skipped a byte-order mark; the bytes passed on must not carry it either. */
function withoutBom(bytes: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
}

/** A short non-reversible fingerprint, so budgets and logs never hold a key. */
export async function keyFingerprint(key: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(key));
  return [...new Uint8Array(digest).slice(0, 6)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Fingerprints of the keys this isolate has used, by key: a profile makes 24 calls with one key. Bounded. */
const fingerprints = new Map<string, Promise<string>>();

function fingerprintOf(key: string): Promise<string> {
  let fingerprint = fingerprints.get(key);
  if (!fingerprint) {
    if (fingerprints.size >= 1000) fingerprints.clear();
    fingerprint = keyFingerprint(key);
    fingerprints.set(key, fingerprint);
  }
  return fingerprint;
}

/** Coarse shape check: an object, its essential field present, each known field of the right kind. */
export function isWellFormed(def: EndpointDef, outline: JsonOutline): boolean {
  if (!outline.members) return false;
  if (def.essential && !outline.members.has(def.essential)) return false;
  const kinds = fieldKindsOf(def);
  for (const [key, member] of outline.members) {
    const kind = kinds.get(key);
    if (member.kind !== "null" && kind !== undefined && member.kind !== kind) return false;
  }
  return true;
}

/** An empty snapshot (every field but `date` null or []) means "no data that day" (nexon-upstream.md §3). */
export function isEmptyAnswer(outline: JsonOutline): boolean {
  return [...(outline.members ?? [])].every(([key, member]) => key === "date" || member.kind === "null" || (member.kind === "array" && member.empty));
}

const parseBytes = (bytes: Uint8Array<ArrayBuffer>): unknown => JSON.parse(strictUtf8.decode(bytes));

/** The parsed body of an answer (it was checked: it parses). */
export function bodyOf(answer: UpstreamAnswer): UpstreamBody {
  return parseBytes(answer.bytes) as UpstreamBody;
}

interface ZodDefLike {
  type: string;
  innerType?: { _zod: { def: ZodDefLike } };
}

/** The JSON kind a field of each zod type must have (types not listed are not checked). */
const KIND_OF_ZOD_TYPE: Record<string, ValueKind> = { string: "string", enum: "string", number: "number", boolean: "boolean", array: "array", object: "object" };

const fieldKinds = new WeakMap<EndpointDef, Map<string, ValueKind>>();

/** Each known top-level field's JSON kind, read off the endpoint's schema once (every fill checks against it). */
function fieldKindsOf(def: EndpointDef): Map<string, ValueKind> {
  let kinds = fieldKinds.get(def);
  if (!kinds) {
    const shape = (bodySchemaFor(def) as unknown as { shape: Record<string, { _zod: { def: ZodDefLike } }> }).shape;
    kinds = new Map();
    for (const [key, field] of Object.entries(shape)) {
      let d: ZodDefLike | undefined = field._zod.def;
      while (d && (d.type === "nullable" || d.type === "optional")) d = d.innerType?._zod.def;
      const kind = d && KIND_OF_ZOD_TYPE[d.type];
      if (kind) kinds.set(key, kind);
    }
    fieldKinds.set(def, kinds);
  }
  return kinds;
}

/**
 * The query of a call of `def`: the given params it knows, in `names` order
 * (default: as given), then `date`. The upstream URL and the cache key both
 * come from it, so they never disagree about which params count.
 */
export function queryPairs(def: EndpointDef, params: UpstreamParams, date: string | undefined, names = Object.keys(params)): [string, string][] {
  const pairs: [string, string][] = [];
  for (const name of names) {
    const value = params[name];
    if (value !== undefined && name in def.params) pairs.push([name, value]);
  }
  if (date !== undefined) pairs.push(["date", date]);
  return pairs;
}

/** Upstream roots by base URL: a client is made per request, and a URL object costs a binding call. */
const roots = new Map<string, string>();

function rootOf(baseUrl: string): string {
  let root = roots.get(baseUrl);
  if (root === undefined) {
    root = new URL(baseUrl).origin + API_PREFIX;
    if (roots.size > 100) roots.clear();
    roots.set(baseUrl, root);
  }
  return root;
}

/**
 * The NEXON Open API client: one GET per endpoint-table row, with a per-attempt
 * timeout inside an overall deadline, up to `maxRetries` retries with exponential
 * backoff and jitter on 5xx, timeouts, unreadable bodies and 429 (honouring
 * Retry-After), never on other 4xx, and never more than `rps` calls a second per key.
 */
export class NexonClient {
  private readonly timeoutMs: number;
  private readonly deadlineMs: number;
  private readonly maxRetries: number;
  private readonly now: () => number;
  private readonly sleep: Sleep;
  private readonly random: () => number;
  /** Where every upstream path starts: the base URL's origin (API_PREFIX is absolute). */
  private readonly root: string;

  constructor(private readonly options: NexonClientOptions) {
    this.root = rootOf(options.baseUrl);
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.deadlineMs = options.deadlineMs ?? 12_000;
    this.maxRetries = options.maxRetries ?? 2;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? realSleep;
    this.random = options.random ?? Math.random;
  }

  /** The upstream URL of `def` (a string built, not a URL object: a cold profile builds 24). */
  buildUrl(def: EndpointDef, params: UpstreamParams, date?: string): string {
    const query = formQuery(queryPairs(def, params, date));
    return query ? `${this.root}${def.path}?${query}` : `${this.root}${def.path}`;
  }

  async get(def: EndpointDef, params: UpstreamParams, options: CallOptions = {}): Promise<UpstreamBody> {
    return bodyOf(await this.fetchAnswer(def, params, options));
  }

  async fetchAnswer(def: EndpointDef, params: UpstreamParams, options: CallOptions = {}): Promise<UpstreamAnswer> {
    if (def.access === "private" && !options.userKey) throw new ProblemError("NEXON_KEY_REQUIRED");
    const key = def.access === "private" ? options.userKey! : this.options.serviceKey;
    const url = this.buildUrl(def, params, options.date);
    const deadline = this.now() + this.deadlineMs;
    const budget = (this.options.budget ?? ((fp: string) => budgetFor(fp, this.options.rps)))(await fingerprintOf(key));

    let failure: UpstreamFailure | undefined;
    for (let attempt = 0; attempt <= this.maxRetries; attempt++) {
      if (attempt > 0) {
        const backoff = 200 * 2 ** (attempt - 1) + this.random() * 100;
        const wait = Math.max(backoff, (failure?.retryAfterSeconds ?? 0) * 1000);
        if (this.now() + wait >= deadline) break;
        await this.sleep(wait);
      }
      await budget.acquire(deadline);
      const outcome = await this.attempt(def, url, key, options.userKey !== undefined, deadline);
      if (!("problem" in outcome)) return outcome;
      failure = outcome;
      if (!failure.retryable) break;
    }
    throw failure!.problem;
  }

  private async attempt(
    def: EndpointDef,
    url: string,
    key: string,
    usingUserKey: boolean,
    deadline: number,
  ): Promise<UpstreamAnswer | UpstreamFailure> {
    const remaining = deadline - this.now();
    if (remaining <= 0) return { problem: new ProblemError("UPSTREAM_TIMEOUT"), retryable: false };
    // A native timer: nothing to clear, and no timer object per attempt (a cold profile makes 24).
    const signal = AbortSignal.timeout(Math.min(this.timeoutMs, remaining));
    const started = this.now();
    const stats = this.options.stats;
    if (stats) stats.upstreamCalls += 1;
    try {
      const run = async () => {
        const res = await this.options.fetcher(
          new Request(url, {
            headers: { "x-nxopen-api-key": key, accept: "application/json" },
            signal,
          }),
        );
        return { res, bytes: new Uint8Array(await res.arrayBuffer()) };
      };
      const { res, bytes } = await (this.options.gate ? this.options.gate(run) : run());
      if (!res.ok) {
        const name = upstreamErrorName(bytes);
        const failure = mapUpstreamError(def, res.status, name, usingUserKey);
        failure.retryAfterSeconds = parseRetryAfter(res.headers.get("retry-after"), this.now());
        if (failure.problem.code === "MISCONFIGURED" || failure.problem.code === "INTERNAL" || name === "OPENAPI00012") {
          log("error", "upstream_refused", { path: def.path, status: res.status, upstream_error: name ?? null });
        }
        return failure;
      }
      // Strict: bytes that are not UTF-8 JSON are never passed on as they are.
      const outline = outlineJson(bytes);
      if (!outline) {
        log("warn", "upstream_unreadable", { path: def.path, status: res.status });
        return { problem: new ProblemError("UPSTREAM_BAD_RESPONSE"), retryable: true };
      }
      if (!isWellFormed(def, outline)) {
        log("warn", "upstream_malformed", { path: def.path });
        return { problem: new ProblemError("UPSTREAM_BAD_RESPONSE"), retryable: false };
      }
      return { bytes: withoutBom(bytes), empty: isEmptyAnswer(outline) };
    } catch (err) {
      if (signal.aborted) return { problem: new ProblemError("UPSTREAM_TIMEOUT"), retryable: true };
      if (err instanceof ProblemError) return { problem: err, retryable: false };
      log("warn", "upstream_fetch_failed", { path: def.path, ...describeError(err) });
      return { problem: new ProblemError("UPSTREAM_UNAVAILABLE"), retryable: true };
    } finally {
      if (stats) stats.upstreamMs += this.now() - started;
    }
  }
}

/** `error.name` of an error answer (`{"error":{"name":"OPENAPI00004",…}}`), if it has one. */
function upstreamErrorName(bytes: Uint8Array<ArrayBuffer>): string | undefined {
  try {
    const name = (parseBytes(bytes) as { error?: { name?: unknown } } | null)?.error?.name;
    return typeof name === "string" ? name : undefined;
  } catch {
    return undefined;
  }
}
