/**
 * Deterministic pseudo-randomness: every sample value is derived from a seed string
 * (a character, a key, a day), so the same question always gets the same answer.
 */

/** FNV-1a with a final avalanche, so seeds that differ by one character diverge. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export type Rng = () => number;

/** mulberry32 seeded from a string: a stream of numbers in [0, 1). */
export function rng(seed: string): Rng {
  let a = hash32(seed);
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [lo, hi]. */
export const int = (r: Rng, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));

export const pick = <T>(r: Rng, items: readonly T[]): T => items[Math.floor(r() * items.length)]!;

/** `count` distinct items, in a seeded order. */
export function pickSome<T>(r: Rng, items: readonly T[], count: number): T[] {
  const pool = [...items];
  const out: T[] = [];
  while (out.length < count && pool.length > 0) out.push(pool.splice(Math.floor(r() * pool.length), 1)[0]!);
  return out;
}

/** A lower-case hex string of `length` derived from the seed (ids, checksums). */
export function hexOf(seed: string, length: number): string {
  let out = "";
  for (let i = 0; out.length < length; i++) out += hash32(`${seed}#${i}`).toString(16).padStart(8, "0");
  return out.slice(0, length);
}

/** Upper-case letters A–P, the alphabet of the upstream's image and icon tokens. */
export function lettersOf(seed: string, length: number): string {
  return hexOf(seed, length).replace(/./g, (c) => String.fromCharCode(65 + parseInt(c, 16)));
}
