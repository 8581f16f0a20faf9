import { afterEach, describe, expect, it, vi } from "vitest";
import { captureLogs } from "../../test/helpers";
import { log, redact } from "./logging";

afterEach(() => vi.restoreAllMocks());

describe("redact", () => {
  it("hides secret values under tell-tale names but keeps counts and flags", () => {
    expect(redact({ api_key: "live-key-123", password: "hunter22", refresh_tokens: 4, token_valid: true, access_token: null, calls: 3 })).toEqual({
      api_key: "[redacted]",
      password: "[redacted]",
      refresh_tokens: 4,
      token_valid: true,
      access_token: null,
      calls: 3,
    });
  });

  it("hides a secret even when it is nested in an object", () => {
    expect(redact({ tokens: { refresh: "abc" } })).toEqual({ tokens: "[redacted]" });
  });

  it("lets the auth housekeeping line say how many refresh tokens it pruned", async () => {
    const lines = await captureLogs(async () => log("info", "auth_pruned", { sessions: 1, refresh_tokens: 7 }));
    expect(JSON.parse(lines[0]!)).toMatchObject({ event: "auth_pruned", sessions: 1, refresh_tokens: 7 });
  });
});
