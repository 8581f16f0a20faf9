import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";

/** The document as clients download it, built by the same app the Worker runs. */
export async function fetchOpenApiDocument(): Promise<Record<string, unknown>> {
  const res = await createApp().request("https://api.test/openapi.json", {}, { CORS_ALLOWED_ORIGINS: "" });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

describe("OpenAPI document", () => {
  it("passes an OpenAPI 3.1 schema validator", async () => {
    const doc = await fetchOpenApiDocument();
    const validator = new Validator();
    const result = await validator.validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });
});
