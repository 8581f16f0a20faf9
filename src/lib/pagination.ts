import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { wholeNumberParam } from "./number-param";
import { documentHeaders, LINK } from "./response-headers";

/**
 * Page-numbered lists of our own data (SPEC: Conventions → Pagination):
 * `?page=1&per_page=20` (per_page ≤ 100) → `{items, page, per_page, total, total_pages}`
 * plus an RFC 8288 `Link` header. A page past the end is an empty page, not an error.
 *
 * Use: spread `paginationQuery` into a route's query schema, `pageRequest(query)` gives
 * LIMIT/OFFSET, `pageSchema(item, name)` documents the body, and
 * `respondPage(c, request, items, total)` sets `Link` and returns the body.
 */
export const DEFAULT_PER_PAGE = 20;
export const MAX_PER_PAGE = 100;
/** Far past any real list; only keeps OFFSET arithmetic sane. */
export const MAX_PAGE = 100_000;

const wholeNumber = (min: number, max: number, fallback: number, description: string) =>
  wholeNumberParam(min, max, description).default(fallback).openapi({ default: fallback });

/** Spread into a route's query object. */
export const paginationQuery = {
  page: wholeNumber(1, MAX_PAGE, 1, "Page number, 1-based"),
  per_page: wholeNumber(1, MAX_PER_PAGE, DEFAULT_PER_PAGE, `Items per page (at most ${MAX_PER_PAGE})`),
};

export interface PageRequest {
  page: number;
  perPage: number;
  /** Rows to skip: (page - 1) × perPage. */
  offset: number;
}

export interface Page<T> {
  items: T[];
  page: number;
  per_page: number;
  total: number;
  total_pages: number;
}

export function pageRequest(query: { page: number; per_page: number }): PageRequest {
  return { page: query.page, perPage: query.per_page, offset: (query.page - 1) * query.per_page };
}

export function pageBody<T>(request: PageRequest, items: T[], total: number): Page<T> {
  return {
    items,
    page: request.page,
    per_page: request.perPage,
    total,
    total_pages: Math.ceil(total / request.perPage),
  };
}

/**
 * RFC 8288 links to the first, previous, next and last pages, each the request URL
 * with only `page` changed (filters, sort and per_page kept). From a page past the
 * end, `prev` leads back to the last page. Undefined when there is nowhere to go.
 */
export function pageLinks(requestUrl: string, page: Page<unknown>): string | undefined {
  const to = (n: number) => {
    const url = new URL(requestUrl);
    url.searchParams.set("page", String(n));
    return url.toString();
  };
  const links: string[] = [];
  const add = (n: number, rel: string) => links.push(`<${to(n)}>; rel="${rel}"`);
  if (page.total_pages > 0) {
    if (page.page < page.total_pages) add(page.page + 1, "next");
    if (page.page > 1) add(Math.min(page.page - 1, page.total_pages), "prev");
    add(1, "first");
    add(page.total_pages, "last");
  }
  return links.length > 0 ? links.join(", ") : undefined;
}

/** The page body, with its `Link` header set on the response. */
export function respondPage<T>(c: Context, request: PageRequest, items: T[], total: number): Page<T> {
  const page = pageBody(request, items, total);
  const link = pageLinks(c.req.url, page);
  if (link) c.header(LINK.name, link);
  return page;
}

/** The OpenAPI schema of a page of `item`. */
export function pageSchema<T extends z.ZodType>(item: T, name: string) {
  return z
    .object({
      items: z.array(item),
      page: z.number().int().openapi({ example: 1 }),
      per_page: z.number().int().openapi({ example: DEFAULT_PER_PAGE }),
      total: z.number().int().openapi({ description: "Items across all pages" }),
      total_pages: z.number().int().openapi({ description: "0 when there are no items" }),
    })
    .openapi(name, { description: "One page; the Link header (RFC 8288) points to the next, prev, first and last pages." });
}

/** The Link header as a route's 200 response documents it (`headers: LINK_HEADER`): sent unless the list is empty. */
export const LINK_HEADER = documentHeaders([], [LINK]);
