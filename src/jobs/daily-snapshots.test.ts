import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fakeUpstream, nexonError } from "../../test/fake-upstream";
import worker from "../index";
import { SAMPLE_CHARACTERS } from "../../dev/sample-upstream";
import { runDailySnapshots } from "./daily-snapshots";

const [first, second, third] = SAMPLE_CHARACTERS;

async function seedTracking() {
  const now = Date.now();
  await env.DB.batch([
    env.DB.prepare("INSERT INTO users (id, username, username_key, email, password_hash, password_scheme, created_at, updated_at) VALUES (?, ?, ?, ?, 'x', 'x', ?, ?)").bind("u1", "alice", "alice", "a@example.com", now, now),
    env.DB.prepare("INSERT INTO users (id, username, username_key, email, password_hash, password_scheme, created_at, updated_at) VALUES (?, ?, ?, ?, 'x', 'x', ?, ?)").bind("u2", "bob", "bob", "b@example.com", now, now),
    // Two users track the same character: it is fetched once.
    env.DB.prepare("INSERT INTO tracked_characters (user_id, ocid, created_at) VALUES ('u1', ?, ?), ('u1', ?, ?), ('u2', ?, ?), ('u2', ?, ?)").bind(first!.ocid, now, second!.ocid, now, first!.ocid, now, third!.ocid, now),
  ]);
}

const snapshotCount = async () => (await env.DB.prepare("SELECT COUNT(*) AS n FROM character_snapshots").first<number>("n")) ?? 0;

beforeEach(async () => {
  await env.DB.exec("DELETE FROM character_snapshots; DELETE FROM tracked_characters; DELETE FROM users;");
  await seedTracking();
});
afterEach(() => vi.restoreAllMocks());

describe("daily snapshots (cron)", () => {
  it("stores one snapshot per distinct tracked character per day, and a second run writes nothing", async () => {
    const { calls } = fakeUpstream();
    const logs = vi.spyOn(console, "log").mockImplementation(() => {});
    const summary = await runDailySnapshots(env, { days: 2 });
    expect(summary).toMatchObject({ tracked: 3, missing: 6, written: 6, failed: 0, remaining: 0 });
    expect(await snapshotCount()).toBe(6);
    expect(calls).toHaveLength(12); // basic + stat per character-day
    const line = logs.mock.calls.map((a) => JSON.parse(String(a[0]))).find((l) => l.event === "daily_snapshots");
    expect(line).toMatchObject({ written: 6, remaining: 0 });

    const again = await runDailySnapshots(env, { days: 2 });
    expect(again).toMatchObject({ missing: 0, written: 0 });
    expect(calls).toHaveLength(12);
    expect(await snapshotCount()).toBe(6);
  });

  it("finishes what an interrupted run left", async () => {
    fakeUpstream();
    vi.spyOn(console, "log").mockImplementation(() => {});
    const cut = await runDailySnapshots(env, { days: 1, timeBudgetMs: 0 });
    expect(cut).toMatchObject({ missing: 3, written: 0, remaining: 3 });
    const resumed = await runDailySnapshots(env, { days: 1 });
    expect(resumed).toMatchObject({ missing: 3, written: 3, remaining: 0 });
  });

  it("retries a failed character on the next run without losing the others", async () => {
    vi.spyOn(console, "log").mockImplementation(() => {});
    vi.spyOn(console, "warn").mockImplementation(() => {});
    fakeUpstream((c) => (c.params.get("ocid") === second!.ocid ? nexonError("OPENAPI00009", 400) : undefined));
    const firstRun = await runDailySnapshots(env, { days: 1 });
    expect(firstRun).toMatchObject({ written: 2, failed: 1 });
    vi.restoreAllMocks();
    vi.spyOn(console, "log").mockImplementation(() => {});
    fakeUpstream();
    expect(await runDailySnapshots(env, { days: 1 })).toMatchObject({ missing: 1, written: 1, failed: 0 });
  });

  it("stays within NEXON_RPS calls in any one-second window", async () => {
    vi.spyOn(console, "log").mockImplementation(() => {});
    const stamps: number[] = [];
    fakeUpstream(() => {
      stamps.push(Date.now());
      return undefined;
    });
    await runDailySnapshots({ ...env, NEXON_RPS: "3" }, { days: 1 });
    expect(stamps).toHaveLength(6);
    for (const t of stamps) expect(stamps.filter((s) => s > t - 1000 && s <= t).length).toBeLessThanOrEqual(3);
  });

  it("runs from the Worker's scheduled handler", async () => {
    fakeUpstream();
    vi.spyOn(console, "log").mockImplementation(() => {});
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: "30 18 * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect(await snapshotCount()).toBe(9); // 3 characters × the 3 most recent published days
  });
});
