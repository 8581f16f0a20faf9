import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { SAMPLE_CHARACTERS } from "../../dev/sample-upstream";
import { fakeUpstream } from "../../test/fake-upstream";
import { expectProblem, runToCompletion } from "../../test/helpers";
import { signedInUser } from "../features/auth/auth.test-helpers";
import type { Bindings } from "../env";
import worker from "../index";

const [first, second, third] = SAMPLE_CHARACTERS as [(typeof SAMPLE_CHARACTERS)[number], (typeof SAMPLE_CHARACTERS)[number], (typeof SAMPLE_CHARACTERS)[number]];

afterEach(() => vi.restoreAllMocks());

/** A client address of its own (an IPv6 /64 nobody else in the run uses). */
const newClient = () => `2001:db8:${crypto.randomUUID().slice(0, 4)}:${crypto.randomUUID().slice(0, 4)}::1`;

/** The Worker, to completion, on `env` with `vars` changed, as `ip` (and `headers`). */
function callWith(vars: Record<string, string>) {
  const bindings = { ...env, ...vars } as Bindings;
  return (path: string, ip: string, headers: Record<string, string> = {}) =>
    runToCompletion(worker, new Request(`https://api.test${path}`, { headers: { "cf-connecting-ip": ip, ...headers } }), bindings);
}

describe("the client allowance of upstream calls", () => {
  it("charges a profile its missing sections, before calling; cache hits are free", async () => {
    const { calls } = fakeUpstream();
    const call = callWith({ CLIENT_UPSTREAM_CALLS_PER_MINUTE: "30" });
    const client = newClient();

    const cold = await call(`/v1/characters/${first.ocid}`, client);
    expect(cold.status).toBe(200);
    const sections = calls.length;
    expect(sections).toBe(24);

    // 6 left: another cold profile (24 more) is refused whole, without an upstream call.
    const refused = await call(`/v1/characters/${second.ocid}`, client);
    await expectProblem(refused, 429, "RATE_LIMITED");
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(calls).toHaveLength(sections);

    const warm = await call(`/v1/characters/${first.ocid}`, client);
    expect(warm.status).toBe(200);
    expect(warm.headers.get("x-cache")).toBe("HIT");
    expect(calls).toHaveLength(sections);

    // Another client has an allowance of its own.
    const other = await call(`/v1/characters/${second.ocid}`, newClient());
    expect(other.status).toBe(200);
    expect(calls).toHaveLength(2 * sections);
  });

  it("charges a single answer one call on a miss, nothing on a hit", async () => {
    const { calls } = fakeUpstream();
    const call = callWith({ CLIENT_UPSTREAM_CALLS_PER_MINUTE: "2" });
    const client = newClient();
    expect((await call(`/v1/characters/${first.ocid}/basic`, client)).status).toBe(200);
    expect((await call(`/v1/characters/${first.ocid}/stat`, client)).status).toBe(200);
    await expectProblem(await call(`/v1/characters/${first.ocid}/popularity`, client), 429, "RATE_LIMITED");
    expect(calls).toHaveLength(2);
    const hit = await call(`/v1/characters/${first.ocid}/basic`, client);
    expect(hit.status).toBe(200);
    expect(hit.headers.get("x-cache")).toBe("HIT");
    expect(calls).toHaveLength(2);
  });

  it("gives a signed-in user the higher allowance, per user", async () => {
    const user = await signedInUser();
    const { calls } = fakeUpstream();
    const call = callWith({ CLIENT_UPSTREAM_CALLS_PER_MINUTE: "30", CLIENT_UPSTREAM_CALLS_PER_MINUTE_AUTHED: "50" });
    const client = newClient();

    // The address has spent its anonymous allowance; the user on it has not.
    expect((await call(`/v1/characters/${first.ocid}`, client)).status).toBe(200);
    await expectProblem(await call(`/v1/characters/${second.ocid}`, client), 429, "RATE_LIMITED");
    expect((await call(`/v1/characters/${second.ocid}`, client, user.auth)).status).toBe(200);
    expect((await call(`/v1/characters/${third.ocid}`, newClient(), user.auth)).status).toBe(200);
    expect(calls).toHaveLength(3 * 24);
    // 48 of the user's 50 spent, wherever they are: three more uncached sections do not fit.
    const refused = await call(`/v1/characters/${first.ocid}?sections=basic,skill:6,skill:5,skill:4`, newClient(), user.auth);
    await expectProblem(refused, 429, "RATE_LIMITED");
    expect(refused.headers.get("retry-after")).toBeTruthy();
    expect(calls).toHaveLength(3 * 24);
  });

  it("limits refresh=true per user by REFRESH_PER_MINUTE, apart from other users", async () => {
    const [alice, bob] = [await signedInUser(), await signedInUser()];
    const { calls } = fakeUpstream();
    const call = callWith({ REFRESH_PER_MINUTE: "1" });
    const path = `/v1/characters/${first.ocid}/basic?refresh=true`;
    const refreshed = await call(path, newClient(), alice.auth);
    expect(refreshed.status).toBe(200);
    expect(refreshed.headers.get("x-cache")).toBe("BYPASS");
    const refused = await call(path, newClient(), alice.auth);
    await expectProblem(refused, 429, "RATE_LIMITED");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(calls).toHaveLength(1);
    expect((await call(path, newClient(), bob.auth)).status).toBe(200);
    expect(calls).toHaveLength(2);
  });
});
