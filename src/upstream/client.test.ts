import { describe, expect, it } from "vitest";
import type { RequestStats } from "../env";
import { isProblem } from "../lib/problem";
import { NexonClient, type Fetcher } from "./client";
import { endpoint } from "./endpoints";
import { CallBudget } from "./rate-budget";

const KMS = { region: "kms" } as const;

const basic = endpoint("character", "basic");
const OCID = "0123456789abcdef0123456789abcdef";
const basicBody = { date: null, character_name: "Tester", world_name: "스카니아", character_level: 280 };

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
const nexonError = (name: string, status: number, headers: Record<string, string> = {}) =>
  json({ error: { name, message: "upstream says no" } }, status, headers);

/** A client on a virtual clock: sleeps advance time instantly and are recorded. */
function makeClient(fetcher: Fetcher, overrides: Partial<ConstructorParameters<typeof NexonClient>[0]> = {}) {
  let now = 1_700_000_000_000;
  const sleeps: number[] = [];
  const stats: RequestStats = { cacheMs: 0, upstreamMs: 0, upstreamCalls: 0 };
  const sleep = async (ms: number) => {
    sleeps.push(ms);
    now += ms;
  };
  const client = new NexonClient({
    baseUrl: "https://nexon.test",
    serviceKeys: { kms: "service-key" },
    rps: 100,
    fetcher,
    stats,
    now: () => now,
    sleep,
    random: () => 0.5,
    budget: () => new CallBudget(100, () => now, sleep),
    ...overrides,
  });
  return { client, sleeps, stats };
}

function scripted(...responses: (() => Response | Promise<Response>)[]) {
  const requests: Request[] = [];
  const fetcher: Fetcher = async (req) => {
    requests.push(req);
    const next = responses[Math.min(requests.length - 1, responses.length - 1)]!;
    return next();
  };
  return { fetcher, requests };
}

describe("NexonClient requests", () => {
  it("sends the path, parameters, date and key header", async () => {
    const { fetcher, requests } = scripted(() => json(basicBody));
    const { client, stats } = makeClient(fetcher);
    const body = await client.get(basic, { ocid: OCID }, { region: "kms", date: "2025-01-02" });
    expect(body).toEqual(basicBody);
    const url = new URL(requests[0]!.url);
    expect(url.pathname).toBe("/maplestory/v1/character/basic");
    expect(url.searchParams.get("ocid")).toBe(OCID);
    expect(url.searchParams.get("date")).toBe("2025-01-02");
    expect(requests[0]!.headers.get("x-nxopen-api-key")).toBe("service-key");
    expect(stats.upstreamCalls).toBe(1);
  });

  it("uses the user's key for private endpoints and refuses to call without one", async () => {
    const list = endpoint("account", "characters");
    const { fetcher, requests } = scripted(() => json({ account_list: [] }));
    const { client } = makeClient(fetcher);
    await expect(client.get(list, {}, KMS)).rejects.toSatisfy((e) => isProblem(e, "NEXON_KEY_REQUIRED"));
    expect(requests).toHaveLength(0);
    await client.get(list, {}, { region: "kms", userKey: "user-key-123" });
    expect(requests[0]!.headers.get("x-nxopen-api-key")).toBe("user-key-123");
  });

  it("passes unknown upstream fields through", async () => {
    const { fetcher } = scripted(() => json({ ...basicBody, brand_new_field: { x: 1 } }));
    const { client } = makeClient(fetcher);
    expect(await client.get(basic, { ocid: OCID }, KMS)).toMatchObject({ brand_new_field: { x: 1 } });
  });
});

