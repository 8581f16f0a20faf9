import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { expectProblem, jsonInit } from "../../../test/helpers";
import { fakeUpstream, nexonError, nexonJson } from "../../../test/fake-upstream";
import { createDb } from "../../db/client";
import { nexonAccounts, nexonCharacters, nexonKeys } from "../../db/schema";
import { kstToday } from "../../lib/calendar";
import { achievementBody, characterListBody } from "../../../dev/sample-upstream/private";
import { callFromNewClient, signedInUser } from "../auth/auth.test-helpers";
import { callWithLimiter, getAs, limiterRefusing, reissueToken, userWithKey } from "./me.test-helpers";

const db = createDb(env.DB);

interface AccountsBody {
  items: { account_id: string; characters: { ocid: string; character_name: string; character_level: number }[] }[];
  synced_at: string;
}

/** What the sample upstream lists for a key, in the order we answer (accounts by id, characters by level). */
function expectedAccounts(apiKey: string) {
  return characterListBody(apiKey, kstToday(Date.now()))
    .account_list.map((a) => ({
      account_id: a.account_id,
      characters: [...a.character_list].sort(
        (x, y) => y.character_level - x.character_level || (x.character_name < y.character_name ? -1 : 1),
      ),
    }))
    .sort((a, b) => (a.account_id < b.account_id ? -1 : 1));
}

const storedCharacters = (userId: string) => db.select().from(nexonCharacters).where(eq(nexonCharacters.userId, userId));
const storedAccounts = (userId: string) => db.select().from(nexonAccounts).where(eq(nexonAccounts.userId, userId));
const listCalls = (calls: { path: string }[]) => calls.filter((c) => c.path === "character/list").length;

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("routes that need a registered key", () => {
  it.each(["/v1/me/accounts", "/v1/me/characters", "/v1/me/achievements", "/v1/me/history/starforce"])(
    "%s answers 409 NEXON_KEY_REQUIRED without one, and 401 without a token",
    async (path) => {
      const upstream = fakeUpstream();
      const user = await signedInUser();
      await expectProblem(await getAs(user, path), 409, "NEXON_KEY_REQUIRED");
      await expectProblem(await callFromNewClient(path), 401, "UNAUTHENTICATED");
      expect(upstream.calls).toEqual([]);
    },
  );
});

