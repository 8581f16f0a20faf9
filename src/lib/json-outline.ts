/**
 * Checks that bytes are strict UTF-8 JSON and reports the outline of the top
 * level (its kind and, for an object, each member's kind), without building
 * the value. An upstream answer is checked this way on every fill; the
 * bytes themselves are what gets cached and sent.
 *
 * Why not `JSON.parse(decode(bytes))`: a character's equipment alone is ~230 KB
 * of mostly Korean text. Decoding it makes one string of ~470 KB, and V8
 * allocates a string that large in its large-object space, which only a full
 * garbage collection frees. Parsing it builds a tree of thousands of objects, and
 * part of it outlives the young generation. A cold profile did that every time,
 * and every second or third profile paused for a full collection of about 11 ms
 * in the middle of its answer. Scanning the bytes allocates nothing but the
 * top-level member names. The result is the same as `JSON.parse` after a fatal
 * UTF-8 decode (json-outline.test.ts checks this on generated input).
 */

export type ValueKind = "string" | "number" | "boolean" | "null" | "array" | "object";

export interface MemberOutline {
  kind: ValueKind;
  /** `[]` or `{}`. */
  empty: boolean;
}

export interface JsonOutline {
  kind: ValueKind;
  /** An object's members, in order, the last of a repeated name winning (as JSON.parse does). */
  members?: Map<string, MemberOutline>;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

const isWhitespace = (b: number | undefined) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
const isDigit = (b: number | undefined) => b !== undefined && b >= ZERO && b <= NINE;

function skipWhitespace(bytes: Uint8Array, i: number): number {
  while (isWhitespace(bytes[i])) i++;
  return i;
}

/** Escapes allowed after a backslash: " \ / b f n r t u. */
const SIMPLE_ESCAPES = new Set([0x22, 0x5c, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74]);

const isHex = (b: number | undefined) => b !== undefined && ((b >= ZERO && b <= NINE) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66));
const isContinuation = (b: number | undefined) => b !== undefined && (b & 0xc0) === 0x80;

/**
 * The length of the UTF-8 sequence starting with `lead` at `i`, or 0 when it is
 * not one a fatal decoder accepts: no overlong forms, no surrogates, nothing
 * past U+10FFFF, nothing cut short.
 */
function utf8SequenceLength(bytes: Uint8Array, i: number, lead: number): number {
  const second = bytes[i + 1];
  if (lead >= 0xc2 && lead <= 0xdf) return isContinuation(second) ? 2 : 0;
  if (lead >= 0xe0 && lead <= 0xef) {
    const low = lead === 0xe0 ? 0xa0 : 0x80;
    const high = lead === 0xed ? 0x9f : 0xbf;
    return second !== undefined && second >= low && second <= high && isContinuation(bytes[i + 2]) ? 3 : 0;
  }
  if (lead >= 0xf0 && lead <= 0xf4) {
    const low = lead === 0xf0 ? 0x90 : 0x80;
    const high = lead === 0xf4 ? 0x8f : 0xbf;
    return second !== undefined && second >= low && second <= high && isContinuation(bytes[i + 2]) && isContinuation(bytes[i + 3]) ? 4 : 0;
  }
  return 0;
}

/** From just after an opening quote: the index after the closing quote, or -1. */
function skipString(bytes: Uint8Array, i: number): number {
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i]!;
    if (b === QUOTE) return i + 1;
    if (b < 0x20) return -1;
    if (b < 0x80 && b !== BACKSLASH) {
      i++;
    } else if (b === BACKSLASH) {
      const e = bytes[i + 1];
      if (e === 0x75) {
        if (!(isHex(bytes[i + 2]) && isHex(bytes[i + 3]) && isHex(bytes[i + 4]) && isHex(bytes[i + 5]))) return -1;
        i += 6;
      } else if (e !== undefined && SIMPLE_ESCAPES.has(e)) {
        i += 2;
      } else {
        return -1;
      }
    } else {
      const length = utf8SequenceLength(bytes, i, b);
      if (length === 0) return -1;
      i += length;
    }
  }
  return -1;
}

