import type { EndpointDef } from "./endpoints";
import { EXAMPLE_DATE, EXAMPLE_NOTICE_IDS, EXAMPLE_SKILL_GRADE, EXAMPLES } from "./examples";
import type { RegionId } from "./regions";

/**
 * The example upstream query of one row of the endpoint table in one region: the
 * region's sample character, guild or notice (examples.ts) for what the row requires,
 * and EXAMPLE_DATE when it is dated. The gateway documents these as its parameters'
 * examples, and scripts/generate-openapi-examples.mjs asks the sample upstream with
 * them for the response examples. Optional filters get none: a prefilled ranking
 * `ocid` or `world_name` would narrow what a "try it out" shows.
 */
export function exampleQuery(def: EndpointDef, region: RegionId): Record<string, string> {
  const ids = EXAMPLES[region];
  const values: Record<string, string> = {
    ocid: ids.ocid,
    character_name: ids.character_name,
    guild_name: ids.guild_name,
    world_name: ids.world_name,
    oguild_id: ids.oguild_id,
    character_skill_grade: EXAMPLE_SKILL_GRADE,
    // The upstream's default choice (SPEC: rankings default to 0).
    ranking_type: "0",
    difficulty: "0",
    count: "10",
  };
  const query: Record<string, string> = {};
  for (const name of def.required) {
    const noticeId = (EXAMPLE_NOTICE_IDS as Record<string, number>)[def.name];
    const value = name === "notice_id" && noticeId !== undefined ? String(noticeId) : values[name];
    if (value === undefined) throw new Error(`no example for ${def.path}'s required ${name}: add one to example-queries.ts`);
    query[name] = value;
  }
  // History keeps two years: EXAMPLE_DATE serves it until 2028 (test/node/openapi-examples.test.ts says when to move it).
  if (def.date.kind !== "none") query.date = EXAMPLE_DATE;
  return query;
}
