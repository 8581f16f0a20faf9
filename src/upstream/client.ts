import { z } from "@hono/zod-openapi";
import type { RequestStats } from "../env";
import { describeError, log } from "../lib/logging";
import { ProblemError } from "../lib/problem";
import { bodySchemaFor, type EndpointDef } from "./endpoints";
import { mapUpstreamError, parseRetryAfter, type UpstreamFailure } from "./errors";
import { leaseBudgetFor, type Budget, type BudgetObjects } from "./budget/lease";
import { realSleep, type Sleep } from "./rate-budget";
import { REGIONS, type RegionId } from "./regions";

export type UpstreamBody = Record<string, unknown>;

/** A validated upstream answer: its JSON text exactly as received (what the cache stores and sends), and its parsed body. */
export interface UpstreamAnswer {
  text: string;
  body: UpstreamBody;
  /** The upstream's "no data" answer (every field but `date` null or []; nexon-upstream.md §3). */
  empty: boolean;
}
export type UpstreamParams = Record<string, string | undefined>;
export type Fetcher = (request: Request) => Promise<Response>;

export interface NexonClientOptions {
  /** Host root, e.g. https://open.api.nexon.com. */
  baseUrl: string;
  /** Our service key of each region we serve, for public endpoints. */
  serviceKeys: Partial<Record<RegionId, string>>;
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
  /** Each key's budget (tests inject one); default: the deployment-wide budget in `budgetObjects`. */
  budget?: (keyFingerprint: string) => Budget;
  /** The `UPSTREAM_BUDGET` Durable Objects (src/upstream/budget); without them each isolate keeps its own budget. */
  budgetObjects?: BudgetObjects;
}

export interface CallOptions {
  region: RegionId;
  /** The user's own key: required for private endpoints, never used for public ones. */
  userKey?: string;
  /** A caller's own key for a public endpoint (the gateway): their quota pays for what they ask. */
  callerKey?: string;
  date?: string;
}

/** The upstream path of `def` in `region`, without the query: `maplestorysea/v1/character/basic`. */
export const upstreamPath = (def: EndpointDef, region: RegionId) => `${REGIONS[region].service}/v1/${def.path}`;

