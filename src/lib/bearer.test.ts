import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { bearerOf } from "./bearer";

const app = new Hono().get("/", (c) => {
  const first = bearerOf(c);
  return c.json({ ...first, same: bearerOf(c) === first && c.get("bearer") === first });
});

async function parse(authorization?: string) {
  const res = await app.request("/", { headers: authorization === undefined ? {} : { Authorization: authorization } });
  return res.json();
}

describe("bearerOf", () => {
  it("parses the Authorization header once per request", async () => {
    expect(await parse("Bearer abc.def-_~+/=")).toEqual({ presented: true, token: "abc.def-_~+/=", same: true });
    expect(await parse("bearer   tok  ")).toEqual({ presented: true, token: "tok", same: true });
  });

  it("tells a missing header from one that holds no Bearer token", async () => {
    expect(await parse()).toEqual({ presented: false, same: true });
    expect(await parse("")).toEqual({ presented: false, same: true });
    expect(await parse("Basic dXNlcjpwYXNz")).toEqual({ presented: true, same: true });
    expect(await parse("Bearer a!b")).toEqual({ presented: true, same: true });
  });
});
