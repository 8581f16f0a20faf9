import { z } from "@hono/zod-openapi";

/**
 * A whole number in [min, max] from a query string or path segment, with messages
 * that say what is valid and an OpenAPI description. The one way every route reads
 * integers, so "page=abc" and "count=5" are refused in the same words everywhere.
 */
export function wholeNumberParam(min: number, max: number, description: string) {
  const range = `must be a whole number from ${min} to ${max}`;
  return z.coerce
    .number({ error: range })
    .int(range)
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`)
    .openapi({ description, type: "integer", minimum: min, maximum: max });
}

/** Characters `encodeURIComponent` leaves alone but form encoding escapes. */
const FORM_ESCAPED = /[!'()~]/g;

/** One name or value, `application/x-www-form-urlencoded`: byte for byte what URLSearchParams writes. */
function formEncode(text: string): string {
  let encoded: string;
  try {
    encoded = encodeURIComponent(text);
  } catch {
    // A lone surrogate: URLSearchParams writes it as U+FFFD, as it always has here.
    return new URLSearchParams({ x: text }).toString().slice(2);
  }
  return encoded.replace(/%20/g, "+").replace(FORM_ESCAPED, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * A query string of `pairs`, exactly as `new URLSearchParams(pairs).toString()`
 * writes it, without the objects: in workerd those are C++ objects behind
 * bindings, and a cold profile builds its cache keys and upstream URLs ~70 times.
 */
export function formQuery(pairs: readonly (readonly [string, string])[]): string {
  return pairs.map(([name, value]) => `${formEncode(name)}=${formEncode(value)}`).join("&");
}
