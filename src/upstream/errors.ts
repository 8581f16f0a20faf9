import { isProblem, ProblemError, type ProblemCode, type UpstreamErrorAnswer } from "../lib/problem";
import { sectionsIn, type EndpointDef } from "./endpoints";
import { REGIONS, type RegionId } from "./regions";

/** What we do with an upstream failure: the problem to answer with, and whether to try again. */
export interface UpstreamFailure {
  problem: ProblemError;
  retryable: boolean;
  /** Seconds the upstream asked us to wait (Retry-After), if it said. */
  retryAfterSeconds?: number;
}

/** Problems that are the upstream's failure, not the caller's: a stale copy may stand in for them, and a profile whose sections all fail with a mix of them answers 502. */
export const UPSTREAM_FAILURES: ReadonlySet<ProblemCode> = new Set<ProblemCode>([
  "UPSTREAM_UNAVAILABLE",
  "UPSTREAM_TIMEOUT",
  "UPSTREAM_BAD_RESPONSE",
  "UPSTREAM_RATE_LIMITED",
  "UPSTREAM_MAINTENANCE",
  "DATA_NOT_READY",
]);

export const isUpstreamFailure = (err: unknown): err is ProblemError => isProblem(err) && UPSTREAM_FAILURES.has(err.code);

const notReady = () =>
  new ProblemError("DATA_NOT_READY", { headers: { "Retry-After": "600" } });
const maintenance = () =>
  new ProblemError("UPSTREAM_MAINTENANCE", { headers: { "Retry-After": "600" } });

/**
 * Maps an upstream error (its `error.name`, else its HTTP status) to ours.
 * Keyed on the name: NEXON's message wording is not stable (nexon-upstream.md §2).
 */
export function mapUpstreamError(
  def: EndpointDef,
  status: number,
  name: string | undefined,
  usingUserKey: boolean,
  answer?: UpstreamErrorAnswer,
): UpstreamFailure {
  const failure = problemFor(def, status, name, usingUserKey);
  if (!answer) return failure;
  const { problem } = failure;
  return { ...failure, problem: new ProblemError(problem.code, { ...problem, upstream: answer }) };
}

function problemFor(def: EndpointDef, status: number, name: string | undefined, usingUserKey: boolean): UpstreamFailure {
  const keyProblem = () =>
    usingUserKey ? new ProblemError("NEXON_KEY_INVALID") : new ProblemError("MISCONFIGURED");
  switch (name) {
    case "OPENAPI00001":
      return { problem: new ProblemError("UPSTREAM_UNAVAILABLE"), retryable: true };
    case "OPENAPI00002":
    case "OPENAPI00005":
      return { problem: keyProblem(), retryable: false };
    case "OPENAPI00003":
      if (def.group === "history") {
        return {
          problem: new ProblemError("VALIDATION_FAILED", {
            detail: { en: "That cursor is not valid (or no longer valid).", ko: "cursor 값이 올바르지 않거나 만료되었습니다." },
            errors: [{ path: "query.cursor", message: "unknown cursor" }],
          }),
          retryable: false,
        };
      }
      if (def.params.oguild_id) return { problem: new ProblemError("NOT_FOUND", { detail: { en: "No guild with that id exists.", ko: "해당 ID의 길드가 없습니다." } }), retryable: false };
      return { problem: new ProblemError("CHARACTER_NOT_FOUND"), retryable: false };
    case "OPENAPI00004":
      // On /id a valid-looking name the upstream refuses means "no such character".
      if (def.path === "id") return { problem: new ProblemError("CHARACTER_NOT_FOUND"), retryable: false };
      if (def.group === "notice-detail") {
        return {
          problem: new ProblemError("NOT_FOUND", {
            detail: { en: "No such notice among the current ones.", ko: "현재 공지 목록에 없는 공지입니다." },
          }),
          retryable: false,
        };
      }
      return {
        problem: new ProblemError("VALIDATION_FAILED", {
          detail: { en: "NEXON refused one of the parameters.", ko: "NEXON이 요청 값 중 하나를 거부했습니다." },
        }),
        retryable: false,
      };
    case "OPENAPI00006":
      return { problem: new ProblemError("INTERNAL"), retryable: false };
    case "OPENAPI00007":
      return { problem: new ProblemError("UPSTREAM_RATE_LIMITED", { headers: { "Retry-After": "1" } }), retryable: true };
    case "OPENAPI00009":
      return { problem: notReady(), retryable: false };
    case "OPENAPI00010":
    case "OPENAPI00011":
      return { problem: maintenance(), retryable: false };
    case "OPENAPI00012":
      return { problem: new ProblemError("UPSTREAM_UNAVAILABLE"), retryable: false };
  }
  if (status === 429) return { problem: new ProblemError("UPSTREAM_RATE_LIMITED", { headers: { "Retry-After": "1" } }), retryable: true };
  if (status >= 500) return { problem: new ProblemError("UPSTREAM_UNAVAILABLE"), retryable: true };
  return { problem: new ProblemError("UPSTREAM_BAD_RESPONSE"), retryable: false };
}

/** Retry-After as seconds (delta-seconds or an HTTP date), if present and sane. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, (at - now) / 1000);
}

/** 404 NOT_FOUND for a character section `region` does not have, listing the ones it has (`valid_sections`). */
export function noSuchSection(name: string, region: RegionId): ProblemError {
  const valid = sectionsIn(region).map((d) => d.name);
  const shown = name.slice(0, 64);
  const where = region === "kms" ? { en: "", ko: "" } : { en: ` in ${REGIONS[region].label}`, ko: ` (${REGIONS[region].label})` };
  return new ProblemError("NOT_FOUND", {
    detail: {
      en: `There is no section "${shown}"${where.en}. Valid sections: ${valid.join(", ")}.`,
      ko: `"${shown}" 섹션은 없습니다${where.ko}. 가능한 섹션: ${valid.join(", ")}.`,
    },
    extra: { valid_sections: valid },
  });
}
