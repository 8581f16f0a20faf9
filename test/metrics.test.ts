import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../src/app";
import { SAMPLE_CHARACTERS } from "../dev/sample-upstream";
import { fakeUpstream, nexonError } from "./fake-upstream";
import { runToCompletion } from "./helpers";

afterEach(() => vi.restoreAllMocks());

async function callWithMetrics(path: string) {
  const points: AnalyticsEngineDataPoint[] = [];
  const METRICS = { writeDataPoint: (p: AnalyticsEngineDataPoint) => points.push(p) };
  const res = await runToCompletion(createApp(), new Request(`https://api.test${path}`), { ...env, METRICS });
  return { res, points };
}

describe("Analytics Engine metrics", () => {
  it("writes one data point per request: route, status, cache status, upstream calls and latency", async () => {
    fakeUpstream();
    const path = `/v1/characters/${SAMPLE_CHARACTERS[0]!.ocid}/basic`;
    const { points } = await callWithMetrics(path);
    expect(points).toHaveLength(1);
    const [point] = points;
    expect(point!.indexes).toEqual(["/v1/characters/:ocid/basic"]);
    expect(point!.blobs).toEqual(["GET", "/v1/characters/:ocid/basic", "200", "MISS"]);
    const [status, durationMs, upstreamCalls, upstreamMs] = point!.doubles!;
    expect(status).toBe(200);
    expect(durationMs).toBeGreaterThanOrEqual(0);
    expect(upstreamCalls).toBe(1);
    expect(upstreamMs).toBeGreaterThanOrEqual(0);

    const again = await callWithMetrics(path);
    expect(again.points[0]!.blobs![3]).toBe("HIT");
    expect(again.points[0]!.doubles![2]).toBe(0);
  });

  it("records upstream failures as their status", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    fakeUpstream(() => nexonError("OPENAPI00010"));
    const { points } = await callWithMetrics(`/v1/characters/${SAMPLE_CHARACTERS[1]!.ocid}/stat`);
    expect(points[0]!.blobs!.slice(2)).toEqual(["503", "NONE"]);
  });

  it("never fails a request when the dataset refuses a point", async () => {
    const METRICS = { writeDataPoint: () => { throw new Error("buffer full"); } };
    const ctx = createExecutionContext();
    const res = await createApp().fetch(new Request("https://api.test/health"), { ...env, METRICS }, ctx);
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(200);
  });
});
