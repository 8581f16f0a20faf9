import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { isProblem, type ProblemError } from "../../lib/problem";
import { NexonClient, type Fetcher } from "../client";
import { endpoint } from "../endpoints";
import { LeaseBudget, type BudgetObjects } from "./lease";
import { BUDGET_WINDOW_MS } from "./rule";

const basic = endpoint("character", "basic");
const OCID = "0123456789abcdef0123456789abcdef";
const okBody = () =>
  new Response(JSON.stringify({ date: null, character_name: "Tester", world_name: "스카니아", character_level: 280 }), {
    headers: { "content-type": "application/json" },
  });

/** A fake upstream that records when each call reached it. */
function recorder() {
  const times: number[] = [];
  const fetcher: Fetcher = async () => {
    times.push(Date.now());
    return okBody();
  };
  return { times, fetcher };
}

/** The most calls in any one-second window. */
const busiestSecond = (times: number[]) => Math.max(0, ...times.map((t) => times.filter((s) => s > t - 1000 && s <= t).length));

/** The real UPSTREAM_BUDGET namespace, counting lease requests. */
function countingObjects() {
  const real = env.UPSTREAM_BUDGET;
  const counter = { leases: 0 };
  const objects = {
    idFromName: (name: string) => real.idFromName(name),
    get: (id: DurableObjectId) => {
      const stub = real.get(id);
      return {
        lease: (rps: number, wanted: number) => {
          counter.leases += 1;
          return stub.lease(rps, wanted);
        },
      };
    },
  } as unknown as BudgetObjects;
  return { objects, counter };
}

/** A client whose calls all wait on `budget`. */
const client = (fetcher: Fetcher, rps: number, budget: LeaseBudget, deadlineMs?: number) =>
  new NexonClient({ baseUrl: "https://nexon.test", serviceKeys: { kms: "service-key" }, rps, fetcher, maxRetries: 0, deadlineMs, budget: () => budget });

afterEach(() => vi.restoreAllMocks());

describe("the deployment-wide upstream budget", () => {
  it("holds NEXON_RPS across two isolates' clients sharing one key", async () => {
    const fingerprint = `shared-${crypto.randomUUID()}`;
    const rps = 10;
    const { objects, counter } = countingObjects();
    // Two isolates: each its own lease state (and fallback), one object for the key.
    const a = new LeaseBudget(fingerprint, rps, objects);
    const b = new LeaseBudget(fingerprint, rps, objects);
    const upstream = recorder();
    const warn = vi.spyOn(console, "warn");
    const clientA = client(upstream.fetcher, rps, a);
    const clientB = client(upstream.fetcher, rps, b);

    const calls = [...Array.from({ length: 15 }, () => clientA.get(basic, { ocid: OCID }, { region: "kms" })), ...Array.from({ length: 15 }, () => clientB.get(basic, { ocid: OCID }, { region: "kms" }))];
    await Promise.all(calls);

    expect(upstream.times).toHaveLength(30);
    expect(busiestSecond(upstream.times)).toBeLessThanOrEqual(rps);
    // 30 calls at 10 per BUDGET_WINDOW_MS: at least two full windows of waiting.
    expect(Math.max(...upstream.times) - Math.min(...upstream.times)).toBeGreaterThanOrEqual(2 * BUDGET_WINDOW_MS - 50);
    // Concurrent calls share lease requests: far fewer than one per call.
    expect(counter.leases).toBeLessThan(15);
    expect(warn.mock.calls.flat().join("\n")).not.toContain("upstream_budget_unreachable");
  });

  it("answers UPSTREAM_RATE_LIMITED with Retry-After after a brief wait when the budget is spent", async () => {
    const budget = new LeaseBudget(`spent-${crypto.randomUUID()}`, 1, env.UPSTREAM_BUDGET);
    const upstream = recorder();
    const nexon = client(upstream.fetcher, 1, budget, 2_000);
    const started = Date.now();
    const results = await Promise.allSettled(Array.from({ length: 3 }, () => nexon.get(basic, { ocid: OCID }, { region: "kms" })));

    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(2);
    const failed = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(isProblem(failed.reason, "UPSTREAM_RATE_LIMITED")).toBe(true);
    expect(Number((failed.reason as ProblemError).headers["Retry-After"])).toBeGreaterThanOrEqual(1);
    // It waited for a permit (one window) before giving up, and never past its deadline.
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(BUDGET_WINDOW_MS - 50);
    expect(elapsed).toBeLessThan(2_000 + 500);
    expect(busiestSecond(upstream.times)).toBeLessThanOrEqual(1);
  });

  it("falls back to the isolate's own budget, and logs it once, when the object cannot be reached", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const broken = {
      idFromName: (name: string) => env.UPSTREAM_BUDGET.idFromName(name),
      get: () => ({
        lease: () => Promise.reject(new Error("Durable Object is overloaded")),
      }),
    } as unknown as BudgetObjects;
    const upstream = recorder();
    const nexon = new NexonClient({ baseUrl: "https://nexon.test", serviceKeys: { kms: `unreachable-${crypto.randomUUID()}` }, rps: 3, fetcher: upstream.fetcher, budgetObjects: broken });

    await Promise.all(Array.from({ length: 5 }, () => nexon.get(basic, { ocid: OCID }, { region: "kms" })));

    expect(upstream.times).toHaveLength(5);
    // The isolate budget still holds its NEXON_RPS.
    expect(busiestSecond(upstream.times)).toBeLessThanOrEqual(3);
    const lines = warn.mock.calls.map((args) => String(args[0])).filter((line) => line.includes("upstream_budget_unreachable"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("Durable Object is overloaded");
    expect(lines[0]).not.toContain("unreachable-"); // a fingerprint, never the key
  });

  it("falls back (and logs) when the binding is missing", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const upstream = recorder();
    const nexon = new NexonClient({ baseUrl: "https://nexon.test", serviceKeys: { kms: `unbound-${crypto.randomUUID()}` }, rps: 50, fetcher: upstream.fetcher });
    await nexon.get(basic, { ocid: OCID }, { region: "kms" });
    await nexon.get(basic, { ocid: OCID }, { region: "kms" });
    expect(upstream.times).toHaveLength(2);
    expect(warn.mock.calls.filter((args) => String(args[0]).includes("upstream_budget_unreachable"))).toHaveLength(1);
  });
});
