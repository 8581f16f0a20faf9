import { afterEach, describe, expect, it, vi } from "vitest";
import { fakeUpstream } from "../../../test/fake-upstream";
import { call, expectProblem } from "../../../test/helpers";
import { endpointsIn } from "../../upstream/endpoints";
import { SAMPLE_CHARACTERS } from "../../../dev/sample-upstream";

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

const q = (s: string) => encodeURIComponent(s);

describe("ranking routes", () => {
  it.each(endpointsIn("ranking").map((d) => d.name))("serves the %s ranking", async (name) => {
    const { calls } = fakeUpstream();
    const res = await call(`/v1/rankings/${name}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { ranking: unknown[] };
    expect(Array.isArray(body.ranking)).toBe(true);
    expect(calls[0]!.path).toBe(`ranking/${name}`);
    expect(calls[0]!.params.get("date")).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it("defaults the date to the latest published day (08:30 KST)", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const { calls } = fakeUpstream();
    vi.setSystemTime(new Date("2026-03-10T08:00:00+09:00"));
    await call("/v1/rankings/overall");
    vi.setSystemTime(new Date("2026-03-10T09:00:00+09:00"));
    await call("/v1/rankings/union");
    expect(calls.map((c) => c.params.get("date"))).toEqual(["2026-03-09", "2026-03-10"]);
  });

  it("defaults ranking_type and difficulty to 0", async () => {
    const { calls } = fakeUpstream();
    await call("/v1/rankings/guild");
    await call("/v1/rankings/dojang");
    expect(calls[0]!.params.get("ranking_type")).toBe("0");
    expect(calls[1]!.params.get("difficulty")).toBe("0");
  });

  it("passes filters under the upstream's names", async () => {
    const { calls } = fakeUpstream();
    const res = await call(`/v1/rankings/overall?world_name=${q("스카니아")}&class=${q("전사-히어로")}&page=2&world_type=0`);
    expect(res.status).toBe(200);
    expect(Object.fromEntries(calls[0]!.params)).toMatchObject({ world_name: "스카니아", class: "전사-히어로", page: "2", world_type: "0" });
  });

  it("narrows to a character with ocid", async () => {
    fakeUpstream();
    const res = await call(`/v1/rankings/overall?ocid=${SAMPLE_CHARACTERS[0]!.ocid}`);
    expect(res.status).toBe(200);
  });

  it.each([
    ["overall?world_name=Atlantis", "world_name"],
    ["overall?class=" + q("전사-궁수"), "class"],
    ["overall?page=0", "page"],
    ["overall?page=abc", "page"],
    ["guild?ranking_type=3", "ranking_type"],
    ["dojang?difficulty=2", "difficulty"],
    ["overall?date=2023-12-21", "date"],
    ["overall?ocid=xyz", "ocid"],
  ])("refuses %s before calling the upstream", async (query, field) => {
    const { calls } = fakeUpstream();
    const body = await expectProblem(await call(`/v1/rankings/${query}`), 400, "VALIDATION_FAILED");
    expect(JSON.stringify(body.errors)).toContain(field);
    expect(calls).toHaveLength(0);
  });
});
