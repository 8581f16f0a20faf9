import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { expectProblem } from "../../../test/helpers";
import { fakeUpstream, nexonJson } from "../../../test/fake-upstream";
import { createDb } from "../../db/client";
import { nexonAccounts, nexonCharacters, nexonKeys } from "../../db/schema";
import { getAs, userWithKey, type UserWithKey } from "./me.test-helpers";

const db = createDb(env.DB);

interface Character {
  account_id: string;
  ocid: string;
  character_name: string;
  world_name: string;
  character_class: string;
  character_level: number;
}

interface PageBody {
  items: Character[];
  page: number;
  per_page: number;
  total: number;
  total_pages: number;
}

const WORLDS = ["스카니아", "베라", "루나"];
const CLASSES = ["히어로", "비숍", "나이트로드", "아크메이지(불,독)"];
const PREFIXES = ["Alpha", "Beta", "메이플", "Hero", "hero"];

/** 45 characters; levels repeat so ties are broken by name. */
const CHARACTERS: Character[] = Array.from({ length: 45 }, (_, i) => ({
  account_id: `acc-${i % 2}`,
  ocid: i.toString(16).padStart(32, "0"),
  character_name: `${PREFIXES[i % PREFIXES.length]}${String(i).padStart(2, "0")}`,
  world_name: WORLDS[i % WORLDS.length]!,
  character_class: CLASSES[i % CLASSES.length]!,
  character_level: 200 + ((i * 7) % 15) * 5,
}));

const byName = (a: Character, b: Character) => (a.character_name < b.character_name ? -1 : a.character_name > b.character_name ? 1 : 0);
const byLevelDesc = (a: Character, b: Character) => b.character_level - a.character_level || byName(a, b);
const SORTED: Record<string, (a: Character, b: Character) => number> = {
  "-character_level": byLevelDesc,
  character_level: (a, b) => -byLevelDesc(a, b),
  character_name: byName,
  "-character_name": (a, b) => -byName(a, b),
  world_name: (a, b) => (a.world_name < b.world_name ? -1 : a.world_name > b.world_name ? 1 : byLevelDesc(a, b)),
};

let user: UserWithKey;

async function list(query = ""): Promise<{ res: Response; body: PageBody }> {
  const res = await getAs(user, `/v1/me/characters${query}`);
  expect(res.status).toBe(200);
  return { res, body: (await res.json()) as PageBody };
}

/** rel → URL, from an RFC 8288 Link header. */
function links(res: Response): Record<string, URL> {
  const out: Record<string, URL> = {};
  for (const part of (res.headers.get("link") ?? "").split(",").filter(Boolean)) {
    const m = /^\s*<([^>]+)>;\s*rel="(\w+)"\s*$/.exec(part);
    expect(m, part).not.toBeNull();
    out[m![2]!] = new URL(m![1]!);
  }
  return out;
}

beforeAll(async () => {
  fakeUpstream();
  user = await userWithKey();
  vi.restoreAllMocks();
  await db.batch([
    db.insert(nexonAccounts).values(["acc-0", "acc-1"].map((accountId) => ({ userId: user.id, accountId, syncedAt: Date.now() }))),
    ...Array.from({ length: 5 }, (_, i) =>
      db.insert(nexonCharacters).values(
        CHARACTERS.slice(i * 9, i * 9 + 9).map((c) => ({
          userId: user.id,
          accountId: c.account_id,
          ocid: c.ocid,
          characterName: c.character_name,
          worldName: c.world_name,
          characterClass: c.character_class,
          characterLevel: c.character_level,
        })),
      ),
    ),
    db.update(nexonKeys).set({ accountsSyncedAt: Date.now() }).where(eq(nexonKeys.userId, user.id)),
  ]);
});

afterEach(() => vi.restoreAllMocks());

