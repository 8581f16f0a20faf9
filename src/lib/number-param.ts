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