describe("GET /v1/me/accounts", () => {
  it("answers the key owner's accounts with their characters, privately, and stores them", async () => {
    const upstream = fakeUpstream();
    const user = await userWithKey();
    const res = await getAs(user, "/v1/me/accounts");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    const body = (await res.json()) as AccountsBody;
    expect(body.items).toEqual(expectedAccounts(user.apiKey));
    expect(new Date(body.synced_at).toISOString()).toBe(body.synced_at);
    expect(upstream.calls.filter((c) => c.path === "character/list").every((c) => c.key === user.apiKey)).toBe(true);

    const stored = await storedCharacters(user.id);
    expect(stored.map((c) => c.ocid).sort()).toEqual(body.items.flatMap((a) => a.characters.map((c) => c.ocid)).sort());
    expect((await storedAccounts(user.id)).map((a) => a.accountId).sort()).toEqual(body.items.map((a) => a.account_id));
  });

  it("keeps an account without characters", async () => {
    fakeUpstream((call) =>
      call.path === "character/list" ? nexonJson({ account_list: [{ account_id: "acc-empty", character_list: [] }] }) : undefined,
    );
    const user = await userWithKey();
    const body = (await (await getAs(user, "/v1/me/accounts")).json()) as AccountsBody;
    expect(body.items).toEqual([{ account_id: "acc-empty", characters: [] }]);
  });

  it("pulls the list again only once an hour has passed, or on refresh=true", async () => {
    const upstream = fakeUpstream();
    const start = Date.now();
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(start);
    let user = await userWithKey();
    const callsAfterPut = listCalls(upstream.calls);

    const first = (await (await getAs(user, "/v1/me/accounts")).json()) as AccountsBody;
    expect(listCalls(upstream.calls)).toBe(callsAfterPut + 1);
    expect(first.synced_at).toBe(new Date(start).toISOString());

    vi.setSystemTime(start + 59 * 60_000);
    user = await reissueToken(user);
    const cached = (await (await getAs(user, "/v1/me/accounts")).json()) as AccountsBody;
    expect(listCalls(upstream.calls)).toBe(callsAfterPut + 1);
    expect(cached).toEqual(first);

    const forced = await getAs(user, "/v1/me/accounts?refresh=true");
    expect(forced.status).toBe(200);
    expect(listCalls(upstream.calls)).toBe(callsAfterPut + 2);
    expect(((await forced.json()) as AccountsBody).synced_at).toBe(new Date(start + 59 * 60_000).toISOString());

    vi.setSystemTime(start + 59 * 60_000 + 60 * 60_000);
    user = await reissueToken(user);
    const stale = (await (await getAs(user, "/v1/me/accounts")).json()) as AccountsBody;
    expect(listCalls(upstream.calls)).toBe(callsAfterPut + 3);
    expect(stale.synced_at).toBe(new Date(start + 119 * 60_000).toISOString());
  });

  it("rate-limits refresh=true per user, and only that", async () => {
    fakeUpstream();
    const user = await userWithKey();
    const limiter = limiterRefusing("accounts-refresh:", 1);
    const get = (path: string) => callWithLimiter(limiter, path, { headers: user.auth });
    expect((await get("/v1/me/accounts?refresh=true")).status).toBe(200);
    const res = await get("/v1/me/accounts?refresh=true");
    await expectProblem(res, 429, "RATE_LIMITED");
    expect(res.headers.get("retry-after")).toBe("60");
    expect(limiter.limit).toHaveBeenCalledWith({ key: `accounts-refresh:${user.id}` });
    expect((await get("/v1/me/accounts")).status).toBe(200);
  });

  it("refuses a refresh value other than true or false", async () => {
    fakeUpstream();
    const user = await userWithKey();
    await expectProblem(await getAs(user, "/v1/me/accounts?refresh=yes"), 400, "VALIDATION_FAILED");
  });

  it("reports a key NEXON stopped accepting as NEXON_KEY_INVALID", async () => {
    let revoked = false;
    fakeUpstream(() => (revoked ? nexonError("OPENAPI00005") : undefined));
    const user = await userWithKey();
    revoked = true;
    const problem = await expectProblem(await getAs(user, "/v1/me/accounts"), 400, "NEXON_KEY_INVALID");
    expect(problem.detail).toMatch(/no longer/);
    expect(JSON.stringify(problem)).not.toContain(user.apiKey);
    await expectProblem(await getAs(user, "/v1/me/achievements"), 400, "NEXON_KEY_INVALID");
  });

  it("replaces the stored list in one batch: a failed write leaves the previous list whole", async () => {
    fakeUpstream();
    const user = await userWithKey();
    const first = (await (await getAs(user, "/v1/me/accounts")).json()) as AccountsBody;
    const before = { characters: await storedCharacters(user.id), accounts: await storedAccounts(user.id) };
    const syncedBefore = (await db.select().from(nexonKeys).where(eq(nexonKeys.userId, user.id)).get())!.accountsSyncedAt;

    // The database refuses this user's new character rows, after the batch has already deleted the old ones.
    const trigger = `refuse_characters_${user.id.replaceAll("-", "_")}`;
    await env.DB.prepare(
      `CREATE TRIGGER ${trigger} BEFORE INSERT ON nexon_characters WHEN NEW.user_id = '${user.id}' ` +
        "BEGIN SELECT RAISE(ABORT, 'refused by test'); END",
    ).run();
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      await expectProblem(await getAs(user, "/v1/me/accounts?refresh=true"), 500, "INTERNAL");
      expect(errors).toHaveBeenCalled();
    } finally {
      await env.DB.prepare(`DROP TRIGGER ${trigger}`).run();
    }

    expect(await storedCharacters(user.id)).toEqual(before.characters);
    expect(await storedAccounts(user.id)).toEqual(before.accounts);
    expect((await db.select().from(nexonKeys).where(eq(nexonKeys.userId, user.id)).get())!.accountsSyncedAt).toBe(syncedBefore);
    expect(await (await getAs(user, "/v1/me/accounts")).json()).toEqual(first);
  });

  it("refuses a malformed upstream list with 502 and keeps the previous list", async () => {
    let broken = false;
    fakeUpstream((call) =>
      broken && call.path === "character/list"
        ? nexonJson({ account_list: [{ account_id: "acc-1", character_list: [{ ocid: "x", character_name: null, world_name: "스카니아", character_class: "히어로", character_level: 200 }] }] })
        : undefined,
    );
    const user = await userWithKey();
    const first = (await (await getAs(user, "/v1/me/accounts")).json()) as AccountsBody;
    broken = true;
    vi.spyOn(console, "warn").mockImplementation(() => {});
    vi.spyOn(console, "error").mockImplementation(() => {});
    await expectProblem(await getAs(user, "/v1/me/accounts?refresh=true"), 502, "UPSTREAM_BAD_RESPONSE");
    broken = false;
    expect(await (await getAs(user, "/v1/me/accounts")).json()).toEqual(first);
  });

  it("stores a character listed under two accounts once, under the first", async () => {
    const character = { ocid: "a".repeat(32), character_name: "Twice", world_name: "스카니아", character_class: "히어로", character_level: 250 };
    fakeUpstream((call) =>
      call.path === "character/list"
        ? nexonJson({
            account_list: [
              { account_id: "acc-1", character_list: [character] },
              { account_id: "acc-2", character_list: [character] },
            ],
          })
        : undefined,
    );
    const user = await userWithKey();
    const body = (await (await getAs(user, "/v1/me/accounts")).json()) as AccountsBody;
    expect(body.items).toEqual([
      { account_id: "acc-1", characters: [character] },
      { account_id: "acc-2", characters: [] },
    ]);
  });

  it("answers 409 NEXON_KEY_REQUIRED, never another user's key, when a stored key does not decrypt for its row", async () => {
    const upstream = fakeUpstream();
    const a = await userWithKey();
    const b = await userWithKey();
    const rowA = (await db.select().from(nexonKeys).where(eq(nexonKeys.userId, a.id)).get())!;
    await db.update(nexonKeys).set({ ciphertext: rowA.ciphertext }).where(eq(nexonKeys.userId, b.id));
    vi.spyOn(console, "error").mockImplementation(() => {});
    const callsBefore = upstream.calls.length;
    const problem = await expectProblem(await getAs(b, "/v1/me/accounts"), 409, "NEXON_KEY_REQUIRED");
    expect(problem.detail).toContain("Register it again");
    expect(upstream.calls.slice(callsBefore)).toEqual([]);
  });
});