describe("NexonClient error mapping", () => {
  const cases: [string, number, string, number][] = [
    ["OPENAPI00001", 500, "UPSTREAM_UNAVAILABLE", 502],
    ["OPENAPI00002", 403, "MISCONFIGURED", 500],
    ["OPENAPI00003", 400, "CHARACTER_NOT_FOUND", 404],
    ["OPENAPI00004", 400, "VALIDATION_FAILED", 400],
    ["OPENAPI00005", 400, "MISCONFIGURED", 500],
    ["OPENAPI00006", 400, "INTERNAL", 500],
    ["OPENAPI00007", 429, "UPSTREAM_RATE_LIMITED", 503],
    ["OPENAPI00009", 400, "DATA_NOT_READY", 503],
    ["OPENAPI00010", 400, "UPSTREAM_MAINTENANCE", 503],
    ["OPENAPI00011", 503, "UPSTREAM_MAINTENANCE", 503],
    ["OPENAPI00012", 400, "UPSTREAM_UNAVAILABLE", 502],
  ];

  it.each(cases)("%s (HTTP %i) → %s %i", async (name, status, code, ourStatus) => {
    const { fetcher } = scripted(() => nexonError(name, status));
    const { client } = makeClient(fetcher);
    const err = await client.get(basic, { ocid: OCID }, KMS).catch((e: unknown) => e);
    expect(isProblem(err, code as never)).toBe(true);
    expect((err as { status: number }).status).toBe(ourStatus);
  });

  it("sends Retry-After with DATA_NOT_READY and maintenance", async () => {
    for (const name of ["OPENAPI00009", "OPENAPI00010"]) {
      const { client } = makeClient(scripted(() => nexonError(name, 400)).fetcher);
      const err = (await client.get(basic, { ocid: OCID }, KMS).catch((e: unknown) => e)) as { headers: Record<string, string> };
      expect(Number(err.headers["Retry-After"])).toBeGreaterThan(0);
    }
  });

  it("maps a bad key to NEXON_KEY_INVALID when it is the user's own key", async () => {
    const { client } = makeClient(scripted(() => nexonError("OPENAPI00005", 400)).fetcher);
    const err = await client.get(endpoint("account", "characters"), {}, { region: "kms", userKey: "user-key-123" }).catch((e: unknown) => e);
    expect(isProblem(err, "NEXON_KEY_INVALID")).toBe(true);
  });

  it("maps an unknown name on /id to CHARACTER_NOT_FOUND", async () => {
    const { client } = makeClient(scripted(() => nexonError("OPENAPI00004", 400)).fetcher);
    const err = await client.get(endpoint("identity", "character"), { character_name: "Nobody" }, KMS).catch((e: unknown) => e);
    expect(isProblem(err, "CHARACTER_NOT_FOUND")).toBe(true);
  });

  it("answers 502 UPSTREAM_BAD_RESPONSE for unparsable or wrongly shaped bodies", async () => {
    for (const bad of [
      () => new Response("{\"date\": nul", { status: 200 }),
      () => json(["not", "an", "object"]),
      () => json({ ...basicBody, character_level: "very high" }),
    ]) {
      const { client } = makeClient(scripted(bad).fetcher);
      const err = await client.get(basic, { ocid: OCID }, KMS).catch((e: unknown) => e);
      expect(isProblem(err, "UPSTREAM_BAD_RESPONSE")).toBe(true);
    }
  });

  it("answers 504 UPSTREAM_TIMEOUT when every attempt times out", async () => {
    const hang: Fetcher = (req) =>
      new Promise((_, reject) => req.signal.addEventListener("abort", () => reject(new Error("aborted"))));
    const { client, stats } = makeClient(hang, { timeoutMs: 5, sleep: async () => {} });
    const err = await client.get(basic, { ocid: OCID }, KMS).catch((e: unknown) => e);
    expect(isProblem(err, "UPSTREAM_TIMEOUT")).toBe(true);
    expect(stats.upstreamCalls).toBe(3);
  });
});

