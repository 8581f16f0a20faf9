import { z } from "@hono/zod-openapi";
import { wholeNumberParam } from "../lib/number-param";
import { invalidField } from "../lib/problem";
import { EXAMPLE_DATE, EXAMPLE_NOTICE_IDS, EXAMPLE_SKILL_GRADE, EXAMPLES } from "./examples";
import { RANKING_CLASSES, SKILL_GRADES, WORLD_NAMES } from "./game-data";
import { ALL_WORLD_NAMES, DEFAULT_REGION, REGION_IDS, REGIONS, type RegionId } from "./regions";

/** Parameter schemas shared by the endpoint table and our routes; messages say what is valid. */

export const ocidParam = z
  .string()
  .regex(/^[0-9a-fA-F]{32}$/, "must be a character ocid: 32 hexadecimal characters")
  .transform((v) => v.toLowerCase())
  .openapi({ description: "Character identifier (ocid)", example: EXAMPLES.kms.ocid });

export const oguildIdParam = z
  .string()
  .regex(/^[0-9a-fA-F]{32}$/, "must be a guild id: 32 hexadecimal characters")
  .transform((v) => v.toLowerCase())
  .openapi({ description: "Guild identifier (oguild_id)", example: EXAMPLES.kms.oguild_id });

/** `region=kms|msea|tms`: which game's data (SPEC: Regions); default KMS, so every KMS URL reads as before. */
export const regionParam = z
  .enum(REGION_IDS)
  .default(DEFAULT_REGION)
  .openapi({
    description: "Game region: `kms` (Korea, KST), `msea` (South East Asia, UTC+8) or `tms` (Taiwan, UTC+8). Default `kms`.",
    example: DEFAULT_REGION,
  });

/**
 * Character and guild names: 1–12 characters of any region's alphabet (ASCII
 * letters and digits, Hangul syllables, CJK ideographs). Which of those a name
 * may use depends on its region: `checkNameIn` after parsing.
 */
const GAME_NAME = /^[A-Za-z0-9가-힣\p{Script=Han}]+$/u;
const gameNameParam = (description: string, example: string) =>
  z
    .string()
    .min(1, "must not be empty")
    .max(12, "must be at most 12 characters")
    .regex(GAME_NAME, "may contain only letters (A–Z, a–z), digits, Hangul syllables (가–힣) and, in TMS, CJK ideographs")
    .openapi({
      description: `${description}. KMS: ${REGIONS.kms.nameRule.en}; MSEA: ${REGIONS.msea.nameRule.en}; TMS: ${REGIONS.tms.nameRule.en}.`,
      example,
      // The generator writes a flagged regex as "^…$/u", which matches nothing: the pattern alone (JSON Schema regexes are Unicode).
      pattern: GAME_NAME.source,
    });

/** 400 unless `name` follows `region`'s name rule (checked before any upstream call). */
export function checkNameIn(region: RegionId, name: string, field: string): void {
  const { namePattern, nameRule, label } = REGIONS[region];
  if (!namePattern.test(name)) {
    throw invalidField(field, { en: `A ${label} name is ${nameRule.en}.`, ko: `${label} 이름은 ${nameRule.ko}여야 합니다.` });
  }
}

/** 400 unless `world` is one of `region`'s worlds. */
export function checkWorldIn(region: RegionId, world: string, field: string): void {
  const { worlds, label } = REGIONS[region];
  if (!worlds.includes(world)) {
    throw invalidField(field, { en: `${label} worlds are: ${worlds.join(", ")}.`, ko: `${label} 월드는 ${worlds.join(", ")}입니다.` });
  }
}

export const characterNameParam = gameNameParam("Character name", EXAMPLES.kms.character_name);
export const guildNameParam = gameNameParam("Guild name", EXAMPLES.kms.guild_name);

/** Format only; which days are allowed depends on the endpoint (see dates.ts). */
export const dateParam = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date written YYYY-MM-DD (KST)")
  .openapi({ description: "A day in KST (YYYY-MM-DD). Omit for the latest data.", example: EXAMPLE_DATE });

/** On every public data route (one definition, so the rule reads the same everywhere). */
export const refreshParam = z
  .enum(["true", "false"])
  .optional()
  .openapi({
    description:
      "`true` skips the fresh cached copy and asks the upstream again (signed-in users only, rate-limited; " +
      "anonymous callers get 401). The answer is `private, no-store` with `X-Cache: BYPASS`, and refreshes the shared copy.",
    // No example: docs UIs prefill examples, and an anonymous "try it out" would then get 401.
  });

/** A KMS world (rankings exist only in KMS). */
export const worldNameParam = z.enum(WORLD_NAMES).openapi({ description: "World name" });
/** A world of any region (guild lookup); `checkWorldIn` holds it to the asked region's. */
export const anyWorldNameParam = z.enum(ALL_WORLD_NAMES).openapi({ description: "World name (of the asked region)", example: EXAMPLES.kms.world_name });
export const rankingClassParam = z.enum(RANKING_CLASSES).openapi({ description: "Job group and job, e.g. 전사-히어로" });
export const skillGradeParam = z.enum(SKILL_GRADES).openapi({ description: "Skill grade (job advancement)", example: EXAMPLE_SKILL_GRADE });

export const pageParam = wholeNumberParam(1, 100_000, "Page number, 1-based (200 rows a page)");
export const worldTypeParam = z.enum(["0", "1"]).openapi({ description: "0: normal worlds, 1: Eos/Helios (ignored with world_name)" });
export const rankingTypeParam = z.enum(["0", "1", "2"]).openapi({ description: "0: weekly fame, 1: flag race, 2: underground waterway" });
export const difficultyParam = z.enum(["0", "1"]).openapi({ description: "0: normal, 1: mastery" });
// A coerced number also accepts null (→ 0), which the generator reads as "optional": say it is required.
export const noticeIdParam = wholeNumberParam(0, 2_147_483_647, "Notice id from a notice list").openapi({ param: { required: true }, example: EXAMPLE_NOTICE_IDS.general });
export const historyCountParam = wholeNumberParam(10, 1000, "Rows per page (10–1000)");
export const cursorParam = z
  .string()
  .min(1)
  .max(512)
  .regex(/^[A-Za-z0-9_\-=.:]+$/, "must be a next_cursor value from a previous page")
  .openapi({ description: "next_cursor from the previous page" });
