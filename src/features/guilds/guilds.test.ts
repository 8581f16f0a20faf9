import { afterEach, describe, expect, it, vi } from "vitest";
import { fakeUpstream, nexonJson } from "../../../test/fake-upstream";
import { call, expectProblem } from "../../../test/helpers";
import { SAMPLE_GUILD } from "../../../dev/sample-upstream";

afterEach(() => vi.restoreAllMocks());

const q = (s: string) => encodeURIComponent(s);

describe("guild routes", () => {
  it("looks a guild up by name and world", async () => {
    fakeUpstream();
    const res = await call(`/v1/guilds/lookup?name=${q(SAMPLE_GUILD.guild_name)}&world_name=${q(SAMPLE_GUILD.world_name)}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ oguild_id: SAMPLE_GUILD.oguild_id, guild_name: SAMPLE_GUILD.guild_name, world_name: SAMPLE_GUILD.world_name });
  });

  it("answers 404 for an unknown guild name, whatever shape the upstream uses", async () => {
    for (const body of [{}, { oguild_id: null }]) {
      fakeUpstream(() => nexonJson(body));
      await expectProblem(await call(`/v1/guilds/lookup?name=Nobody&world_name=${q("스카니아")}`), 404, "NOT_FOUND");
      vi.restoreAllMocks();
    }
  });

  it("refuses an unknown world before calling the upstream", async () => {
    const { calls } = fakeUpstream();
    const body = await expectProblem(await call(`/v1/guilds/lookup?name=Guild&world_name=Atlantis`), 400, "VALIDATION_FAILED");
    expect(JSON.stringify(body.errors)).toContain("world_name");
    expect(calls).toHaveLength(0);
  });

  it("serves guild basic, dated or latest", async () => {
    const { calls } = fakeUpstream();
    const res = await call(`/v1/guilds/${SAMPLE_GUILD.oguild_id}?date=2025-03-01`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ guild_name: SAMPLE_GUILD.guild_name, date: "2025-03-01T00:00+09:00" });
    expect(calls[0]!.path).toBe("guild/basic");
  });

  it("answers 404 for an unknown guild id and 400 for a malformed one", async () => {
    const { calls } = fakeUpstream();
    await expectProblem(await call(`/v1/guilds/${"e".repeat(32)}`), 404, "NOT_FOUND");
    await expectProblem(await call(`/v1/guilds/not-an-id`), 400, "VALIDATION_FAILED");
    expect(calls).toHaveLength(1);
  });
});
