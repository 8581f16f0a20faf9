import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { isProblem, type ProblemError } from "../../lib/problem";
import { ALLOWANCE_WINDOW_MS, type ClientAllowance } from "./object";
import { isolateAllowance, spendAllowance, type AllowanceObjects } from "./spend";

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

/** A fresh object of the real namespace, called in place (so a faked clock reaches it). */
function freshAllowance() {
  const stub = env.CLIENT_ALLOWANCE.get(env.CLIENT_ALLOWANCE.idFromName(`test:${crypto.randomUUID()}`));
  return (calls: number, perMinute: number) => runInDurableObject(stub, (instance: ClientAllowance) => instance.spend(calls, perMinute));
}

describe("ClientAllowance", () => {
  it("spends only what remains of the minute, and says when enough frees up", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const t0 = Date.parse("2026-03-10T12:00:00Z");
    vi.setSystemTime(t0);
    const spend = freshAllowance();
    expect(await spend(20, 30)).toEqual({ ok: true });
    vi.setSystemTime(t0 + 10_000);
    expect(await spend(8, 30)).toEqual({ ok: true });
    // 2 left: 5 do not fit until the first 20 leave the window (50 s from now), and nothing was spent.
    expect(await spend(5, 30)).toEqual({ ok: false, retryAfterSeconds: 50 });
    expect(await spend(2, 30)).toEqual({ ok: true });
    expect(await spend(1, 30)).toMatchObject({ ok: false });
    vi.setSystemTime(t0 + ALLOWANCE_WINDOW_MS + 1);
    expect(await spend(20, 30)).toEqual({ ok: true });
  });

  it("lets a request that costs more than the whole allowance through only on an empty window", async () => {
    const spend = freshAllowance();
    expect(await spend(50, 30)).toEqual({ ok: true });
    expect(await spend(1, 30)).toMatchObject({ ok: false });
  });
});

describe("spendAllowance", () => {
  it("answers 429 RATE_LIMITED with Retry-After when the allowance cannot cover the calls", async () => {
    const key = `client:${crypto.randomUUID()}`;
    await spendAllowance(env.CLIENT_ALLOWANCE, key, 3, 3);
    const err = await spendAllowance(env.CLIENT_ALLOWANCE, key, 1, 3).catch((e: unknown) => e);
    expect(isProblem(err, "RATE_LIMITED")).toBe(true);
    const retryAfter = Number((err as ProblemError).headers["Retry-After"]);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
  });

  it("allows the calls, and logs once, when the object cannot be reached", async () => {
    isolateAllowance.lastUnreachableLog = Number.NEGATIVE_INFINITY;
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const broken = {
      idFromName: (name: string) => env.CLIENT_ALLOWANCE.idFromName(name),
      get: () => ({ spend: () => Promise.reject(new Error("Durable Object is overloaded")) }),
    } as unknown as AllowanceObjects;
    await expect(spendAllowance(broken, "client:203.0.113.9", 5, 1)).resolves.toBeUndefined();
    await expect(spendAllowance(broken, "client:203.0.113.9", 5, 1)).resolves.toBeUndefined();
    await expect(spendAllowance(undefined, "client:203.0.113.9", 5, 1)).resolves.toBeUndefined();
    const lines = warn.mock.calls.map((args) => String(args[0])).filter((line) => line.includes("client_allowance_unreachable"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("Durable Object is overloaded");
    expect(lines[0]).not.toContain("203.0.113.9"); // never the client
  });
});
