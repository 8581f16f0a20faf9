import { describe, expect, it, vi } from "vitest";
import { ENDPOINTS, endpoint } from "../upstream/endpoints";
import { createEntry, entryEtag, freshnessOf, retentionSeconds } from "./entry";
import { cacheKeyFor } from "./keys";
import { cachePolicyFor, isStorable, LATEST_POLICY, PAST_DAY_POLICY, type CachePolicy } from "./policy";

const NOON_KST = Date.parse("2026-03-10T12:00:00+09:00");
const MIN = 60;
const HOUR = 3600;
const DAY = 86400;

describe("cachePolicyFor", () => {
  it("never caches private data (the user's own key)", () => {
    const privateDefs = ENDPOINTS.filter((d) => d.access === "private");
    expect(privateDefs.length).toBeGreaterThan(0);
    for (const def of privateDefs) {
      expect(cachePolicyFor(def, "kms", undefined, NOON_KST)).toBeNull();
      expect(cachePolicyFor(def, "kms", "2025-01-01", NOON_KST)).toBeNull();
    }
  });

  it("gives every public endpoint a policy", () => {
    for (const def of ENDPOINTS.filter((d) => d.access === "public")) expect(cachePolicyFor(def, "kms", undefined, NOON_KST)).not.toBeNull();
  });

  it("keeps any past day for 30 days", () => {
    for (const def of [endpoint("character", "basic"), endpoint("character", "union"), endpoint("guild", "basic"), endpoint("ranking", "overall")]) {
      expect(cachePolicyFor(def, "kms", "2026-03-09", NOON_KST)).toEqual({ freshSeconds: 30 * DAY, staleWhileRevalidateSeconds: 0, staleIfErrorSeconds: 0 });
    }
    expect(PAST_DAY_POLICY.freshSeconds).toBe(30 * DAY);
  });

  it("follows the SPEC table for the latest data", () => {
    const policy = (group: Parameters<typeof endpoint>[0], name: string, date?: string) => cachePolicyFor(endpoint(group, name), "kms", date, NOON_KST);
    expect(policy("character", "stat")).toEqual({ freshSeconds: 15 * MIN, staleWhileRevalidateSeconds: HOUR, staleIfErrorSeconds: DAY });
    expect(policy("character", "union-raider")).toEqual(LATEST_POLICY.section);
    expect(policy("guild", "basic")).toEqual(LATEST_POLICY.section);
    expect(policy("identity", "character")?.freshSeconds).toBe(DAY);
    expect(policy("identity", "guild")?.freshSeconds).toBe(DAY);
    // Today's ranking (asked by date) is still the latest one.
    expect(policy("ranking", "union", "2026-03-10")?.freshSeconds).toBe(HOUR);
    expect(policy("notice", "general")?.freshSeconds).toBe(10 * MIN);
    expect(policy("notice-detail", "event")?.freshSeconds).toBe(DAY);
  });

  it("stores empty past snapshots but not an empty name lookup", () => {
    expect(isStorable(endpoint("character", "android-equipment"), true)).toBe(true);
    expect(isStorable(endpoint("identity", "guild"), true)).toBe(false);
    expect(isStorable(endpoint("identity", "guild"), false)).toBe(true);
  });
});

describe("cache entries", () => {
  const entryOf = (body: Record<string, unknown>, policy: CachePolicy) =>
    createEntry(JSON.stringify(body), false, policy, NOON_KST);

  it("move from fresh to stale to stale-if-error to expired", async () => {
    const entry = entryOf({ date: null, character_name: "x" }, LATEST_POLICY.section);
    const at = (seconds: number) => freshnessOf(entry.meta, NOON_KST + seconds * 1000);
    expect(at(0)).toBe("fresh");
    expect(at(15 * MIN - 1)).toBe("fresh");
    expect(at(15 * MIN)).toBe("stale");
    expect(at(15 * MIN + HOUR - 1)).toBe("stale");
    expect(at(15 * MIN + HOUR)).toBe("stale-if-error");
    expect(at(15 * MIN + DAY - 1)).toBe("stale-if-error");
    expect(at(15 * MIN + DAY)).toBe("expired");
    expect(retentionSeconds(entry.meta, NOON_KST)).toBe(15 * MIN + DAY);
  });

  it("carry the upstream's bytes as they came, an ETag of them (computed once, on first need) and the empty flag", async () => {
    const upstreamBytes = '{ "date": null,\n  "popularity": null }';
    const a = createEntry(upstreamBytes, true, PAST_DAY_POLICY, NOON_KST);
    const b = entryOf({ date: null, popularity: 12 }, PAST_DAY_POLICY);
    expect(a.payload).toBe(upstreamBytes);
    expect(a.meta.empty).toBe(true);
    expect(b.meta.empty).toBe(false);
    expect(a.meta.etag).toBeUndefined();
    // Everyone sharing one fill asks at once (a herd of identical requests): one digest.
    const digest = vi.spyOn(crypto.subtle, "digest");
    const [etag, again] = await Promise.all([entryEtag(a), entryEtag(a)]);
    expect(digest).toHaveBeenCalledTimes(1);
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
    expect(again).toBe(etag);
    expect(a.meta.etag).toBe(etag);
    expect(await entryEtag(a)).toBe(etag);
    expect(digest).toHaveBeenCalledTimes(1);
    expect(await entryEtag(b)).not.toBe(etag);
    digest.mockRestore();
  });
});

describe("cache keys", () => {
  const basic = endpoint("character", "basic");

  it("depend only on the upstream, the endpoint, its own parameters and the date", () => {
    const a = cacheKeyFor("https://api.test", "nexon.test", { def: basic, region: "kms", params: { ocid: "ab", stray: "x" }, date: "2025-01-01" });
    const b = cacheKeyFor("https://api.test", "nexon.test", { def: basic, region: "kms", params: { ocid: "ab" }, date: "2025-01-01" });
    expect(a).toEqual(b);
    expect(a.kv).toMatch(/nexon\.test\/maplestory\/v1\/character\/basic\?ocid=ab&date=2025-01-01$/);
    expect(a.url.startsWith("https://api.test/__cache/")).toBe(true);
    expect(cacheKeyFor("https://api.test", "sample", { def: basic, region: "kms", params: { ocid: "ab" }, date: "2025-01-01" }).kv).not.toBe(a.kv);
    expect(cacheKeyFor("https://api.test", "nexon.test", { def: basic, region: "kms", params: { ocid: "ab" }, date: undefined }).kv).not.toBe(a.kv);
  });

  it("name the region: the same ocid and day in MSEA is another entry", () => {
    const key = (region: "kms" | "msea" | "tms") => cacheKeyFor("https://api.test", "nexon.test", { def: basic, region, params: { ocid: "ab" }, date: "2025-05-01" }).kv;
    expect(key("msea")).toMatch(/\/maplestorysea\/v1\/character\/basic\?/);
    expect(new Set([key("kms"), key("msea"), key("tms")]).size).toBe(3);
  });
});
