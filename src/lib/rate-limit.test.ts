import { Hono } from "hono";
import { afterEach, describe, expect, it, vi } from "vitest";
import { isProblem } from "./problem";
import { clientIp, enforceRateLimit } from "./rate-limit";

afterEach(() => vi.restoreAllMocks());

const limiter = (success: boolean) => ({ limit: vi.fn(async () => ({ success })) });

describe("enforceRateLimit", () => {
  it("lets a request under the limit through, counted under its key", async () => {
    const ok = limiter(true);
    await enforceRateLimit(ok, "register:203.0.113.7");
    expect(ok.limit).toHaveBeenCalledWith({ key: "register:203.0.113.7" });
  });

  it("answers RATE_LIMITED with Retry-After when over the limit", async () => {
    const err = await enforceRateLimit(limiter(false), "k").catch((e: unknown) => e);
    expect(isProblem(err, "RATE_LIMITED")).toBe(true);
    expect((err as { status: number; headers: Record<string, string> }).status).toBe(429);
    expect((err as { headers: Record<string, string> }).headers["Retry-After"]).toBe("60");
  });

  it("lets requests through when the binding is missing or failing", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    await expect(enforceRateLimit(undefined, "k")).resolves.toBeUndefined();
    const broken = { limit: vi.fn(async () => Promise.reject(new Error("limiter down"))) };
    await expect(enforceRateLimit(broken, "k")).resolves.toBeUndefined();
  });

  it("works with the real binding from wrangler.toml", async () => {
    const { env } = await import("cloudflare:workers");
    await expect(enforceRateLimit(env.RATE_LIMIT_PUBLIC, `probe:${crypto.randomUUID()}`)).resolves.toBeUndefined();
  });
});

describe("clientIp", () => {
  const app = new Hono().get("/", (c) => c.text(clientIp(c)));

  it("reads CF-Connecting-IP: IPv4 as it is, IPv6 by its /64", async () => {
    const ip = async (value: string) => (await app.request("/", { headers: { "CF-Connecting-IP": value } })).text();
    expect(await ip("203.0.113.7")).toBe("203.0.113.7");
    expect(await ip("2001:db8::1")).toBe("2001:db8::/64");
    expect(await ip("2001:0DB8:0001:0002:ffff:ffff:ffff:ffff")).toBe("2001:db8:1:2::/64");
  });

  it("falls back to unknown", async () => {
    expect(await (await app.request("/")).text()).toBe("unknown");
    expect(await (await app.request("/", { headers: { "CF-Connecting-IP": "  " } })).text()).toBe("unknown");
    expect(await (await app.request("/", { headers: { "CF-Connecting-IP": "1.2.3.4, 5.6.7.8" } })).text()).toBe("unknown");
  });
});
