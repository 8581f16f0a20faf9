import { afterEach, describe, expect, it, vi } from "vitest";
import { fakeUpstream } from "../../../test/fake-upstream";
import { call, expectProblem } from "../../../test/helpers";

afterEach(() => vi.restoreAllMocks());

const LIST_FIELDS = { general: "notice", update: "update_notice", event: "event_notice", cashshop: "cashshop_notice" } as const;

describe("notice routes", () => {
  it.each(Object.entries(LIST_FIELDS))("lists %s notices and serves one of them", async (type, field) => {
    fakeUpstream();
    const list = await call(`/v1/notices?type=${type}`);
    expect(list.status).toBe(200);
    const items = ((await list.json()) as Record<string, { notice_id: number; title: string }[]>)[field]!;
    expect(items.length).toBeGreaterThan(0);
    const detail = await call(`/v1/notices/${type}/${items[0]!.notice_id}`);
    expect(detail.status).toBe(200);
    expect(await detail.json()).toMatchObject({ notice_id: items[0]!.notice_id, title: items[0]!.title, contents: expect.any(String) });
  });

  it("defaults to the general board", async () => {
    const { calls } = fakeUpstream();
    expect((await call("/v1/notices")).status).toBe(200);
    expect(calls[0]!.path).toBe("notice");
  });

  it("answers 404 for a notice not on the current list", async () => {
    fakeUpstream();
    await expectProblem(await call("/v1/notices/general/1"), 404, "NOT_FOUND");
  });

  it("refuses unknown boards and bad ids before calling the upstream", async () => {
    const { calls } = fakeUpstream();
    await expectProblem(await call("/v1/notices?type=news"), 400, "VALIDATION_FAILED");
    await expectProblem(await call("/v1/notices/general/abc"), 400, "VALIDATION_FAILED");
    await expectProblem(await call("/v1/notices/general/-1"), 400, "VALIDATION_FAILED");
    expect(calls).toHaveLength(0);
  });
});
