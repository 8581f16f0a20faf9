import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { concatPayloads } from "../cache/entry";
import { outlineJson, type JsonOutline, type MemberOutline, type ValueKind } from "./json-outline";

const utf8 = new TextEncoder();
const fatal = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

function kindOf(value: unknown): ValueKind {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value as ValueKind;
}

/** What the outline should say, worked out the slow way: decode, parse, look. */
function expectedOutline(bytes: Uint8Array): JsonOutline | null {
  let value: unknown;
  try {
    value = JSON.parse(fatal.decode(bytes));
  } catch {
    return null;
  }
  const kind = kindOf(value);
  if (kind !== "object") return { kind };
  const members = new Map<string, MemberOutline>();
  for (const [name, member] of Object.entries(value as object)) {
    const memberKind = kindOf(member);
    const empty = memberKind === "array" ? (member as unknown[]).length === 0 : memberKind === "object" && Object.keys(member as object).length === 0;
    members.set(name, { kind: memberKind, empty });
  }
  return { kind, members };
}

/** Comparable regardless of member order (JSON.parse moves integer-like names first). */
function comparable(outline: JsonOutline | null) {
  if (!outline) return null;
  return { kind: outline.kind, members: outline.members && [...outline.members].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) };
}

const bytesOf = (...parts: (string | number[])[]) => concatPayloads(parts.map((p) => (typeof p === "string" ? p : Uint8Array.from(p))));

describe("outlineJson", () => {
  it("outlines an upstream-shaped answer: every top-level member's kind, and which are [] or {}", () => {
    const outline = outlineJson(utf8.encode(' {"date":null,"character_name":"별빛검객","level":285,"liberated":true,"stat":[{"a":1}],"none":[],"extra":{}}\n'));
    expect(outline).toEqual({
      kind: "object",
      members: new Map<string, MemberOutline>([
        ["date", { kind: "null", empty: false }],
        ["character_name", { kind: "string", empty: false }],
        ["level", { kind: "number", empty: false }],
        ["liberated", { kind: "boolean", empty: false }],
        ["stat", { kind: "array", empty: false }],
        ["none", { kind: "array", empty: true }],
        ["extra", { kind: "object", empty: true }],
      ]),
    });
  });

  it("agrees with JSON.parse on these edge cases", () => {
    const cases: Uint8Array[] = [
      bytesOf(""),
      bytesOf("   "),
      bytesOf("01"),
      bytesOf("1."),
      bytesOf(".5"),
      bytesOf("-"),
      bytesOf("-0.0e+5"),
      bytesOf("1e"),
      bytesOf("[1,]"),
      bytesOf('{"a":1,}'),
      bytesOf("{,}"),
      bytesOf('{"a" 1}'),
      bytesOf("[] []"),
      bytesOf("nul"),
      bytesOf("truex"),
      bytesOf('"\\u00e9\\uD800\\n"'),
      bytesOf('"\\x"'),
      bytesOf('"\\u12G4"'),
      bytesOf('"tab\there"'),
      bytesOf('{"a\\"b":1,"a\\"b":[]}'),
      bytesOf('{"__proto__":[],"1":2}'),
      // A byte-order mark is skipped once, as the decoder does; a second one is not JSON.
      bytesOf([0xef, 0xbb, 0xbf], '{"a":1}'),
      bytesOf([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf], "{}"),
      // UTF-8 a fatal decoder refuses: overlong, surrogate, past U+10FFFF, cut short, stray continuation.
      bytesOf('"', [0xc0, 0x80], '"'),
      bytesOf('"', [0xe0, 0x80, 0x80], '"'),
      bytesOf('"', [0xed, 0xa0, 0x80], '"'),
      bytesOf('"', [0xf4, 0x90, 0x80, 0x80], '"'),
      bytesOf('"', [0xf0, 0x9f, 0x98], '"'),
      bytesOf('"', [0x80], '"'),
      bytesOf('"', [0xf0, 0x9f, 0x98, 0x80], [0xed, 0x9f, 0xbf], '"'),
      bytesOf('"', [0xea, 0xb0], ""),
    ];
    for (const bytes of cases) expect(comparable(outlineJson(bytes)), JSON.stringify([...bytes])).toEqual(comparable(expectedOutline(bytes)));
  });

  it("survives nesting far deeper than a call stack", () => {
    const depth = 200_000;
    expect(outlineJson(utf8.encode("[".repeat(depth) + "]".repeat(depth)))).toEqual({ kind: "array" });
    expect(outlineJson(utf8.encode("[".repeat(depth)))).toBeNull();
  });

  it("agrees with JSON.parse on any JSON, however it is spaced", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(undefined, 1, "\t", " \r\n "), (value, space) => {
        const bytes = utf8.encode(JSON.stringify(value, null, space));
        expect(comparable(outlineJson(bytes))).toEqual(comparable(expectedOutline(bytes)));
      }),
      { numRuns: 300 },
    );
  });

  it("refuses exactly what JSON.parse after a fatal UTF-8 decode refuses, when JSON is damaged", () => {
    const damage = fc.record({
      at: fc.nat(),
      remove: fc.nat({ max: 3 }),
      insert: fc.array(fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0x22, 0x5c, 0x2c, 0x3a, 0x5b, 0x5d, 0x7b, 0x7d, 0x80, 0xbf, 0xc3, 0xed, 0xef, 0xf0)), { maxLength: 4 }),
    });
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), fc.array(damage, { minLength: 1, maxLength: 3 }), (value, damages) => {
        let bytes = [...utf8.encode(JSON.stringify(value))];
        for (const { at, remove, insert } of damages) {
          const where = bytes.length === 0 ? 0 : at % (bytes.length + 1);
          bytes = [...bytes.slice(0, where), ...insert, ...bytes.slice(where + remove)];
        }
        const damaged = Uint8Array.from(bytes);
        expect(comparable(outlineJson(damaged))).toEqual(comparable(expectedOutline(damaged)));
      }),
      { numRuns: 2000 },
    );
  });
});
