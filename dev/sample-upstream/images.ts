import { characterByLook } from "./characters";

/**
 * The upstream's static character looks (`/static/<service>/character/look/<token>`):
 * public files, no key. Every known look is the same small picture, a PNG built here
 * from bytes (no image library); `action`, `emotion`, `wmotion`, `width`, `height`,
 * `x`, `y` are accepted and ignored. Anything else under /static/ is 404, empty.
 */
const LOOK_PATH = /^\/static\/([^/]+)\/character\/look\/([^/]+)$/;

let crcTable: Uint32Array | undefined;

/** CRC-32 (ISO 3309), as PNG chunks carry it. */
function crc32(bytes: Uint8Array): number {
  crcTable ??= Uint32Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  let crc = 0xffffffff;
  for (const b of bytes) crc = crcTable[(crc ^ b) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (const byte of bytes) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

const u32 = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];

function chunk(type: string, data: number[] | Uint8Array): number[] {
  const typed = new Uint8Array([...new TextEncoder().encode(type), ...data]);
  return [...u32(data.length), ...typed, ...u32(crc32(typed))];
}

/**
 * An RGBA PNG of `width`×`height` from `pixel`. The image data is a zlib stream of
 * one uncompressed deflate block (enough below 64 KiB, and trivially correct).
 */
function png(width: number, height: number, pixel: (x: number, y: number) => [number, number, number, number]): Uint8Array {
  const raw: number[] = [];
  for (let y = 0; y < height; y++) {
    raw.push(0); // filter: none
    for (let x = 0; x < width; x++) raw.push(...pixel(x, y));
  }
  const rawBytes = new Uint8Array(raw);
  if (rawBytes.length > 0xffff) throw new Error("sample look: image too large for one stored block");
  const len = rawBytes.length;
  const zlib = [0x78, 0x01, 0x01, len & 0xff, len >>> 8, ~len & 0xff, (~len >>> 8) & 0xff, ...rawBytes, ...u32(adler32(rawBytes))];
  const header = [...u32(width), ...u32(height), 8, 6, 0, 0, 0]; // 8-bit RGBA, no interlace
  return new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...chunk("IHDR", header), ...chunk("IDAT", zlib), ...chunk("IEND", [])]);
}

/** A 24×32 figure on a transparent background: a round head over an orange body. */
function figure(x: number, y: number): [number, number, number, number] {
  const head = (x - 11.5) ** 2 + (y - 9) ** 2 <= 36;
  const body = y >= 15 && y <= 29 && x >= 7 && x <= 16;
  if (head) return [255, 219, 172, 255];
  if (body) return [240, 128, 40, 255];
  return [0, 0, 0, 0];
}

let picture: Uint8Array | undefined;

/** The answer to `pathname` if it is a static path (under /static/), else null. */
export function staticResponse(pathname: string, method: string): Response | null {
  if (!pathname.startsWith("/static/")) return null;
  const m = LOOK_PATH.exec(pathname);
  const c = m && (method === "GET" || method === "HEAD") ? characterByLook(m[1]!, m[2]!) : null;
  if (!c) return new Response(null, { status: 404 });
  picture ??= png(24, 32, figure);
  return new Response(method === "HEAD" ? null : picture.slice(), { headers: { "content-type": "image/png", "content-length": String(picture.length) } });
}
