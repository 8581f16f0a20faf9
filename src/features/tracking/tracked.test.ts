import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { fakeUpstream } from "../../../test/fake-upstream";
import { expectProblem, jsonInit } from "../../../test/helpers";
import { SAMPLE_CHARACTERS } from "../../../dev/sample-upstream";
import { callFromNewClient, signedInUser, type SignedInUser } from "../auth/auth.test-helpers";
import { MAX_TRACKED_PER_USER } from "./tracked";

const [maple, hero] = SAMPLE_CHARACTERS;

let alice: SignedInUser;
let bob: SignedInUser;
beforeAll(async () => {
  [alice, bob] = await Promise.all([signedInUser(), signedInUser()]);
});
afterEach(() => vi.restoreAllMocks());

const track = (user: SignedInUser, body: unknown) => callFromNewClient("/v1/me/tracked", jsonInit("POST", body, user.auth));
const list = async (user: SignedInUser, query = "") => {
  const res = await callFromNewClient(`/v1/me/tracked${query}`, { headers: user.auth });
  expect(res.status).toBe(200);
  return { res, body: (await res.json()) as { items: { ocid: string; character_name: string }[]; total: number; total_pages: number } };
};

describe("tracked characters", () => {
  it("tracks by name or by ocid, lists them, and stops tracking", async () => {
    fakeUpstream();
    const byName = await track(alice, { character_name: maple!.character_name });
    expect(byName.status).toBe(201);
    expect(await byName.json()).toMatchObject({ ocid: maple!.ocid, character_name: maple!.character_name });
    const byOcid = await track(alice, { ocid: hero!.ocid });
    expect(byOcid.status).toBe(201);
    expect(await byOcid.json()).toMatchObject({ ocid: hero!.ocid, character_name: hero!.character_name });

    const { body } = await list(alice);
    expect(body.total).toBe(2);
    expect(body.items.map((i) => i.ocid)).toEqual([hero!.ocid, maple!.ocid]);
    expect((await list(bob)).body.total).toBe(0);

    const del = await callFromNewClient(`/v1/me/tracked/${maple!.ocid}`, { method: "DELETE", headers: alice.auth });
    expect(del.status).toBe(204);
    expect((await list(alice)).body.items.map((i) => i.ocid)).toEqual([hero!.ocid]);
    await expectProblem(await callFromNewClient(`/v1/me/tracked/${maple!.ocid}`, { method: "DELETE", headers: alice.auth }), 404, "NOT_FOUND");
  });

  it("answers 409 for a duplicate", async () => {
    fakeUpstream();
    const user = await signedInUser();
    expect((await track(user, { ocid: hero!.ocid })).status).toBe(201);
    await expectProblem(await track(user, { character_name: hero!.character_name }), 409, "CONFLICT");
  });

  it("answers 404 for an unknown name or ocid", async () => {
    fakeUpstream();
    await expectProblem(await track(alice, { character_name: "Nobody" }), 404, "CHARACTER_NOT_FOUND");
    await expectProblem(await track(alice, { ocid: "f".repeat(32) }), 404, "CHARACTER_NOT_FOUND");
  });

  it("validates the body before calling the upstream", async () => {
    const { calls } = fakeUpstream();
    for (const body of [{}, { ocid: hero!.ocid, character_name: "x" }, { ocid: "nope" }, { character_name: "bad name!" }]) {
      await expectProblem(await track(alice, body), 400, "VALIDATION_FAILED");
    }
    expect(calls).toHaveLength(0);
  });

  it(`allows at most ${MAX_TRACKED_PER_USER} per user`, async () => {
    fakeUpstream();
    const user = await signedInUser();
    const now = Date.now();
    const rows = Array.from({ length: MAX_TRACKED_PER_USER }, (_, i) => i.toString(16).padStart(32, "0"));
    await env.DB.batch(rows.map((ocid, i) => env.DB.prepare("INSERT INTO tracked_characters (user_id, ocid, created_at) VALUES (?, ?, ?)").bind(user.id, ocid, now + i)));
    const body = await expectProblem(await track(user, { ocid: hero!.ocid }), 409, "CONFLICT");
    expect(body.detail).toContain(String(MAX_TRACKED_PER_USER));

    const page = await list(user, "?per_page=20&page=3");
    expect(page.body.total).toBe(MAX_TRACKED_PER_USER);
    expect(page.body.total_pages).toBe(3);
    expect(page.body.items).toHaveLength(10);
    expect(page.res.headers.get("link")).toContain('rel="prev"');
  });

  it("needs a signed-in user", async () => {
    await expectProblem(await callFromNewClient("/v1/me/tracked"), 401, "UNAUTHENTICATED");
    await expectProblem(await callFromNewClient("/v1/me/tracked", jsonInit("POST", { ocid: hero!.ocid })), 401, "UNAUTHENTICATED");
  });
});