describe("NexonClient retries", () => {
  it("retries 5xx with exponential backoff and succeeds", async () => {
    const { fetcher, requests } = scripted(
      () => nexonError("OPENAPI00001", 500),
      () => new Response("bad gateway", { status: 502 }),
      () => json(basicBody),
    );
    const { client, sleeps } = makeClient(fetcher);
    expect(await client.get(basic, { ocid: OCID }, KMS)).toEqual(basicBody);
    expect(requests).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
    expect(sleeps[1]!).toBeGreaterThan(sleeps[0]!);
  });

  it("gives up after two retries", async () => {
    const { fetcher, requests } = scripted(() => nexonError("OPENAPI00001", 500));
    const { client } = makeClient(fetcher);
    await expect(client.get(basic, { ocid: OCID }, KMS)).rejects.toSatisfy((e) => isProblem(e, "UPSTREAM_UNAVAILABLE"));
    expect(requests).toHaveLength(3);
  });

  it("honours Retry-After on 429", async () => {
    const { fetcher } = scripted(() => nexonError("OPENAPI00007", 429, { "retry-after": "2" }), () => json(basicBody));
    const { client, sleeps } = makeClient(fetcher);
    await client.get(basic, { ocid: OCID }, KMS);
    expect(sleeps[0]).toBeGreaterThanOrEqual(2000);
  });

  it("never retries a 4xx", async () => {
    for (const name of ["OPENAPI00003", "OPENAPI00004", "OPENAPI00005", "OPENAPI00009", "OPENAPI00010"]) {
      const { fetcher, requests } = scripted(() => nexonError(name, 400));
      const { client } = makeClient(fetcher);
      await client.get(basic, { ocid: OCID }, KMS).catch(() => {});
      expect(requests).toHaveLength(1);
    }
  });

  it("does not retry past the overall deadline", async () => {
    const { fetcher, requests } = scripted(() => nexonError("OPENAPI00007", 429, { "retry-after": "60" }));
    const { client } = makeClient(fetcher, { deadlineMs: 3_000 });
    await expect(client.get(basic, { ocid: OCID }, KMS)).rejects.toSatisfy((e) => isProblem(e, "UPSTREAM_RATE_LIMITED"));
    expect(requests).toHaveLength(1);
  });
});

describe("CallBudget", () => {
  it("never lets more than rps calls into any one-second window", async () => {
    let now = 0;
    const starts: number[] = [];
    const budget = new CallBudget(3, () => now, async (ms) => {
      now += ms;
    });
    for (let i = 0; i < 10; i++) {
      await budget.acquire();
      starts.push(now);
    }
    for (const t of starts) expect(starts.filter((s) => s > t - 1000 && s <= t).length).toBeLessThanOrEqual(3);
    expect(starts.at(-1)).toBeGreaterThanOrEqual(3000);
  });

  it("is shared by a client's concurrent calls", async () => {
    // A virtual clock: time moves only when the earliest pending sleep fires.
    let now = 0;
    const timers: { at: number; fire: () => void }[] = [];
    const sleep = (ms: number) => new Promise<void>((fire) => timers.push({ at: now + ms, fire }));
    const budget = new CallBudget(2, () => now, sleep);
    const seen: number[] = [];
    const client = new NexonClient({
      baseUrl: "https://nexon.test",
      serviceKeys: { kms: "k" },
      rps: 2,
      fetcher: async () => {
        seen.push(now);
        return json(basicBody);
      },
      now: () => now,
      sleep,
      budget: () => budget,
    });
    let done = false;
    const all = Promise.all(Array.from({ length: 6 }, () => client.get(basic, { ocid: OCID }, KMS))).finally(() => (done = true));
    while (!done) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      timers.sort((a, b) => a.at - b.at);
      const next = timers.shift();
      if (next) {
        now = Math.max(now, next.at);
        next.fire();
      }
    }
    await all;
    expect(seen).toHaveLength(6);
    for (const t of seen) expect(seen.filter((s) => s > t - 1000 && s <= t).length).toBeLessThanOrEqual(2);
    expect(Math.max(...seen)).toBeGreaterThanOrEqual(2000);
  });
});

describe("the empty answer", () => {
  const emptyOf = async (def: ReturnType<typeof endpoint>, body: unknown) => {
    const { fetcher } = scripted(() => json(body));
    return (await makeClient(fetcher).client.fetchAnswer(def, { ocid: OCID }, KMS)).empty;
  };
  it("is a body with only nulls and empty lists: no data", async () => {
    expect(await emptyOf(endpoint("character", "popularity"), { date: "2025-06-18T00:00+09:00", popularity: null })).toBe(true);
    expect(await emptyOf(endpoint("character", "android-equipment"), { date: null, android_name: null, android_cash_item_equipment: [] })).toBe(true);
  });
  it("is not a skill body whose grade is missing but class is known, nor one with an empty object", async () => {
    expect(await emptyOf(endpoint("character", "skill"), { date: null, character_class: "히어로", character_skill_grade: null, character_skill: [] })).toBe(false);
    expect(await emptyOf(endpoint("character", "popularity"), { date: null, popularity: null, new_field: {} })).toBe(false);
  });
});
