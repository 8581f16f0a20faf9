/**
 * The key a client is counted under (SPEC Conventions: an IPv4 address as it
 * is, an IPv6 address by its /64). One network hands a subscriber a whole /64,
 * so keying on the full IPv6 address would give each client 2^64 allowances.
 *
 * IPv4 → its dotted-decimal form (`203.0.113.7`). IPv6 → the canonical (RFC
 * 5952) text of its /64 prefix (`2001:db8:1:2::/64`), whatever way it was
 * written: `::`, upper-case hex, leading zeros, an embedded IPv4 tail, a zone id
 * (`%eth0`) or brackets. An IPv4-mapped address (`::ffff:1.2.3.4`) is that IPv4.
 * Anything else → undefined.
 */
export function clientKeyOf(raw: string): string | undefined {
  let text = raw.trim();
  if (text.length === 0 || text.length > 100) return undefined;
  if (!text.includes(":")) return ipv4Key(text);
  if (text.startsWith("[") && text.endsWith("]")) text = text.slice(1, -1);
  const zone = text.indexOf("%");
  if (zone !== -1) text = text.slice(0, zone);
  const groups = parseIpv6(text);
  if (!groups) return undefined;
  // ::ffff:a.b.c.d (IPv4-mapped): the IPv4 client itself.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return [groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff].join(".");
  }
  return `${formatIpv6([...groups.slice(0, 4), 0, 0, 0, 0])}/64`;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function ipv4Octets(text: string): number[] | undefined {
  const m = IPV4.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1).map(Number);
  return octets.every((o) => o <= 255) ? octets : undefined;
}

function ipv4Key(text: string): string | undefined {
  return ipv4Octets(text)?.join(".");
}

const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

/** Parses one side of `::` into 16-bit groups; an IPv4 tail is allowed only at the very end. */
function parseGroups(part: string, allowIpv4Tail: boolean): number[] | undefined {
  if (part === "") return [];
  const pieces = part.split(":");
  const out: number[] = [];
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i]!;
    if (allowIpv4Tail && i === pieces.length - 1 && piece.includes(".")) {
      const octets = ipv4Octets(piece);
      if (!octets) return undefined;
      out.push((octets[0]! << 8) | octets[1]!, (octets[2]! << 8) | octets[3]!);
    } else if (HEX_GROUP.test(piece)) {
      out.push(parseInt(piece, 16));
    } else {
      return undefined;
    }
  }
  return out;
}

/** The eight 16-bit groups of an IPv6 address in text, or undefined. */
function parseIpv6(text: string): number[] | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  if (halves.length === 1) {
    const groups = parseGroups(text, true);
    return groups?.length === 8 ? groups : undefined;
  }
  const head = parseGroups(halves[0]!, false);
  const tail = parseGroups(halves[1]!, true);
  if (!head || !tail || head.length + tail.length > 7) return undefined;
  return [...head, ...Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}

/** RFC 5952 text: lower-case hex, no leading zeros, the longest run (2+) of zero groups as `::`. */
function formatIpv6(groups: number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < groups.length; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart === -1) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLength).join(":")}`;
}