/** The index after a number starting at `i`, or -1 (RFC 8259 grammar: no leading zeros, no bare dot). */
function skipNumber(bytes: Uint8Array, i: number): number {
  if (bytes[i] === MINUS) i++;
  if (bytes[i] === ZERO) i++;
  else if (isDigit(bytes[i])) while (isDigit(bytes[i])) i++;
  else return -1;
  if (bytes[i] === DOT) {
    i++;
    if (!isDigit(bytes[i])) return -1;
    while (isDigit(bytes[i])) i++;
  }
  if (bytes[i] === 0x65 || bytes[i] === 0x45) {
    i++;
    if (bytes[i] === PLUS || bytes[i] === MINUS) i++;
    if (!isDigit(bytes[i])) return -1;
    while (isDigit(bytes[i])) i++;
  }
  return i;
}

const LITERALS: readonly [Uint8Array, ValueKind][] = [
  [new TextEncoder().encode("true"), "boolean"],
  [new TextEncoder().encode("false"), "boolean"],
  [new TextEncoder().encode("null"), "null"],
];

function literalAt(bytes: Uint8Array, i: number): [Uint8Array, ValueKind] | undefined {
  next: for (const literal of LITERALS) {
    const word = literal[0];
    for (let k = 0; k < word.length; k++) if (bytes[i + k] !== word[k]) continue next;
    return literal;
  }
  return undefined;
}

const names = new TextDecoder();

/** A member name's text (the bytes between its quotes were checked already). */
function memberName(bytes: Uint8Array, start: number, end: number): string {
  const raw = names.decode(bytes.subarray(start, end));
  return raw.includes("\\") ? (JSON.parse(`"${raw}"`) as string) : raw;
}

/**
 * The outline of `bytes` as JSON (a leading UTF-8 byte-order mark is skipped,
 * as a decoder would), or null when `JSON.parse(fatalUtf8Decode(bytes))` would
 * throw. Iterative: nesting depth costs an array entry, not a stack frame.
 */
export function outlineJson(bytes: Uint8Array): JsonOutline | null {
  const n = bytes.length;
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  /** The open containers, innermost last: the byte that closes each. */
  const open: number[] = [];
  let outline: JsonOutline | undefined;
  /** The top-level member whose value comes next. */
  let memberKey: string | undefined;

  for (;;) {
    // A member name (inside an object) or nothing, then a value.
    if (open[open.length - 1] === CLOSE_OBJECT) {
      i = skipWhitespace(bytes, i);
      if (bytes[i] !== QUOTE) return null;
      const end = skipString(bytes, i + 1);
      if (end < 0) return null;
      if (open.length === 1) memberKey = memberName(bytes, i + 1, end - 1);
      i = skipWhitespace(bytes, end);
      if (bytes[i] !== COLON) return null;
      i++;
    }
    i = skipWhitespace(bytes, i);
    const b = bytes[i];
    let kind: ValueKind;
    let empty = false;
    let opened = false;
    if (b === QUOTE) {
      kind = "string";
      i = skipString(bytes, i + 1);
    } else if (b === OPEN_OBJECT || b === OPEN_ARRAY) {
      kind = b === OPEN_OBJECT ? "object" : "array";
      const close = b === OPEN_OBJECT ? CLOSE_OBJECT : CLOSE_ARRAY;
      const next = skipWhitespace(bytes, i + 1);
      empty = bytes[next] === close;
      if (empty) {
        i = next + 1;
      } else {
        open.push(close);
        opened = true;
        i++;
      }
    } else if (b === MINUS || isDigit(b)) {
      kind = "number";
      i = skipNumber(bytes, i);
    } else {
      const literal = b === undefined ? undefined : literalAt(bytes, i);
      if (!literal) return null;
      kind = literal[1];
      i += literal[0].length;
    }
    if (i < 0) return null;

    if (!outline) {
      outline = kind === "object" ? { kind, members: new Map() } : { kind };
    } else if (memberKey !== undefined) {
      outline.members!.set(memberKey, { kind, empty });
      memberKey = undefined;
    }
    if (opened) continue;

    // After a value: a comma before the next one, or closing brackets.
    for (;;) {
      i = skipWhitespace(bytes, i);
      const close = open[open.length - 1];
      if (close === undefined) return i === n ? outline : null;
      if (bytes[i] === COMMA) {
        i++;
        break;
      }
      if (bytes[i] !== close) return null;
      open.pop();
      i++;
    }
  }
}