describe("GET /v1/me/characters pages", () => {
  it("answers the first page, highest level first, from storage and privately", async () => {
    const upstream = fakeUpstream();
    const { res, body } = await list();
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    expect(body).toEqual({
      items: [...CHARACTERS].sort(byLevelDesc).slice(0, 20),
      page: 1,
      per_page: 20,
      total: 45,
      total_pages: 3,
    });
    expect(upstream.calls).toEqual([]);

    const rel = links(res);
    expect(Object.keys(rel).sort()).toEqual(["first", "last", "next"]);
    expect(rel.next!.searchParams.get("page")).toBe("2");
    expect(rel.last!.searchParams.get("page")).toBe("3");
    expect(rel.first!.searchParams.get("page")).toBe("1");
  });

  it("walks every page through the Link header to the last one, keeping the other parameters", async () => {
    const query = `?world_name=${encodeURIComponent("스카니아")}&sort=character_name&per_page=4`;
    const expected = CHARACTERS.filter((c) => c.world_name === "스카니아").sort(byName);
    const seen: Character[] = [];
    let next: string | undefined = query;
    let pages = 0;
    while (next) {
      const { res, body } = await list(next);
      pages += 1;
      expect(body).toMatchObject({ page: pages, per_page: 4, total: expected.length, total_pages: 4 });
      seen.push(...body.items);
      const rel = links(res);
      if (pages > 1) expect(rel.prev!.searchParams.get("page")).toBe(String(pages - 1));
      else expect(rel.prev).toBeUndefined();
      for (const url of Object.values(rel)) {
        expect(url.pathname).toBe("/v1/me/characters");
        expect(url.searchParams.get("world_name")).toBe("스카니아");
        expect(url.searchParams.get("sort")).toBe("character_name");
        expect(url.searchParams.get("per_page")).toBe("4");
      }
      next = rel.next ? rel.next.search : undefined;
    }
    expect(pages).toBe(4);
    expect(seen).toEqual(expected);
  });

  it("answers a partial last page", async () => {
    const { res, body } = await list("?page=3");
    expect(body.items).toEqual([...CHARACTERS].sort(byLevelDesc).slice(40));
    expect(body).toMatchObject({ page: 3, total: 45, total_pages: 3 });
    expect(Object.keys(links(res)).sort()).toEqual(["first", "last", "prev"]);
  });

  it("answers a page past the end with no items, pointing back to the last page", async () => {
    const { res, body } = await list("?page=9&per_page=10");
    expect(body).toEqual({ items: [], page: 9, per_page: 10, total: 45, total_pages: 5 });
    const rel = links(res);
    expect(rel.next).toBeUndefined();
    expect(rel.prev!.searchParams.get("page")).toBe("5");
  });

  it("answers an empty page with no Link header when nothing matches", async () => {
    const { res, body } = await list("?q=Zed");
    expect(body).toEqual({ items: [], page: 1, per_page: 20, total: 0, total_pages: 0 });
    expect(res.headers.get("link")).toBeNull();
  });

  it.each([
    ["page=0", "query.page"],
    ["page=1.5", "query.page"],
    ["page=abc", "query.page"],
    ["per_page=0", "query.per_page"],
    ["per_page=101", "query.per_page"],
    ["world_name=Atlantis", "query.world_name"],
    ["character_class=" + "x".repeat(31), "query.character_class"],
    ["character_class=", "query.character_class"],
    ["min_level=0", "query.min_level"],
    ["max_level=301", "query.max_level"],
    ["min_level=abc", "query.min_level"],
    ["min_level=200&max_level=100", "query.max_level"],
    ["q=a%25", "query.q"],
    ["q=a_b", "query.q"],
    ["q=" + "a".repeat(13), "query.q"],
    ["sort=level", "query.sort"],
  ])("refuses %s with 400", async (query, path) => {
    const upstream = fakeUpstream();
    const problem = await expectProblem(await getAs(user, `/v1/me/characters?${query}`), 400, "VALIDATION_FAILED");
    expect((problem.errors as { path: string }[]).map((e) => e.path)).toContain(path);
    expect(upstream.calls).toEqual([]);
  });
});

describe("GET /v1/me/characters filters and sorts", () => {
  it.each(Object.keys(SORTED))("sorts by %s", async (sort) => {
    const { body } = await list(`?sort=${sort}&per_page=100`);
    expect(body.items).toEqual([...CHARACTERS].sort(SORTED[sort]));
  });

  it.each<[string, (c: Character) => boolean]>([
    [`world_name=${encodeURIComponent("베라")}`, (c) => c.world_name === "베라"],
    [`character_class=${encodeURIComponent("아크메이지(불,독)")}`, (c) => c.character_class === "아크메이지(불,독)"],
    ["min_level=250", (c) => c.character_level >= 250],
    ["max_level=220", (c) => c.character_level <= 220],
    ["min_level=230&max_level=230", (c) => c.character_level === 230],
    ["q=Hero", (c) => c.character_name.startsWith("Hero")],
    ["q=hero1", (c) => c.character_name.startsWith("hero1")],
    [`q=${encodeURIComponent("메이플")}`, (c) => c.character_name.startsWith("메이플")],
    [
      `world_name=${encodeURIComponent("루나")}&min_level=210&q=Alpha`,
      (c) => c.world_name === "루나" && c.character_level >= 210 && c.character_name.startsWith("Alpha"),
    ],
  ])("filters by %s", async (query, keep) => {
    const expected = CHARACTERS.filter(keep).sort(byLevelDesc);
    expect(expected.length).toBeGreaterThan(0);
    const { body } = await list(`?${query}&per_page=100`);
    expect(body.items).toEqual(expected);
    expect(body.total).toBe(expected.length);
  });
});

describe("GET /v1/me/characters before any sync", () => {
  it("pulls the account list first, once", async () => {
    const upstream = fakeUpstream((call) =>
      call.path === "character/list"
        ? nexonJson({
            account_list: [
              {
                account_id: "acc-x",
                character_list: [
                  { ocid: "f".repeat(32), character_name: "Solo", world_name: "베라", character_class: "비숍", character_level: 261 },
                ],
              },
            ],
          })
        : undefined,
    );
    const fresh = await userWithKey();
    const calls = upstream.calls.length;
    const res = await getAs(fresh, "/v1/me/characters");
    expect(await res.json()).toEqual({
      items: [{ account_id: "acc-x", ocid: "f".repeat(32), character_name: "Solo", world_name: "베라", character_class: "비숍", character_level: 261 }],
      page: 1,
      per_page: 20,
      total: 1,
      total_pages: 1,
    });
    expect(upstream.calls.slice(calls).map((c) => c.path)).toEqual(["character/list"]);
    expect((await getAs(fresh, "/v1/me/characters")).status).toBe(200);
    expect(upstream.calls.slice(calls).map((c) => c.path)).toEqual(["character/list"]);
  });
});
