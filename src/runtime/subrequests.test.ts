import { describe, expect, it } from "vitest";
import { MAX_OPEN_SUBREQUESTS, SubrequestLimiter } from "./subrequests";

/** A task that stays open until released by the test. */
function gatedTask(log: string[], name: string) {
  let release!: () => void;
  const done = new Promise<void>((resolve) => (release = resolve));
  return {
    release,
    run: async () => {
      log.push(`start ${name}`);
      await done;
      log.push(`end ${name}`);
      return name;
    },
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("SubrequestLimiter", () => {
  it("keeps six open and starts the seventh only when one of them ends", async () => {
    expect(MAX_OPEN_SUBREQUESTS).toBe(6);
    const limiter = new SubrequestLimiter();
    const log: string[] = [];
    const tasks = Array.from({ length: 9 }, (_, i) => gatedTask(log, String(i)));
    const results = tasks.map((t) => limiter.run(t.run));
    await settle();
    expect(log).toEqual(["0", "1", "2", "3", "4", "5"].map((n) => `start ${n}`));

    tasks[3]!.release();
    await settle();
    expect(log.slice(6)).toEqual(["end 3", "start 6"]);

    for (const t of tasks) t.release();
    expect(await Promise.all(results)).toEqual(tasks.map((_, i) => String(i)));
    // Never more than six started and not yet ended.
    let open = 0;
    let most = 0;
    for (const line of log) most = Math.max(most, (open += line.startsWith("start") ? 1 : -1));
    expect(most).toBe(6);
    expect(open).toBe(0);
  });

  it("frees the slot of a failed subrequest", async () => {
    const limiter = new SubrequestLimiter(1);
    await expect(limiter.run(async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(limiter.run(async () => "next")).resolves.toBe("next");
  });
});
