/**
 * The upstream's error bodies. Messages are our wording (the real ones are unverified);
 * clients must key on `name`, as they must with the real API.
 */
const ERRORS = {
  OPENAPI00001: [500, "Internal server error"],
  OPENAPI00002: [403, "The api key is not authorized for this api"],
  OPENAPI00003: [400, "Please input valid id"],
  OPENAPI00004: [400, "Please input valid parameter"],
  OPENAPI00005: [400, "Please input valid key"],
  OPENAPI00006: [400, "Please input valid game id or api path"],
  OPENAPI00007: [429, "Too many requests"],
  OPENAPI00009: [400, "Data being prepared"],
  OPENAPI00010: [400, "Game under maintenance"],
  OPENAPI00011: [503, "API under maintenance"],
} as const;

export type SampleErrorName = keyof typeof ERRORS;

export class SampleUpstreamError extends Error {
  constructor(readonly errorName: SampleErrorName) {
    super(errorName);
    this.name = "SampleUpstreamError";
  }
}

/** Stops the handler: the request is answered with this upstream error. */
export function fail(name: SampleErrorName): never {
  throw new SampleUpstreamError(name);
}

export function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json; charset=utf-8" } });
}

export function errorResponse(name: SampleErrorName): Response {
  const [status, message] = ERRORS[name];
  return jsonResponse({ error: { name, message } }, status);
}
