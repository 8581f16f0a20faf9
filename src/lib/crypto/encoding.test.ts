import { describe, expect, it } from "vitest";
import { constantTimeEqual, fromBase64, sha256Hex, toBase64, toBase64Url, toHex, utf8 } from "./encoding";

describe("encoding", () => {
  it("round-trips every byte value through base64", () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(fromBase64(toBase64(bytes))).toEqual(bytes);
  });

  it("writes base64url without padding or URL-unsafe characters", () => {
    const encoded = toBase64Url(new Uint8Array([0xfb, 0xff, 0xfe]));
    expect(encoded).toBe("-__-");
  });

  it("hashes UTF-8 text with SHA-256 as hex", async () => {
    expect(await sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(toHex(new Uint8Array([0, 15, 255]))).toBe("000fff");
  });

  it("compares bytes for equality, including different lengths", () => {
    expect(constantTimeEqual(utf8("same"), utf8("same"))).toBe(true);
    expect(constantTimeEqual(utf8("same"), utf8("sane"))).toBe(false);
    expect(constantTimeEqual(utf8("short"), utf8("longer"))).toBe(false);
  });

  it("rejects text that is not base64", () => {
    expect(() => fromBase64("not base64!")).toThrow();
  });
});
