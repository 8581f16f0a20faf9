import { describe, expect, it } from "vitest";
import { pageBody, pageLinks, pageRequest } from "./pagination";

const URL_BASE = "https://api.test/v1/things?sort=name&q=%EB%A9%94&page=";

describe("pagination", () => {
  it("turns page and per_page into an offset", () => {
    expect(pageRequest({ page: 3, per_page: 25 })).toEqual({ page: 3, perPage: 25, offset: 50 });
  });

  it("counts pages, with 0 for an empty list", () => {
    expect(pageBody(pageRequest({ page: 1, per_page: 20 }), [], 0)).toMatchObject({ total: 0, total_pages: 0 });
    expect(pageBody(pageRequest({ page: 1, per_page: 20 }), [], 41).total_pages).toBe(3);
    expect(pageBody(pageRequest({ page: 1, per_page: 20 }), [], 40).total_pages).toBe(2);
  });

  it("links to next, prev, first and last, changing only the page", () => {
    const page = pageBody(pageRequest({ page: 2, per_page: 10 }), [], 35);
    expect(pageLinks(`${URL_BASE}2`, page)).toBe(
      [`<${URL_BASE}3>; rel="next"`, `<${URL_BASE}1>; rel="prev"`, `<${URL_BASE}1>; rel="first"`, `<${URL_BASE}4>; rel="last"`].join(", "),
    );
  });

  it("adds the page parameter when the request had none", () => {
    const page = pageBody(pageRequest({ page: 1, per_page: 10 }), [], 11);
    expect(pageLinks("https://api.test/v1/things", page)).toContain('<https://api.test/v1/things?page=2>; rel="next"');
  });

  it("leads back to the last page from past the end, and nowhere for an empty list", () => {
    const past = pageBody(pageRequest({ page: 7, per_page: 10 }), [], 35);
    expect(pageLinks(`${URL_BASE}7`, past)).toBe(
      [`<${URL_BASE}4>; rel="prev"`, `<${URL_BASE}1>; rel="first"`, `<${URL_BASE}4>; rel="last"`].join(", "),
    );
    expect(pageLinks(`${URL_BASE}1`, pageBody(pageRequest({ page: 1, per_page: 10 }), [], 0))).toBeUndefined();
  });
});
