import { describe, expect, it } from "vitest";
import { isProblem } from "../lib/problem";
import { resolveDate } from "./dates";
import { endpoint } from "./endpoints";

/** An instant given as KST wall-clock time. */
const kst = (iso: string) => Date.parse(`${iso}+09:00`);
const snapshot = endpoint("character", "basic");
const ranking = endpoint("ranking", "overall");
const history = endpoint("history", "starforce");

const refused = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return isProblem(e, "VALIDATION_FAILED") ? (e.detail.en as string) : "other error";
  }
  return null;
};

describe("resolveDate: snapshot endpoints", () => {
  const at = kst("2026-03-10T12:00:00");
  it("accepts the earliest day and refuses the day before, naming the valid range", () => {
    expect(resolveDate(snapshot, "kms", "2023-12-21", at)).toBe("2023-12-21");
    expect(refused(() => resolveDate(snapshot, "kms", "2023-12-20", at))).toContain("from 2023-12-21 to 2026-03-09");
  });
  it("refuses today and future days", () => {
    expect(refused(() => resolveDate(snapshot, "kms", "2026-03-10", at))).toContain("02:00 KST");
    expect(refused(() => resolveDate(snapshot, "kms", "2027-01-01", at))).not.toBeNull();
  });
  it("allows yesterday only from 02:00 KST", () => {
    expect(refused(() => resolveDate(snapshot, "kms", "2026-03-09", kst("2026-03-10T01:59:00")))).not.toBeNull();
    expect(resolveDate(snapshot, "kms", "2026-03-08", kst("2026-03-10T01:59:00"))).toBe("2026-03-08");
    expect(resolveDate(snapshot, "kms", "2026-03-09", kst("2026-03-10T02:00:00"))).toBe("2026-03-09");
  });
  it("uses the KST day, not the UTC one", () => {
    // 2026-03-09 18:00 UTC is already 2026-03-10 03:00 in KST: yesterday (KST) is 03-09.
    expect(resolveDate(snapshot, "kms", "2026-03-09", Date.parse("2026-03-09T18:00:00Z"))).toBe("2026-03-09");
  });
  it("refuses malformed and impossible dates", () => {
    for (const bad of ["2024-02-30", "2024-13-01", "20240101", "2024-1-01", ""]) {
      expect(refused(() => resolveDate(snapshot, "kms", bad, at))).not.toBeNull();
    }
  });
  it("means the latest data when omitted", () => {
    expect(resolveDate(snapshot, "kms", undefined, at)).toBeUndefined();
  });
});

describe("resolveDate: rankings and history", () => {
  it("defaults rankings to today after 08:30 KST and to yesterday before", () => {
    expect(resolveDate(ranking, "kms", undefined, kst("2026-03-10T08:29:00"))).toBe("2026-03-09");
    expect(resolveDate(ranking, "kms", undefined, kst("2026-03-10T08:30:00"))).toBe("2026-03-10");
    expect(refused(() => resolveDate(ranking, "kms", "2026-03-10", kst("2026-03-10T08:00:00")))).toContain("08:30 KST");
    expect(refused(() => resolveDate(ranking, "kms", "2023-12-21", kst("2026-03-10T12:00:00")))).not.toBeNull();
  });
  it("allows today for history but only the last two years", () => {
    const at = kst("2026-03-10T12:00:00");
    expect(resolveDate(history, "kms", "2026-03-10", at)).toBe("2026-03-10");
    expect(resolveDate(history, "kms", "2024-03-10", at)).toBe("2024-03-10");
    expect(refused(() => resolveDate(history, "kms", "2024-03-09", at))).toContain("from 2024-03-10");
  });
});

describe("resolveDate: MSEA and TMS (UTC+8)", () => {
  const utc8 = (iso: string) => Date.parse(`${iso}+08:00`);
  const champion = endpoint("character", "union-champion");

  it("starts each region at its own first day, per endpoint", () => {
    const at = kst("2026-03-10T12:00:00");
    expect(refused(() => resolveDate(snapshot, "msea", "2025-04-19", at))).toContain("from 2025-04-20");
    expect(resolveDate(snapshot, "msea", "2025-04-20", at)).toBe("2025-04-20");
    expect(refused(() => resolveDate(snapshot, "tms", "2025-10-14", at))).toContain("from 2025-10-15");
    expect(refused(() => resolveDate(champion, "tms", "2025-12-17", at))).toContain("from 2025-12-18");
    expect(resolveDate(champion, "kms", "2025-12-17", at)).toBe("2025-12-17");
  });

  it("publishes yesterday at 02:00 of the region's clock, an hour after KST's", () => {
    // 02:30 KST = 01:30 UTC+8: KMS has yesterday, MSEA not yet.
    const at = kst("2026-03-10T02:30:00");
    expect(resolveDate(snapshot, "kms", "2026-03-09", at)).toBe("2026-03-09");
    expect(refused(() => resolveDate(snapshot, "msea", "2026-03-09", at))).toContain("02:00 UTC+8");
    expect(resolveDate(snapshot, "msea", "2026-03-09", utc8("2026-03-10T02:00:00"))).toBe("2026-03-09");
  });

  it("counts days in the region's clock: 00:30 KST is still the day before in UTC+8", () => {
    const at = kst("2026-03-10T00:30:00"); // = 2026-03-09 23:30 UTC+8
    expect(refused(() => resolveDate(snapshot, "tms", "2026-03-08", at))).toBeNull();
    expect(refused(() => resolveDate(snapshot, "tms", "2026-03-09", at))).toContain("to 2026-03-08 (UTC+8)");
  });
});
