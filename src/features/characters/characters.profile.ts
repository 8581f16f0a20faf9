import type { Context } from "hono";
import { etagOf } from "../../cache/entry";
import type { CacheFacts, CacheStatus, Loaded } from "../../cache/public-cache";
import type { AppEnv } from "../../env";
import { ProblemError, invalidField, problemBody, type ProblemBody } from "../../lib/problem";
import { toProblem } from "../../middleware/errors";
import { earliestIn, SECTIONS, sectionsIn, type EndpointDef } from "../../upstream/endpoints";
import { isUpstreamFailure } from "../../upstream/errors";
import { SKILL_GRADES } from "../../upstream/game-data";
import type { RegionId } from "../../upstream/regions";
import { dayIsEmpty, requireData, requireSectionIn, type SectionSpec } from "./characters.service";
import { loadSections } from "./fanout";

const MAX_SECTIONS = SECTIONS.length + SKILL_GRADES.length;
const sectionByName = new Map(SECTIONS.map((def) => [def.name, def]));
const skillDef = sectionByName.get("skill")!;
const basicDef = sectionByName.get("basic")!;

const existsOn = (def: EndpointDef, region: RegionId, date: string | undefined) =>
  date === undefined || (earliestIn(def, region) ?? "") <= date;

/**
 * `sections=basic,stat,skill:6` → specs. Default: every section of the region
 * but skill that exists on the asked day. Unknown names, or a section that did
 * not exist yet on that day, are 400 with the valid choices; a section the
 * region does not have is 404 naming the region's sections.
 */
export function parseSections(raw: string | undefined, region: RegionId, date: string | undefined): SectionSpec[] {
  if (raw === undefined) {
    return sectionsIn(region)
      .filter((def) => def !== skillDef && existsOn(def, region, date))
      .map((def) => ({ key: def.name, def }));
  }
  const names = [...new Set(raw.split(",").map((s) => s.trim()).filter(Boolean))];
  if (names.length === 0) {
    throw invalidField("query.sections", { en: "sections must name at least one section.", ko: "sections에 섹션을 하나 이상 지정해 주세요." });
  }
  if (names.length > MAX_SECTIONS) {
    throw invalidField("query.sections", { en: `sections may name at most ${MAX_SECTIONS} entries.`, ko: `sections는 최대 ${MAX_SECTIONS}개까지 지정할 수 있습니다.` });
  }
  return names.map((name) => {
    const [base, grade, ...rest] = name.split(":");
    const def = sectionByName.get(base!);
    const valid = SECTIONS.map((d) => (d === skillDef ? "skill:<grade>" : d.name)).join(", ");
    if (!def || rest.length > 0 || (def === skillDef) !== (grade !== undefined)) {
      throw invalidField("query.sections", {
        en: `Unknown section "${name}". Valid: ${valid} (grades: ${SKILL_GRADES.join(", ")}).`,
        ko: `알 수 없는 섹션 "${name}"입니다. 가능한 값: ${valid} (스킬 등급: ${SKILL_GRADES.join(", ")}).`,
      });
    }
    if (grade !== undefined && !(SKILL_GRADES as readonly string[]).includes(grade)) {
      throw invalidField("query.sections", {
        en: `Unknown skill grade "${grade}". Valid: ${SKILL_GRADES.join(", ")}.`,
        ko: `알 수 없는 스킬 등급 "${grade}"입니다. 가능한 값: ${SKILL_GRADES.join(", ")}.`,
      });
    }
    requireSectionIn(def, region);
    if (!existsOn(def, region, date)) {
      const earliest = earliestIn(def, region) ?? "";
      throw invalidField("query.sections", {
        en: `Section "${def.name}" has data from ${earliest} only; ask for a later date or leave it out.`,
        ko: `"${def.name}" 섹션은 ${earliest}부터 데이터가 있습니다. 더 늦은 날짜를 지정하거나 제외해 주세요.`,
      });
    }
    return { key: name, def, grade };
  });
}

/** The shape of the profile's JSON (assembled as text: cached section bytes are never parsed). */
export interface ProfileBody {
  ocid: string;
  date: string | null;
  fetched_at: string;
  sections: Record<string, unknown>;
  errors: Record<string, ProblemBody>;
}

/** The assembled profile: its JSON, a weak ETag (when shareable) and its cache facts. */
export interface Profile extends CacheFacts {
  payload: string;
  etag?: string;
}

/**
 * Empty answers become NO_DATA where the character had no data that day: told
 * by `basic` when it was asked for, else by one load of it (only when some
 * section came back empty).
 */
