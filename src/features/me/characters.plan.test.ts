import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { fakeUpstream } from "../../../test/fake-upstream";
import { createDb } from "../../db/client";
import { nexonKeys } from "../../db/schema";
import { WORLD_NAMES } from "../../upstream/game-data";
import {
  CHARACTER_SORTS,
  characterCountQuery,
  characterPageQuery,
  type CharacterFilters,
  type CharacterSort,
} from "./characters.query";
import { getAs, userWithKey, type UserWithKey } from "./me.test-helpers";

/**
 * With 10,000 characters for one user (and others' rows beside them), every list
 * query the route can run reads an index for that user, never the whole table.
 */
const db = createDb(env.DB);
const ROWS = 10_000;
const CLASSES = ["히어로", "팔라딘", "비숍", "나이트로드", "아크메이지(불,독)", "보우마스터", "캡틴"];

/** One INSERT … SELECT over a generated series: fast, and inside one statement. */
async function seedCharacters(userId: string, rows: number) {
  await env.DB.prepare(
    `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ?2 - 1)
     INSERT INTO nexon_characters (user_id, account_id, ocid, character_name, world_name, character_class, character_level)
     SELECT ?1, 'acc-' || (i % 3), printf('%032x', i), 'c' || i,
            json_extract(?3, '$[' || (i % CAST(?4 AS INTEGER)) || ']'), json_extract(?5, '$[' || (i % CAST(?6 AS INTEGER)) || ']'), 1 + (i * 7919) % 300
     FROM n`,
  )
    .bind(userId, rows, JSON.stringify(WORLD_NAMES), WORLD_NAMES.length, JSON.stringify(CLASSES), CLASSES.length)
    .run();
}

async function insertBareUser(id: string) {
  await env.DB.prepare(
    "INSERT INTO users (id, username, username_key, email, password_hash, password_scheme, created_at, updated_at) VALUES (?1, ?1, ?1, ?1 || '@example.com', 'x', 'x', 0, 0)",
  )
    .bind(id)
    .run();
}

async function plan(query: { toSQL: () => { sql: string; params: unknown[] } }): Promise<string[]> {
  const { sql, params } = query.toSQL();
  const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
    .bind(...params)
    .all<{ detail: string }>();
  return results.map((r) => r.detail);
}

function expectIndexSearch(details: string[]) {
  const onTable = details.filter((d) => d.includes("nexon_characters"));
  expect(onTable.length).toBeGreaterThan(0);
  for (const d of onTable) expect(d).toMatch(/^SEARCH nexon_characters USING (COVERING )?INDEX nexon_characters_\w+ \(user_id=\?/);
}

const FILTERS: Record<string, CharacterFilters> = {
  none: {},
  world: { world_name: WORLD_NAMES[1] },
  class: { character_class: CLASSES[2] },
  min_level: { min_level: 200 },
  max_level: { max_level: 100 },
  level_range: { min_level: 150, max_level: 250 },
  q: { q: "c12" },
  world_level: { world_name: WORLD_NAMES[0], min_level: 100, max_level: 200 },
  class_q: { character_class: CLASSES[0], q: "c1" },
  all: { world_name: WORLD_NAMES[3], character_class: CLASSES[4], min_level: 10, max_level: 290, q: "c" },
};

/** Filter and sort pairs one index serves in order: no sorting step at all. */
const LEVEL_SORTS: CharacterSort[] = ["-character_level", "character_level"];
const NAME_SORTS: CharacterSort[] = ["character_name", "-character_name"];
const SORT_FREE: Record<string, CharacterSort[]> = {
  none: [...CHARACTER_SORTS],
  world: [...LEVEL_SORTS, "world_name"],
  class: LEVEL_SORTS,
  min_level: LEVEL_SORTS,
  max_level: LEVEL_SORTS,
  level_range: LEVEL_SORTS,
  q: NAME_SORTS,
  world_level: [...LEVEL_SORTS, "world_name"],
};

let user: UserWithKey;
const page = { page: 3, perPage: 20, offset: 40 };

beforeAll(async () => {
  fakeUpstream();
  user = await userWithKey();
  vi.restoreAllMocks();
  await seedCharacters(user.id, ROWS);
  await db.update(nexonKeys).set({ accountsSyncedAt: Date.now() }).where(eq(nexonKeys.userId, user.id));
  // Other users' rows in the same table, so reading past this user's would show.
  for (const other of ["plan-other-1", "plan-other-2"]) {
    await insertBareUser(other);
    await seedCharacters(other, 2_000);
  }
});

afterAll(() => vi.restoreAllMocks());

describe("GET /v1/me/characters with 10,000 characters", () => {
  it("stores them all", async () => {
    const { n } = (await env.DB.prepare("SELECT count(*) AS n FROM nexon_characters WHERE user_id = ?").bind(user.id).first<{ n: number }>())!;
    expect(n).toBe(ROWS);
  });

  it("answers a deep page with the right total", async () => {
    const upstream = fakeUpstream();
    const res = await getAs(user, "/v1/me/characters?page=250&per_page=40");
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: { character_level: number }[]; total: number; total_pages: number };
    expect(body).toMatchObject({ total: ROWS, total_pages: 250 });
    expect(body.items).toHaveLength(40);
    expect(upstream.calls).toEqual([]);
  });

});

/** The same plans without table statistics (a fresh database) and with them (after ANALYZE). */
describe.each(["without table statistics", "after ANALYZE"])("list queries %s", (when) => {
  beforeAll(async () => {
    if (when === "after ANALYZE") await env.DB.prepare("ANALYZE").run();
  });

  it("count the default listing's total with an index", async () => {
    expectIndexSearch(await plan(characterCountQuery(db, user.id, {})));
  });

  for (const [name, filters] of Object.entries(FILTERS)) {
    it(`read an index for every sort with filter ${name}`, async () => {
      for (const sort of CHARACTER_SORTS) {
        const details = await plan(characterPageQuery(db, user.id, filters, sort, page));
        expectIndexSearch(details);
        if (SORT_FREE[name]?.includes(sort)) expect({ sort, details }).toEqual({ sort, details: [expect.any(String)] });
      }
      expectIndexSearch(await plan(characterCountQuery(db, user.id, filters)));
    });
  }
});
