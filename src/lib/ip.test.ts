import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { clientKeyOf } from "./ip";

describe("clientKeyOf", () => {
  it("keys IPv4 on the address as it is", () => {
    expect(clientKeyOf("203.0.113.7")).toBe("203.0.113.7");
    expect(clientKeyOf(" 198.51.100.1 ")).toBe("198.51.100.1");
    expect(clientKeyOf("0.0.0.0")).toBe("0.0.0.0");
  });

  it.each([
    ["2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"],
    ["2001:0DB8:0001:0002:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"],
    ["2001:db8:1:2::", "2001:db8:1:2::/64"],
    ["[2001:db8:1:2::9]", "2001:db8:1:2::/64"],
    ["fe80::1%eth0", "fe80::/64"],
    ["fe80::abcd:1%25en0", "fe80::/64"],
    ["2001:db8::", "2001:db8::/64"],
    ["2001:DB8:0:0:1::", "2001:db8::/64"],
    ["2001:0:0:1::", "2001:0:0:1::/64"],
    ["::", "::/64"],
    ["::1", "::/64"],
    ["2001:db8:1:2:3:4:192.0.2.1", "2001:db8:1:2::/64"],
    ["64:ff9b::192.0.2.1", "64:ff9b::/64"],
  ])("keys IPv6 %s on its /64 (%s)", (raw, key) => {
    expect(clientKeyOf(raw)).toBe(key);
  });

  it.each(["::ffff:203.0.113.7", "::FFFF:203.0.113.7", "0:0:0:0:0:ffff:cb00:7107", "::ffff:cb00:7107"])(
    "treats the IPv4-mapped %s as that IPv4",
    (raw) => expect(clientKeyOf(raw)).toBe("203.0.113.7"),
  );

  it.each([
    "",
    "unknown",
    "not-an-ip",
    "1.2.3.4, 5.6.7.8",
    "256.1.1.1",
    "1.2.3",
    "1.2.3.4.5",
    "1:2:3:4:5:6:7:8:9",
    "1::2::3",
    "2001:db8:::1",
    "12345::1",
    "g::1",
    "1:2:3:4:5:6:7::8",
    "::1.2.3.4:5",
    "::ffff:1.2.3.256",
    ":1::",
    "1:2:3:4:5:6:7",
    "2001:db8::1".padEnd(200, "0"),
  ])("refuses %j", (raw) => {
    expect(clientKeyOf(raw)).toBeUndefined();
  });

  const group = fc.integer({ min: 0, max: 0xffff });
  const groups = (n: number) => fc.array(group, { minLength: n, maxLength: n });
  /** Writes eight groups in one of the many valid ways: case, leading zeros, `::` anywhere, zone id. */
  const written = (gs: number[]) =>
    fc
      .record({
        upper: fc.boolean(),
        pad: fc.boolean(),
        compress: fc.option(fc.tuple(fc.nat(7), fc.nat(8)), { nil: undefined }),
        zone: fc.boolean(),
      })
      .map(({ upper, pad, compress, zone }) => {
        const hex = gs.map((g) => {
          const h = pad ? g.toString(16).padStart(4, "0") : g.toString(16);
          return upper ? h.toUpperCase() : h;
        });
        let text = hex.join(":");
        if (compress) {
          // Replace a run of zero groups (if there is one at this place) by `::`.
          const [start, want] = compress;
          let end = start;
          while (end < 8 && end - start < want && gs[end] === 0) end++;
          if (end > start) text = `${hex.slice(0, start).join(":")}::${hex.slice(end).join(":")}`;
        }
        return zone ? `${text}%eth0` : text;
      });
  const notMapped = (gs: number[]) => !(gs.slice(0, 5).every((g) => g === 0) && gs[5] === 0xffff);

  it("gives any two addresses sharing their first 64 bits one key, however written", () => {
    const pair = fc
      .tuple(groups(4), groups(4), groups(4))
      .filter(([prefix, a]) => notMapped([...prefix, ...a]))
      .chain(([prefix, a, b]) => fc.tuple(written([...prefix, ...a]), written([...prefix, ...b]), fc.constant(prefix)));
    fc.assert(
      fc.property(pair, ([x, y, prefix]) => {
        const key = clientKeyOf(x);
        expect(key).toMatch(/\/64$/);
        expect(clientKeyOf(y)).toBe(key);
        // The key is itself an address of that /64, in canonical form.
        expect(clientKeyOf(key!.slice(0, -3))).toBe(key);
        expect(key).toBe(key!.toLowerCase());
        expect(clientKeyOf(`${prefix.map((g) => g.toString(16)).join(":")}::`)).toBe(key);
      }),
    );
  });

  it("gives addresses in different /64s different keys", () => {
    const pair = fc
      .tuple(groups(8), groups(8))
      .filter(([a, b]) => notMapped(a) && notMapped(b) && a.slice(0, 4).join() !== b.slice(0, 4).join())
      .chain(([a, b]) => fc.tuple(written(a), written(b)));
    fc.assert(
      fc.property(pair, ([x, y]) => {
        expect(clientKeyOf(x)).not.toBe(clientKeyOf(y));
      }),
    );
  });

  it("treats every IPv4-mapped address as its IPv4, and keeps IPv4 as it is", () => {
    const octet = fc.integer({ min: 0, max: 255 });
    fc.assert(
      fc.property(fc.tuple(octet, octet, octet, octet), (o) => {
        const v4 = o.join(".");
        expect(clientKeyOf(v4)).toBe(v4);
        expect(clientKeyOf(`::ffff:${v4}`)).toBe(v4);
        expect(clientKeyOf(`::ffff:${((o[0]! << 8) | o[1]!).toString(16)}:${((o[2]! << 8) | o[3]!).toString(16)}`)).toBe(v4);
      }),
    );
  });
});