async function withNoData(
  c: Context<AppEnv>,
  region: RegionId,
  ocid: string,
  date: string | undefined,
  specs: readonly SectionSpec[],
  settled: PromiseSettledResult<Loaded>[],
): Promise<PromiseSettledResult<Loaded>[]> {
  const basic = settled.find((r, i) => specs[i]!.def === basicDef && r.status === "fulfilled");
  let dayEmpty: Promise<boolean> | undefined;
  const isDayEmpty = () => (dayEmpty ??= basic?.status === "fulfilled" ? Promise.resolve(basic.value.empty) : dayIsEmpty(c, region, ocid, date));
  return Promise.allSettled(settled.map((r, i) => (r.status === "fulfilled" ? requireData(r.value, specs[i]!.def, isDayEmpty) : Promise.reject(r.reason))));
}

/** HIT when every section came from cache, STALE when any was stale, MISS otherwise (BYPASS for a refresh). */
function profileStatus(statuses: CacheStatus[]): CacheStatus {
  if (statuses.includes("BYPASS")) return "BYPASS";
  if (statuses.includes("STALE")) return "STALE";
  return statuses.length > 0 && statuses.every((s) => s === "HIT") ? "HIT" : "MISS";
}

/**
 * Loads the sections through the per-section cache (a profile whose sections are
 * all warm costs no upstream call) and assembles the answer. One failing section
 * fails only itself; when all fail alike the call answers with that error, and
 * with 502 when all fail upstream.
 */
export async function loadProfile(
  c: Context<AppEnv>,
  region: RegionId,
  ocid: string,
  date: string | undefined,
  specs: SectionSpec[],
  refresh: boolean,
): Promise<Profile> {
  const settled = await withNoData(c, region, ocid, date, specs, await loadSections(c, region, ocid, date, specs, refresh));
  // The sections' JSON goes in as it came: nothing is parsed or re-serialised.
  const sections: string[] = [];
  const errors: Record<string, ProblemBody> = {};
  const problems: ProblemError[] = [];
  const loaded: Loaded[] = [];
  settled.forEach((result, i) => {
    const key = JSON.stringify(specs[i]!.key);
    if (result.status === "fulfilled") {
      sections.push(`${key}:${result.value.payload}`);
      loaded.push(result.value);
    } else {
      const problem = toProblem(result.reason, c);
      problems.push(problem);
      sections.push(`${key}:null`);
      errors[specs[i]!.key] = problemBody(problem, c.get("language"), c.get("requestId"));
    }
  });

  if (loaded.length === 0 && problems.length > 0) {
    const first = problems[0]!;
    if (problems.every((p) => p.code === first.code)) throw first;
    if (problems.every(isUpstreamFailure)) throw new ProblemError("UPSTREAM_UNAVAILABLE");
    throw first;
  }

  const head = `{"ocid":${JSON.stringify(ocid)},"date":${JSON.stringify(date ?? null)},"fetched_at":${JSON.stringify(new Date().toISOString())},`;
  const rest = `"sections":{${sections.join(",")}},"errors":${JSON.stringify(errors)}}`;
  const min = (pick: (l: Loaded) => number) => Math.min(...loaded.map(pick));
  // A partial answer carries this request's ids and is not worth sharing: the next caller retries the failed sections.
  const shareable = problems.length === 0 && loaded.every((l) => l.shareable);
  return {
    payload: head + rest,
    cache: profileStatus(loaded.map((l) => l.cache)),
    shareable,
    // Sections of different ages (RFC 9111 §4.2.3): Age is the oldest section's, and max-age − Age is the least
    // freshness any section has left (≤ 0 once one is stale), so no cache keeps the profile fresh past a section's
    // deadline. The stale windows end with the earliest section's and count from that end of freshness.
    ageSeconds: Math.max(0, ...loaded.map((l) => l.ageSeconds)),
    maxAgeSeconds: Math.max(0, ...loaded.map((l) => l.ageSeconds)) + min((l) => l.maxAgeSeconds - l.ageSeconds),
    staleWhileRevalidateSeconds: Math.max(0, min((l) => l.maxAgeSeconds - l.ageSeconds + l.staleWhileRevalidateSeconds) - min((l) => l.maxAgeSeconds - l.ageSeconds)),
    staleIfErrorSeconds: Math.max(0, min((l) => l.maxAgeSeconds - l.ageSeconds + l.staleIfErrorSeconds) - min((l) => l.maxAgeSeconds - l.ageSeconds)),
    // Of everything after fetched_at, so the same sections make the same (weak) tag, cold or warm.
    etag: shareable ? `W/${await etagOf(rest)}` : undefined,
  };
}
