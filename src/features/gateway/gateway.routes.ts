import { z } from "@hono/zod-openapi";
import { defineRoute } from "../../lib/openapi";
import { CACHE_CONTROL, documentHeaders, RETRY_AFTER, X_CACHE, type HeaderDefinition } from "../../lib/response-headers";
import { bodySchemaFor, ENDPOINTS, earliestIn, regionsOf, type EndpointDef } from "../../upstream/endpoints";
import { exampleQuery } from "../../upstream/example-queries";
import { UPSTREAM_EXAMPLES } from "../../upstream/examples.generated";
import { REGIONS, type RegionId } from "../../upstream/regions";

/** The OpenAPI tag of every gateway operation (app.ts lists it with the others). */
export const GATEWAY_TAG = {
  name: "NEXON gateway",
  description:
    "The NEXON Open API's own paths, parameters, status codes and bodies under `/nexon/`, so an existing client " +
    "(e.g. the `maplestory-openapi` SDKs) works with its base URL set to `https://<this host>/nexon/`. " +
    "Errors are the upstream's `{\"error\": {\"name\", \"message\"}}`, not problem details.",
};

/** The security scheme of the caller's own NEXON key (the header the upstream reads). */
export const NEXON_KEY_SCHEME = "nexonApiKey";
export const NEXON_KEY_HEADER = "x-nxopen-api-key";

/** Where a row is served in a region: `/nexon/maplestorysea/v1/character/basic`. */
export const gatewayPath = (def: EndpointDef, region: RegionId) => `/nexon/${REGIONS[region].service}/v1/${def.path}`;

export const NexonErrorSchema = z
  .object({
    error: z.object({
      name: z.string().regex(/^OPENAPI\d{5}$/).openapi({ example: "OPENAPI00004" }),
      message: z.string().openapi({ example: "ocid must be a character ocid: 32 hexadecimal characters." }),
    }),
  })
  .openapi("NexonError", { description: "An error as the NEXON Open API answers it; clients key on `error.name`." });

/**
 * An error answer as sendNexonError (gateway.errors.ts) sends it: `Cache-Control: no-store`
 * always, Retry-After as `retry` says (a 429 always has one; 00009 and maintenance when known).
 */
const errorResponse = (description: string, retry?: "always" | "when known") => {
  const retryAfter: HeaderDefinition[] = retry ? [RETRY_AFTER] : [];
  return {
    description,
    headers: retry === "always" ? documentHeaders([CACHE_CONTROL, ...retryAfter]) : documentHeaders([CACHE_CONTROL], retryAfter),
    content: { "application/json": { schema: NexonErrorSchema } },
  };
};

const ERROR_RESPONSES = {
  400: errorResponse(
    "OPENAPI00003 unknown id, OPENAPI00004 missing or invalid parameter (also an unknown character name on `id`), " +
      "OPENAPI00005 missing or refused key, OPENAPI00006 unknown game or path, OPENAPI00009 data being prepared, OPENAPI00010 game maintenance",
    "when known",
  ),
  403: errorResponse("OPENAPI00002: the key may not use this API"),
  429: errorResponse("OPENAPI00007: this client's limits here, or the key's at NEXON; see Retry-After", "always"),
  500: errorResponse("OPENAPI00001: the upstream or this server failed"),
  503: errorResponse("OPENAPI00011: the API is under maintenance", "when known"),
  504: errorResponse("OPENAPI00001: the upstream did not answer in time"),
};

/** A private row's answer: passed through, never stored (gateway.handlers.ts: answerPrivately). */
const PRIVATE_ANSWER_HEADERS = documentHeaders([CACHE_CONTROL, X_CACHE]);

/** The `date` parameter as the row's date rule and the region's clock read it. */
function dateParamFor(def: EndpointDef, region: RegionId) {
  const { clock } = REGIONS[region];
  const since = earliestIn(def, region);
  const rule: Record<Exclude<EndpointDef["date"]["kind"], "none">, string> = {
    snapshot: `finished days only; yesterday from 02:00 ${clock}. Omit for the latest data`,
    ranking: "today's ranking from 08:30 KST. Sent exactly as given: no default is chosen",
    history: "today included; only the last two years are kept. Give `date` or `cursor`",
  };
  return z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional()
    .openapi({
      description: `A day in ${clock} (YYYY-MM-DD)${since ? `, from ${since}` : ""}: ${rule[def.date.kind as keyof typeof rule]}.`,
    });
}

/**
 * The row's upstream parameters under their own names, required as the upstream requires them,
 * with the region's example values (exampleQuery); any other parameter loses the example it
 * shares with /v1 (a KMS value, or a filter that would narrow a "try it out").
 */
function queryOf(def: EndpointDef, region: RegionId) {
  const examples = exampleQuery(def, region);
  const withExample = (name: string, schema: z.ZodType) => {
    const value = examples[name];
    if (value === undefined) return schema.openapi({ example: undefined });
    return schema.openapi({ example: schema instanceof z.ZodNumber ? Number(value) : value });
  };
  const shape: Record<string, z.ZodType> = {};
  for (const [name, schema] of Object.entries(def.params)) {
    shape[name] = withExample(name, def.required.includes(name) ? schema : schema.optional());
  }
  if (def.date.kind !== "none") shape.date = withExample("date", dateParamFor(def, region));
  return z.object(shape);
}

/** One operation per row of the endpoint table and region serving it. */
export function gatewayRoute(def: EndpointDef, region: RegionId) {
  const { label } = REGIONS[region];
  const isPrivate = def.access === "private";
  return defineRoute({
    method: "get",
    path: gatewayPath(def, region),
    tags: [GATEWAY_TAG.name],
    // Public rows answer through respondLoaded (ETag, 304); private ones never from a cache.
    cacheable: !isPrivate,
    // Public data: the key is optional (on a miss, the caller's quota pays); private data answers about the key's owner.
    security: isPrivate ? [{ [NEXON_KEY_SCHEME]: [] }] : [{}, { [NEXON_KEY_SCHEME]: [] }],
    summary: `${label}: ${def.path}`,
    description: isPrivate
      ? `The upstream \`${def.path}\` with the caller's own key (required), passed through and never stored (\`Cache-Control: private, no-store\`).`
      : `The upstream \`${def.path}\`, served from the same cache entries as the \`/v1\` routes. Bodies are the upstream's, byte for byte, ` +
        "empty-data answers included. On a miss the caller's key is used when given, else this server's.",
    request: { query: queryOf(def, region) },
    responses: {
      200: {
        description: `The upstream's answer`,
        ...(isPrivate ? { headers: PRIVATE_ANSWER_HEADERS } : {}),
        // The sample upstream's answer to this operation's example parameters (lists cut short).
        content: { "application/json": { schema: bodySchemaFor(def), example: UPSTREAM_EXAMPLES[def.path]?.[region] } },
      },
      ...ERROR_RESPONSES,
    },
  });
}

/** Every (row, region) the gateway serves, derived from the endpoint table. */
export const GATEWAY_ROUTES = ENDPOINTS.flatMap((def) => regionsOf(def).map((region) => ({ def, region, route: gatewayRoute(def, region) })));
