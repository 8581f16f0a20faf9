import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formQuery } from "./query-params";

describe("formQuery", () => {
  it("writes what URLSearchParams writes, for any names and values", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string({ unit: "binary" }), fc.string({ unit: "binary" })), { maxLength: 4 }), (pairs) => {
        expect(formQuery(pairs)).toBe(new URLSearchParams(pairs).toString());
      }),
      { numRuns: 500 },
    );
  });

  it("encodes the characters where form encoding and encodeURIComponent differ", () => {
    const pairs: [string, string][] = [["character_name", "별빛 검객!'()~*-._"], ["date", "2026-11-25"], ["lone", "\ud800x"]];
    expect(formQuery(pairs)).toBe(new URLSearchParams(pairs).toString());
  });
});