describe("one user's Nexon data is never another's", () => {
  it("answers each user from their own key", async () => {
    const upstream = fakeUpstream();
    const a = await userWithKey();
    const b = await userWithKey();

    const accountsA = (await (await getAs(a, "/v1/me/accounts")).json()) as AccountsBody;
    const accountsB = (await (await getAs(b, "/v1/me/accounts")).json()) as AccountsBody;
    expect(accountsA.items).toEqual(expectedAccounts(a.apiKey));
    expect(accountsB.items).toEqual(expectedAccounts(b.apiKey));
    expect(accountsA.items.map((x) => x.account_id)).not.toEqual(accountsB.items.map((x) => x.account_id));

    const ocidsOf = async (user: typeof a) =>
      ((await (await getAs(user, "/v1/me/characters?per_page=100")).json()) as { items: { ocid: string }[] }).items
        .map((c) => c.ocid)
        .sort();
    expect(await ocidsOf(a)).toEqual(accountsA.items.flatMap((x) => x.characters.map((c) => c.ocid)).sort());
    expect(await ocidsOf(b)).toEqual(accountsB.items.flatMap((x) => x.characters.map((c) => c.ocid)).sort());

    const achievementsA = await (await getAs(a, "/v1/me/achievements")).json();
    const achievementsB = await (await getAs(b, "/v1/me/achievements")).json();
    expect(achievementsA).not.toEqual(achievementsB);

    // Every upstream call went out with the caller's own key.
    const keys = new Set(upstream.calls.map((c) => c.key));
    expect(keys).toEqual(new Set([a.apiKey, b.apiKey]));
  });
});

describe("GET /v1/me/achievements", () => {
  it("answers NEXON's achievements for the user's key, privately and never from a cache", async () => {
    const upstream = fakeUpstream();
    const user = await userWithKey();
    const res = await getAs(user, "/v1/me/achievements");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    expect(await res.json()).toEqual(achievementBody(user.apiKey, kstToday(Date.now())));

    const before = upstream.calls.filter((c) => c.path === "user/achievement").length;
    expect((await getAs(user, "/v1/me/achievements")).status).toBe(200);
    expect(upstream.calls.filter((c) => c.path === "user/achievement")).toHaveLength(before + 1);
  });

  it("passes upstream outages on as their problems", async () => {
    fakeUpstream((call) => (call.path === "user/achievement" ? nexonError("OPENAPI00010") : undefined));
    const user = await userWithKey();
    vi.spyOn(console, "error").mockImplementation(() => {});
    await expectProblem(await getAs(user, "/v1/me/achievements"), 503, "UPSTREAM_MAINTENANCE");
  });
});

describe("DELETE /v1/me", () => {
  it("leaves no nexon_* rows behind", async () => {
    fakeUpstream();
    const user = await userWithKey();
    expect((await getAs(user, "/v1/me/accounts")).status).toBe(200);
    expect(await storedCharacters(user.id)).not.toEqual([]);

    const res = await callFromNewClient("/v1/me", jsonInit("DELETE", { password: user.password }, user.auth));
    expect(res.status).toBe(204);
    const left = await db.batch([
      db.select().from(nexonKeys).where(eq(nexonKeys.userId, user.id)),
      db.select().from(nexonAccounts).where(eq(nexonAccounts.userId, user.id)),
      db.select().from(nexonCharacters).where(eq(nexonCharacters.userId, user.id)),
    ]);
    for (const rows of left) expect(rows).toEqual([]);
  });
});
