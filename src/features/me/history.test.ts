import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { expectProblem } from "../../../test/helpers";
import { fakeUpstream, nexonError, type UpstreamCall } from "../../../test/fake-upstream";
import { addDays, addYears } from "../../lib/calendar";
import { sampleUpstreamFetch } from "../../../dev/sample-upstream";
import { signedInUser } from "../auth/auth.test-helpers";
import { getAs, userWithKey, type UserWithKey } from "./me.test-helpers";

/** Noon KST, so "today" is fixed. */
const NOW = Date.parse("2026-03-10T12:00:00+09:00");
const TODAY = "2026-03-10";

interface HistoryBody {
  count: number;
  next_cursor: string | null;
  [list: string]: unknown;
}

/** The sample upstream, remembering what it answered to each call. */
function recordingUpstream() {
  const answers: { call: UpstreamCall; body: unknown }[] = [];
  const upstream = fakeUpstream(async (call, request) => {
    const res = await sampleUpstreamFetch(request);
    answers.push({ call, body: await res.clone().json() });
    return res;
  });
  const history = () => answers.filter((a) => a.call.path.startsWith("history/"));
  return { ...upstream, history };
}

async function history(user: UserWithKey, query: string, kind = "starforce"): Promise<HistoryBody> {
  const res = await getAs(user, `/v1/me/history/${kind}${query}`);
  expect(res.status).toBe(200);
  expect(res.headers.get("cache-control")).toBe("private, no-store");
  return (await res.json()) as HistoryBody;
}

/** A recent day on which the user's sample rows need more than one page of 10. */
async function dayWithSeveralPages(user: UserWithKey): Promise<{ date: string; first: HistoryBody }> {
  for (let back = 0; back < 60; back++) {
    const date = addDays(TODAY, -back);
    const first = await history(user, `?date=${date}&count=10`);
    if (first.next_cursor) return { date, first };
  }
  throw new Error("no day with several pages in the sample data");
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(NOW);
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("GET /v1/me/history/{kind}", () => {
  it("answers today's page by default, as NEXON sent it, with the user's key", async () => {
    const upstream = recordingUpstream();
    const user = await userWithKey();
    const body = await history(user, "");
    const [answer] = upstream.history();
    expect(answer!.call.key).toBe(user.apiKey);
    expect(Object.fromEntries(answer!.call.params)).toEqual({ count: "10", date: TODAY });
    expect(body).toEqual(answer!.body);
    expect(Array.isArray(body.starforce_history)).toBe(true);
  });

  it.each(["cube", "potential"])("answers %s history", async (kind) => {
    const upstream = recordingUpstream();
    const user = await userWithKey();
    const body = await history(user, `?date=${addDays(TODAY, -1)}&count=1000`, kind);
    expect(Array.isArray(body[`${kind}_history`])).toBe(true);
    expect(Object.fromEntries(upstream.history()[0]!.call.params)).toEqual({ count: "1000", date: addDays(TODAY, -1) });
  });

  it("pages with the upstream cursor, passed on without a date", async () => {
    const upstream = recordingUpstream();
    const user = await userWithKey();
    const { first } = await dayWithSeveralPages(user);
    const second = await history(user, `?cursor=${encodeURIComponent(first.next_cursor!)}&count=10`);
    const last = upstream.history().at(-1)!;
    expect(Object.fromEntries(last.call.params)).toEqual({ count: "10", cursor: first.next_cursor });
    expect(second).toEqual(last.body);
    expect(second.starforce_history).not.toEqual(first.starforce_history);
  });

  it("never lets one user page through another's history", async () => {
    const upstream = recordingUpstream();
    const a = await userWithKey();
    const b = await userWithKey();
    const { date, first } = await dayWithSeveralPages(a);

    const stolen = await getAs(b, `/v1/me/history/starforce?cursor=${encodeURIComponent(first.next_cursor!)}&count=10`);
    const problem = await expectProblem(stolen, 400, "VALIDATION_FAILED");
    expect(JSON.stringify(problem)).not.toContain(first.next_cursor!);

    const own = await history(b, `?date=${date}&count=10`);
    expect(own).toEqual(upstream.history().at(-1)!.body);
    for (const { call } of upstream.history()) expect([a.apiKey, b.apiKey]).toContain(call.key);
    expect(upstream.history().filter(({ call }) => call.key === b.apiKey)).toHaveLength(2);
  });

  it("keeps the cursor and key out of every log line", async () => {
    recordingUpstream();
    const user = await userWithKey();
    const { first } = await dayWithSeveralPages(user);
    const lines: string[] = [];
    for (const level of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(" ")));
    }
    await history(user, `?cursor=${encodeURIComponent(first.next_cursor!)}&count=10`);
    await getAs(user, `/v1/me/history/starforce?cursor=${"0".repeat(32)}&count=10`);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line).not.toContain(first.next_cursor!);
      expect(line).not.toContain("0".repeat(32));
      expect(line).not.toContain(user.apiKey);
    }
  });

  // One user for these: each case is refused before the key matters.
  let shared: Promise<UserWithKey> | undefined;
  const validationUser = () => (shared ??= userWithKey());

  it.each([
    [`date=${TODAY}&cursor=abc123`, "query.cursor"],
    [`date=${addDays(TODAY, 1)}`, "query.date"],
    [`date=${addDays(addYears(TODAY, -2), -1)}`, "query.date"],
    ["date=", "query.date"],
    ["date=2026-02-30", "query.date"],
    ["date=20260301", "query.date"],
    ["count=9", "query.count"],
    ["count=1001", "query.count"],
    ["count=ten", "query.count"],
    ["cursor=", "query.cursor"],
    ["cursor=abc%24def", "query.cursor"],
  ])("refuses %s with 400 before any upstream call", async (query, path) => {
    const upstream = recordingUpstream();
    const user = await validationUser();
    const problem = await expectProblem(await getAs(user, `/v1/me/history/starforce?${query}`), 400, "VALIDATION_FAILED");
    expect((problem.errors as { path: string }[]).map((e) => e.path)).toContain(path);
    expect(upstream.history()).toEqual([]);
  });

  it("accepts the first day of the two-year window and today", async () => {
    recordingUpstream();
    const user = await userWithKey();
    await history(user, `?date=${addYears(TODAY, -2)}`, "cube");
    await history(user, `?date=${TODAY}`, "cube");
  });

  it("answers an unknown kind with 404", async () => {
    const user = await signedInUser();
    await expectProblem(await getAs(user, "/v1/me/history/flame"), 404, "NOT_FOUND");
  });

  it("reports a key NEXON stopped accepting", async () => {
    let revoked = false;
    fakeUpstream(() => (revoked ? nexonError("OPENAPI00005") : undefined));
    const user = await userWithKey();
    revoked = true;
    await expectProblem(await getAs(user, "/v1/me/history/potential"), 400, "NEXON_KEY_INVALID");
  });

  it("passes upstream failures on as their problems", async () => {
    fakeUpstream((call) => (call.path.startsWith("history/") ? nexonError("OPENAPI00009") : undefined));
    const user = await userWithKey();
    vi.spyOn(console, "error").mockImplementation(() => {});
    await expectProblem(await getAs(user, "/v1/me/history/cube"), 503, "DATA_NOT_READY");
  });
});