/** Bytes that are not UTF-8 are refused, never passed on with replacement characters. */
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/** A short non-reversible fingerprint, so budgets and logs never hold a key. */
export async function keyFingerprint(key: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(key));
  return [...new Uint8Array(digest).slice(0, 6)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The JSON type a top-level field of this schema must have, when the schema says (nullable/optional unwrapped). */
function jsonKindOf(schema: z.ZodType): string | undefined {
  if (schema instanceof z.ZodNullable || schema instanceof z.ZodOptional) return jsonKindOf(schema.unwrap() as z.ZodType);
  // `z.union([X, z.null()])`: how the generated schemas make a named object nullable.
  if (schema instanceof z.ZodUnion) {
    const kinds = new Set((schema.options as z.ZodType[]).filter((o) => !(o instanceof z.ZodNull)).map(jsonKindOf));
    return kinds.size === 1 ? [...kinds][0] : undefined;
  }
  if (schema instanceof z.ZodString || schema instanceof z.ZodEnum) return "string";
  if (schema instanceof z.ZodNumber) return "number";
  if (schema instanceof z.ZodBoolean) return "boolean";
  if (schema instanceof z.ZodArray) return "array";
  if (schema instanceof z.ZodObject) return "object";
  return undefined;
}

const kindOfValue = (value: unknown) => (value === null ? "null" : Array.isArray(value) ? "array" : typeof value);

/**
 * A coarse shape check of an answer, from the endpoint's generated schema: an
 * object, its essential field present, each known top-level field of the right
 * JSON type or null. Deliberately not a full parse: NEXON adds and reshapes
 * nested fields without notice, and a new nested field must not fail a section.
 */
function shallowSchemaOf(def: EndpointDef) {
  const fields = Object.entries(bodySchemaFor(def).shape as Record<string, z.ZodType>).flatMap(([key, field]) => {
    const kind = jsonKindOf(field);
    return kind ? [[key, kind] as const] : [];
  });
  return z.record(z.string(), z.unknown()).superRefine((body, ctx) => {
    if (def.essential && !(def.essential in body)) ctx.addIssue({ code: "custom", message: `missing ${def.essential}` });
    for (const [key, kind] of fields) {
      const value = body[key];
      if (value !== undefined && value !== null && kindOfValue(value) !== kind) ctx.addIssue({ code: "custom", path: [key], message: `not ${kind}` });
    }
  });
}

const shallowSchemas = new Map<EndpointDef, ReturnType<typeof shallowSchemaOf>>();
const shallowSchemaFor = (def: EndpointDef) => shallowSchemas.get(def) ?? shallowSchemas.set(def, shallowSchemaOf(def)).get(def)!;

/** An empty snapshot (every field but `date` null or []) means "no data that day" (nexon-upstream.md §3). */
export function isEmptyAnswer(body: UpstreamBody): boolean {
  return Object.entries(body).every(([key, value]) => key === "date" || value === null || (Array.isArray(value) && value.length === 0));
}

/**
 * The query of a call of `def`: the given params it knows, in `names` order
 * (default: as given), then `date`. The upstream URL and the cache key both
 * come from it, so they never disagree about which params count.
 */
export function upstreamQuery(def: EndpointDef, params: UpstreamParams, date: string | undefined, names = Object.keys(params)): URLSearchParams {
  const query = new URLSearchParams();
  for (const name of names) {
    const value = params[name];
    if (value !== undefined && name in def.params) query.append(name, value);
  }
  if (date !== undefined) query.append("date", date);
  return query;
}

/**
 * The NEXON Open API client: one GET per endpoint-table row, with a per-attempt
 * timeout inside an overall deadline, up to `maxRetries` retries with exponential
 * backoff and jitter on 5xx, timeouts, unreadable bodies and 429 (honouring
 * Retry-After), never on other 4xx, and never more than `rps` calls a second per key
 * across the deployment (src/upstream/budget).
 */
export class NexonClient {
  private readonly timeoutMs: number;
  private readonly deadlineMs: number;
  private readonly maxRetries: number;
  private readonly now: () => number;
  private readonly sleep: Sleep;
  private readonly random: () => number;
  /** Where every upstream path starts: the base URL's origin, with a slash. */
  readonly root: string;
  /** Each key's fingerprint, computed once per client: a profile makes 24 calls with one key. */
  private readonly fingerprints = new Map<string, Promise<string>>();

  constructor(private readonly options: NexonClientOptions) {
    this.root = new URL("/", options.baseUrl).href;
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.deadlineMs = options.deadlineMs ?? 12_000;
    this.maxRetries = options.maxRetries ?? 2;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? realSleep;
    this.random = options.random ?? Math.random;
  }

  /** The upstream URL of `def` in `region` with these parameters. */
  buildUrl(def: EndpointDef, region: RegionId, params: UpstreamParams, date?: string): string {
    const query = upstreamQuery(def, params, date).toString();
    const path = `${this.root}${upstreamPath(def, region)}`;
    return query ? `${path}?${query}` : path;
  }

  /** Whether this server has a key for `region` (a region without one is not served). */
  serves(region: RegionId): boolean {
    return Boolean(this.options.serviceKeys[region]);
  }

  /**
   * A GET of a static upstream file (a character image) under the upstream's
   * root, through the same gate and fetcher as API calls; the caller builds
   * `pathAndQuery` from parts it has checked.
   */
  async fetchStatic(pathAndQuery: string): Promise<Response> {
    const url = new URL(pathAndQuery, this.root);
    const stats = this.options.stats;
    if (stats) stats.upstreamCalls += 1;
    const started = this.now();
    const signal = AbortSignal.timeout(this.timeoutMs);
    try {
      const run = async () => {
        // Never followed: a redirect could lead anywhere, and the caller checked where this goes.
        const res = await this.options.fetcher(new Request(url, { signal, redirect: "manual" }));
        return new Response(await res.arrayBuffer(), res);
      };
      return await (this.options.gate ? this.options.gate(run) : run());
    } catch (err) {
      if (signal.aborted) throw new ProblemError("UPSTREAM_TIMEOUT");
      log("warn", "upstream_fetch_failed", { path: url.pathname, ...describeError(err) });
      throw new ProblemError("UPSTREAM_UNAVAILABLE");
    } finally {
      if (stats) stats.upstreamMs += this.now() - started;
    }
  }

  private fingerprintOf(key: string): Promise<string> {
    let fingerprint = this.fingerprints.get(key);
    if (!fingerprint) {
      fingerprint = keyFingerprint(key);
      this.fingerprints.set(key, fingerprint);
    }
    return fingerprint;
  }

  async get(def: EndpointDef, params: UpstreamParams, options: CallOptions): Promise<UpstreamBody> {
    return (await this.fetchAnswer(def, params, options)).body;
  }

  async fetchAnswer(def: EndpointDef, params: UpstreamParams, options: CallOptions): Promise<UpstreamAnswer> {
    if (def.access === "private" && !options.userKey) throw new ProblemError("NEXON_KEY_REQUIRED");
    const key = def.access === "private" ? options.userKey! : (options.callerKey ?? this.options.serviceKeys[options.region]);
    if (!key) throw regionNotServed(options.region);
    const url = this.buildUrl(def, options.region, params, options.date);
    const deadline = this.now() + this.deadlineMs;
    const budget = (this.options.budget ?? ((fp: string) => leaseBudgetFor(fp, this.options.rps, this.options.budgetObjects)))(await this.fingerprintOf(key));

    let failure: UpstreamFailure | undefined;
    for (let attempt = 0; attempt <= this.maxRetries; attempt++) {
      if (attempt > 0) {
        const backoff = 200 * 2 ** (attempt - 1) + this.random() * 100;
        const wait = Math.max(backoff, (failure?.retryAfterSeconds ?? 0) * 1000);
        if (this.now() + wait >= deadline) break;
        await this.sleep(wait);
      }
      await budget.acquire(deadline);
      const outcome = await this.attempt(def, url, key, key !== this.options.serviceKeys[options.region], deadline);
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
        return { res, bytes: await res.arrayBuffer() };
      };
      const { res, bytes } = await (this.options.gate ? this.options.gate(run) : run());
      const text = decodeJson(bytes);
      if (!res.ok) {
        const name = upstreamErrorName(text);
        const failure = mapUpstreamError(def, res.status, name, usingUserKey, text ? { status: res.status, text: text.text } : undefined);
        failure.retryAfterSeconds = parseRetryAfter(res.headers.get("retry-after"), this.now());
        if (failure.problem.code === "MISCONFIGURED" || failure.problem.code === "INTERNAL" || name === "OPENAPI00012") {
          log("error", "upstream_refused", { path: def.path, status: res.status, upstream_error: name ?? null });
        }
        return failure;
      }
      if (!text) {
        log("warn", "upstream_unreadable", { path: def.path, status: res.status });
        return { problem: new ProblemError("UPSTREAM_BAD_RESPONSE"), retryable: true };
      }
      const checked = shallowSchemaFor(def).safeParse(text.json);
      if (!checked.success) {
        log("warn", "upstream_malformed", { path: def.path });
        return { problem: new ProblemError("UPSTREAM_BAD_RESPONSE"), retryable: false };
      }
      return { text: text.text, body: checked.data, empty: isEmptyAnswer(checked.data) };
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

/** 404 NOT_FOUND: this deployment has no server key for `region` (SPEC: Regions). */
export function regionNotServed(region: RegionId): ProblemError {
  const { label } = REGIONS[region];
  return new ProblemError("NOT_FOUND", {
    detail: { en: `This server does not serve ${label}.`, ko: `이 서버는 ${label} 데이터를 제공하지 않습니다.` },
  });
}

/** The body as UTF-8 JSON (its text, a byte-order mark dropped, and its value), or undefined when it is not. */
function decodeJson(bytes: ArrayBuffer): { text: string; json: unknown } | undefined {
  try {
    const text = strictUtf8.decode(bytes);
    return { text, json: JSON.parse(text) };
  } catch {
    return undefined;
  }
}

const ErrorAnswer = z.object({ error: z.object({ name: z.string() }) });

/** `error.name` of an error answer (`{"error":{"name":"OPENAPI00004",…}}`), if it has one. */
function upstreamErrorName(decoded: { json: unknown } | undefined): string | undefined {
  const name = ErrorAnswer.safeParse(decoded?.json);
  return name.success ? name.data.error.name : undefined;
}
