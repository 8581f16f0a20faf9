import type { Context } from "hono";
import type { CacheStatus, Loaded } from "../../cache/load";
import type { AppEnv } from "../../env";
import { ProblemError, invalidField, problemBody, type ProblemBody } from "../../lib/problem";
import { SECTIONS, type EndpointDef } from "../../upstream/endpoints";
import { SKILL_GRADES } from "../../upstream/game-data";
import { toProblem } from "../../middleware/errors";
import { fetchSection } from "./characters.service";

/** One requested entry of `sections=`: its response key, its endpoint and, for skill, the grade. */
export interface SectionSpec {
  key: string;
  def: EndpointDef;
  grade?: string;
}

const MAX_SECTIONS = SECTIONS.length + SKILL_GRADES.length;
const sectionByName = new Map(SECTIONS.map((def) => [def.name, def]));
const skillDef = sectionByName.get("skill")!;

const existsOn = (def: EndpointDef, date: string | undefined) =>
  date === undefined || def.date.kind !== "snapshot" || def.date.earliest <= date;

/**
 * `sections=basic,stat,skill:6` → specs. Default: every section but skill that
 * exists on the asked day. Unknown names, or a section that did not exist yet on
 * that day, are 400 with the valid choices.
 */
export function parseSections(raw: string | undefined, date: string | undefined): SectionSpec[] {
  if (raw === undefined) {
    return SECTIONS.filter((def) => def !== skillDef && existsOn(def, date)).map((def) => ({ key: def.name, def }));
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
    if (!existsOn(def, date)) {
      const earliest = def.date.kind === "snapshot" ? def.date.earliest : "";
      throw invalidField("query.sections", {
        en: `Section "${def.name}" has data from ${earliest} only; ask for a later date or leave it out.`,
        ko: `"${def.name}" 섹션은 ${earliest}부터 데이터가 있습니다. 더 늦은 날짜를 지정하거나 제외해 주세요.`,
      });
    }
    return { key: name, def, grade };
  });
}

export interface ProfileBody {
  ocid: string;
  date: string | null;
  fetched_at: string;
  sections: Record<string, unknown>;
  errors: Record<string, ProblemBody>;
}

export interface Profile {
  body: ProfileBody;
  cache: CacheStatus;
  ageSeconds: number;
  maxAgeSeconds: number;
}

const UPSTREAM_CODES = new Set(["UPSTREAM_UNAVAILABLE", "UPSTREAM_TIMEOUT", "UPSTREAM_BAD_RESPONSE", "UPSTREAM_RATE_LIMITED", "UPSTREAM_MAINTENANCE", "DATA_NOT_READY"]);

/** Loads every spec concurrently; settles each on its own so one failure fails only its section. */
export function settleSections(c: Context<AppEnv>, ocid: string, date: string | undefined, specs: SectionSpec[]) {
  return Promise.allSettled(specs.map((spec) => fetchSection(c, { def: spec.def, ocid, date, grade: spec.grade })));
}

export async function loadProfile(c: Context<AppEnv>, ocid: string, date: string | undefined, specs: SectionSpec[]): Promise<Profile> {
  const settled = await settleSections(c, ocid, date, specs);
  const sections: Record<string, unknown> = {};
  const errors: Record<string, ProblemBody> = {};
  const problems: ProblemError[] = [];
  const loaded: Loaded[] = [];
  settled.forEach((result, i) => {
    const key = specs[i]!.key;
    if (result.status === "fulfilled") {
      sections[key] = result.value.body;
      loaded.push(result.value);
    } else {
      const problem = toProblem(result.reason, c);
      problems.push(problem);
      sections[key] = null;
      errors[key] = problemBody(problem, c.get("language"), c.get("requestId"));
    }
  });

  if (loaded.length === 0 && problems.length > 0) {
    const first = problems[0]!;
    if (problems.every((p) => p.code === first.code)) throw first;
    if (problems.every((p) => UPSTREAM_CODES.has(p.code))) throw new ProblemError("UPSTREAM_UNAVAILABLE");
    throw first;
  }

  const statuses = loaded.map((l) => l.cache);
  const cache: CacheStatus = statuses.includes("STALE")
    ? "STALE"
    : statuses.includes("BYPASS")
      ? "BYPASS"
      : statuses.length > 0 && statuses.every((s) => s === "HIT")
        ? "HIT"
        : "MISS";
  return {
    body: { ocid, date: date ?? null, fetched_at: new Date().toISOString(), sections, errors },
    cache,
    ageSeconds: Math.max(0, ...loaded.map((l) => l.ageSeconds)),
    // A partial answer is not worth sharing: the next caller should retry the failed sections.
    maxAgeSeconds: problems.length > 0 ? 0 : Math.min(...loaded.map((l) => l.maxAgeSeconds)),
  };
}
