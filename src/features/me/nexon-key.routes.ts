import { z } from "@hono/zod-openapi";
import { defineRoute, problemResponses } from "../../lib/openapi";
import { signedIn } from "./me.routes";

/** Printable ASCII without spaces: what NEXON issues, and nothing that could smuggle a header. */
const ApiKeySchema = z
  .string()
  .trim()
  .min(8, "must be at least 8 characters")
  .max(256, "must be at most 256 characters")
  .regex(/^[\x21-\x7e]+$/, "may contain only printable ASCII characters and no spaces")
  .openapi({ description: "Your NEXON Open API key (from openapi.nexon.com).", example: "test_0123456789abcdef0123456789abcdef" });

const PutNexonKeyRequestSchema = z.object({ api_key: ApiKeySchema }).openapi("PutNexonKeyRequest");

const NexonKeyStatusSchema = z
  .object({
    configured: z.boolean(),
    key_hint: z.string().nullable().openapi({ description: "The key's last 4 characters", example: "cdef" }),
    verified_at: z
      .string()
      .nullable()
      .openapi({ format: "date-time", description: "When NEXON last accepted the key", example: "2026-01-02T03:04:05.000Z" }),
  })
  .openapi("NexonKeyStatus", { description: "Whether a key is registered; never the key itself." });

const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } } });

export const putNexonKeyRoute = defineRoute({
  ...signedIn,
  method: "put",
  path: "/v1/me/nexon-key",
  operationId: "putMyNexonKey",
  summary: "Register your NEXON Open API key",
  description:
    "NEXON is asked first: a key it refuses is 400 NEXON_KEY_INVALID and nothing is stored. The key is then " +
    "stored encrypted (AES-256-GCM) and replaces any previous one; the accounts listed with the previous key are " +
    "dropped. Rate-limited per user.",
  request: { body: { required: true, ...json(PutNexonKeyRequestSchema) } },
  responses: {
    200: { description: "Key verified and stored", ...json(NexonKeyStatusSchema) },
    ...problemResponses(400, 401, 413, 415, 429, 500, 502, 503, 504),
  },
});

export const getNexonKeyRoute = defineRoute({
  ...signedIn,
  method: "get",
  path: "/v1/me/nexon-key",
  operationId: "getMyNexonKey",
  summary: "Whether you registered a NEXON key",
  description: "Whether a key is stored, its last 4 characters and when NEXON last accepted it; never the key itself.",
  responses: {
    200: { description: "Key status", ...json(NexonKeyStatusSchema) },
    ...problemResponses(401, 429, 500),
  },
});

export const deleteNexonKeyRoute = defineRoute({
  ...signedIn,
  method: "delete",
  path: "/v1/me/nexon-key",
  operationId: "deleteMyNexonKey",
  summary: "Remove your NEXON key",
  description: "Removes the key and the accounts and characters stored from it. 204 also when none was registered.",
  responses: {
    204: { description: "Removed" },
    ...problemResponses(401, 429, 500),
  },
});
