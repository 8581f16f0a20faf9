/**
 * The OpenAPI document's examples are the sample upstream's own data, and stay so:
 * the values in src/upstream/examples.ts exist there, EXAMPLE_DATE is a day every
 * dated endpoint has data, the generated response examples are current, and no
 * optional parameter carries an example that would change what a "try it out" asks.
 * (test/openapi-examples-replay.test.ts calls every anonymous operation with them.)
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as sample from "../../dev/sample-upstream";
import { OUTPUT, renderExamples } from "../../scripts/generate-openapi-examples.mjs";
import { createApp } from "../../src/app";
import { addDays, clockParts } from "../../src/lib/calendar";
import * as endpoints from "../../src/upstream/endpoints";
import * as queries from "../../src/upstream/example-queries";
import * as examples from "../../src/upstream/examples";
import { UPSTREAM_EXAMPLES } from "../../src/upstream/examples.generated";
import { NOTICE_TYPES, SKILL_GRADES } from "../../src/upstream/game-data";
import * as regions from "../../src/upstream/regions";
import { anonymousGets, exampleOf, type OpenApiDocument } from "../openapi-document";

const { EXAMPLE_DATE, EXAMPLE_NOTICE_IDS, EXAMPLE_NOTICE_TYPE, EXAMPLE_SECTIONS, EXAMPLE_SKILL_GRADE, EXAMPLES } = examples;
const { REGION_IDS, REGIONS } = regions;

describe("example values", () => {
  it.each(REGION_IDS)("%s: the character and guild are the sample upstream's, the character in the guild", (region) => {
    const ex = EXAMPLES[region];
    const character = sample.sampleCharactersIn(region).find((c) => c.ocid === ex.ocid);
    expect(character, `no ${region} sample character has ocid ${ex.ocid}`).toBeDefined();
    expect({ name: character!.character_name, world: character!.world_name, guild: character!.character_guild_name }).toEqual({
      name: ex.character_name,
      world: ex.world_name,
      guild: ex.guild_name,
    });
    expect(sample.sampleGuildIn(region)).toEqual({ guild_name: ex.guild_name, world_name: ex.world_name, oguild_id: ex.oguild_id });
    // Every section has data: no empty android (nor, in KMS, ring exchange) answer.
    expect(character!.has_android).toBe(true);
    if (region === "kms") expect(character!.has_ring_exchange).toBe(true);
  });

  it("notices, skill grade and sections exist in the sample upstream", () => {
    for (const type of NOTICE_TYPES) expect(sample.SAMPLE_NOTICE_IDS[type]).toContain(EXAMPLE_NOTICE_IDS[type]);
    expect(NOTICE_TYPES).toContain(EXAMPLE_NOTICE_TYPE);
    expect(SKILL_GRADES).toContain(EXAMPLE_SKILL_GRADE);
    for (const key of EXAMPLE_SECTIONS.split(",")) {
      const [name, grade] = key.split(":");
      const def = endpoints.SECTIONS.find((d) => d.name === name);
      expect(def, key).toBeDefined();
      expect(endpoints.regionsOf(def!), `${key} is in every region`).toEqual([...REGION_IDS]);
      if (grade !== undefined) expect(SKILL_GRADES).toContain(grade);
    }
  });

  it("EXAMPLE_DATE is a past day on which every dated endpoint has data in every region", () => {
    for (const def of endpoints.ENDPOINTS.filter((d) => d.date.kind !== "none")) {
      for (const region of endpoints.regionsOf(def)) {
        expect(EXAMPLE_DATE >= (endpoints.earliestIn(def, region) ?? ""), `${def.path} in ${region} starts later`).toBe(true);
      }
    }
    for (const region of REGION_IDS) {
      const character = sample.sampleCharactersIn(region).find((c) => c.ocid === EXAMPLES[region].ocid)!;
      expect(EXAMPLE_DATE > character.date_create).toBe(true);
      const today = clockParts(Date.now(), REGIONS[region].utcOffsetMinutes).date;
      expect(EXAMPLE_DATE < today, `${EXAMPLE_DATE} is not yet a finished day in ${region}`).toBe(true);
      // History keeps the last two years (nexon-upstream.md): past that, move EXAMPLE_DATE to a recent past day and regenerate.
      expect(EXAMPLE_DATE > addDays(today, -730), "EXAMPLE_DATE left the two years history keeps: move it and run node scripts/generate-openapi-examples.mjs").toBe(true);
    }
  });
});

describe("generated response examples", () => {
  it("are current (node scripts/generate-openapi-examples.mjs writes the same file)", async () => {
    const text = await renderExamples({ sample, endpoints, regions, queries, examples });
    // A boolean, not the 100 KiB diff.
    expect(text === readFileSync(OUTPUT, "utf8"), "src/upstream/examples.generated.ts is stale: run node scripts/generate-openapi-examples.mjs").toBe(true);
  });

  it("show data: every dated body has values besides its date", () => {
    for (const def of endpoints.ENDPOINTS.filter((d) => d.date.kind === "snapshot")) {
      for (const region of endpoints.regionsOf(def)) {
        const body = UPSTREAM_EXAMPLES[def.path]?.[region];
        const values = Object.entries(body ?? {}).filter(([k, v]) => k !== "date" && v !== null && !(Array.isArray(v) && v.length === 0));
        expect(values.length, `${def.path} in ${region} is empty`).toBeGreaterThan(0);
      }
    }
  });
});

/** Optional parameters whose example only picks a valid, ordinary request: a day, a region, a board, defaults. */
const HARMLESS_OPTIONAL = new Set(["date", "from", "to", "region", "sections", "type", "action", "emotion", "wmotion"]);

describe("the document's examples", async () => {
  const res = await createApp().request("https://api.test/openapi.json", {}, { CORS_ALLOWED_ORIGINS: "" });
  const operations = anonymousGets((await res.json()) as OpenApiDocument);

  it("no optional parameter of an anonymous operation carries an example that changes what it asks (refresh, filters)", () => {
    const offending = operations.flatMap(({ path, op }) =>
      (op.parameters ?? [])
        .filter((p) => p.in === "query" && !p.required && !HARMLESS_OPTIONAL.has(p.name) && exampleOf(p) !== undefined)
        .map((p) => `${path} ${p.name}`),
    );
    expect(offending).toEqual([]);
  });

  it("every anonymous JSON 200 but /health carries a response example", () => {
    const missing = operations
      .filter(({ path, op }) => path !== "/health" && op.responses["200"]?.content?.["application/json"] && op.responses["200"].content["application/json"].example === undefined)
      .map(({ path }) => path);
    expect(missing).toEqual([]);
  });
});
