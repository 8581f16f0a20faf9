import { hexOf } from "./random";

/**
 * Generated characters and guilds get ids that encode their index plus a keyed
 * checksum: any id can be decoded without a table, and a made-up or mistyped id
 * (well-formed or not) is recognised as unknown, as the real upstream does.
 */
const MUL = 0x9e3779b1;
const MASK = 0x5bd1e995;

/** Multiplicative inverse of an odd number mod 2^32 (Newton's iteration). */
function inverse(a: number): number {
  let x = a;
  for (let i = 0; i < 5; i++) x = Math.imul(x, 2 - Math.imul(a, x));
  return x >>> 0;
}
const INV = inverse(MUL);

export function encodeId(kind: string, n: number): string {
  const head = ((Math.imul(n + 1, MUL) ^ MASK) >>> 0).toString(16).padStart(8, "0");
  return head + hexOf(`${kind}:${head}`, 24);
}

export function decodeId(kind: string, id: string): number | null {
  if (!/^[0-9a-f]{32}$/.test(id)) return null;
  const head = id.slice(0, 8);
  if (hexOf(`${kind}:${head}`, 24) !== id.slice(8)) return null;
  return (Math.imul((parseInt(head, 16) ^ MASK) >>> 0, INV) - 1) >>> 0;
}
