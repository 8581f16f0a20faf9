import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { registerUser, uniqueUsername } from "../src/features/auth/auth.test-helpers";
import { describeError } from "../src/lib/logging";
import { call, captureLogs, expectProblem, jsonInit } from "./helpers";

// SPEC Observability: logs never carry SQL, bound parameters or personal data from an
// error; a database error is logged as its kind and a short message. These tests make
// real D1 queries fail inside this file's own isolated D1, through real routes.

afterEach(() => vi.restoreAllMocks());

const unhandled = (lines: string[]) =>
  lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.event === "unhandled_error");

/** Nothing of the query or what was bound to it. */
function expectNoSqlNorValues(lines: string[], values: string[]) {
  const everything = lines.join("\n");
  for (const value of values) expect(everything).not.toContain(value);
  expect(everything).not.toMatch(/\b(select|insert|update|delete)\b/i);
  expect(everything).not.toMatch(/failed query|params/i);
  expect(everything).not.toContain("password_scheme");
}

async function expectInternal(res: Response, values: string[]) {
  const body = await expectProblem(res, 500, "INTERNAL");
  const text = JSON.stringify(body);
  for (const value of values) expect(text).not.toContain(value);
  expect(text).not.toMatch(/sqlite|d1_|constraint|no such table|insert|select/i);
}

describe("database errors in logs", () => {
  it("logs a constraint violation as its kind and a short message, without the query or the user's data", async () => {
    await registerUser();
    // Every user has the same password scheme: a second sign-up now breaks this index.
    await env.DB.exec("CREATE UNIQUE INDEX test_one_scheme ON users (password_scheme)");
    try {
      const username = uniqueUsername("victim");
      const email = `${username.toLowerCase()}@private.example`;
      const ip = "198.51.100.77";
      let res!: Response;
      const lines = await captureLogs(async () => {
        res = await call("/v1/auth/register", jsonInit("POST", { username, email, password: "a-long-password-1" }, { "CF-Connecting-IP": ip }));
      });
      const values = [email, username, username.toLowerCase(), ip, "a-long-password-1"];
      await expectInternal(res, values);

      const [line, ...more] = unhandled(lines);
      expect(more).toEqual([]);
      expect(line).toMatchObject({ error_name: "D1_ERROR", error_message: "UNIQUE constraint failed", error_code: "SQLITE_CONSTRAINT" });
      expectNoSqlNorValues(lines, values);
    } finally {
      await env.DB.exec("DROP INDEX test_one_scheme");
    }
  });

  it("logs a failing query (no such table) without the SQL or the e-mail bound to it", async () => {
    const user = await registerUser({ email: `${uniqueUsername("mail").toLowerCase()}@private.example` });
    await env.DB.exec("ALTER TABLE users RENAME TO users_gone");
    try {
      const ip = "2001:db8:77::1";
      let res!: Response;
      const lines = await captureLogs(async () => {
        res = await call("/v1/auth/token", jsonInit("POST", { email: user.email, password: user.password }, { "CF-Connecting-IP": ip }));
      });
      const values = [user.email, user.password, user.id, "2001:db8:77"];
      await expectInternal(res, values);

      const [line] = unhandled(lines);
      expect(line).toMatchObject({ error_name: "D1_ERROR", error_message: "no such table" });
      expectNoSqlNorValues(lines, [...values, "users"]);
    } finally {
      await env.DB.exec("ALTER TABLE users_gone RENAME TO users");
    }
  });
});

describe("describeError", () => {
  const d1 = (message: string) => new Error(message);
  /** What drizzle throws around a D1 error (drizzle-orm/errors.js DrizzleQueryError). */
  const drizzle = (cause: unknown) =>
    Object.assign(new Error('Failed query: select "id" from "users" where "email" = ?\nparams: someone@private.example', { cause }), {
      query: 'select "id" from "users" where "email" = ?',
      params: ["someone@private.example"],
    });

  it.each([
    [drizzle(d1("D1_ERROR: UNIQUE constraint failed: users.email: SQLITE_CONSTRAINT")), "D1_ERROR", "UNIQUE constraint failed", "SQLITE_CONSTRAINT"],
    [d1("D1_ERROR: no such table: users: SQLITE_ERROR"), "D1_ERROR", "no such table", "SQLITE_ERROR"],
    [drizzle(d1("D1_TYPE_ERROR: Type 'object' not supported for value 'someone@private.example'")), "D1_TYPE_ERROR", "Type not supported for value", undefined],
    [drizzle(new Error("Network connection lost.")), "DATABASE_ERROR", "Network connection lost.", undefined],
    [drizzle(undefined), "DATABASE_ERROR", "database error", undefined],
    [drizzle(d1("D1_ERROR: near \"someone@private.example\": syntax error: SQLITE_ERROR")), "D1_ERROR", "near", "SQLITE_ERROR"],
  ])("keeps only the kind and a short message of %s", (err, name, message, code) => {
    const described = describeError(err);
    expect(described).toEqual({ error_name: name, error_message: message, ...(code ? { error_code: code } : {}) });
    expect(JSON.stringify(described)).not.toMatch(/private\.example|select|params/);
  });

  it("never reads a value out of drizzle's message, even one that looks like a D1 error", () => {
    const err = Object.assign(new Error("Failed query: insert into x values (?)\nparams: D1_ERROR: alice@private.example"), { query: "q", params: [] });
    expect(JSON.stringify(describeError(err))).not.toContain("private.example");
  });

  it("cuts any other error's message before SQL or params, and caps it", () => {
    expect(describeError(new TypeError("boom"))).toEqual({ error_name: "TypeError", error_message: "boom" });
    expect(describeError(new Error("bad thing params: alice@private.example")).error_message).toBe("bad thing");
    expect(describeError(new Error("x".repeat(1000))).error_message).toHaveLength(200);
    expect(describeError("plain")).toEqual({ error_name: "string", error_message: "plain" });
  });
});
