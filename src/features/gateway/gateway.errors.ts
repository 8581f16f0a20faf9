import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { isProblem, type ProblemError } from "../../lib/problem";
import { toProblem } from "../../middleware/errors";
import type { EndpointDef } from "../../upstream/endpoints";

/** An error answer in the upstream's format (`{"error":{"name","message"}}`), ready to send. */
export interface NexonErrorAnswer {
  status: number;
  text: string;
  headers?: Record<string, string>;
}

export const nexonError = (status: number, name: string, message: string, headers?: Record<string, string>): NexonErrorAnswer => ({
  status,
  text: JSON.stringify({ error: { name, message } }),
  headers,
});

/** What the gateway refuses by itself, as the upstream would, before any upstream call. */
export class GatewayRefusal extends Error {
  constructor(readonly answer: NexonErrorAnswer) {
    super(answer.text);
    this.name = "GatewayRefusal";
  }
}

export const refuse = (status: number, name: string, message: string): GatewayRefusal => new GatewayRefusal(nexonError(status, name, message));

/** 400 OPENAPI00004: a parameter is missing or invalid. */
export const invalidParameter = (message: string) => refuse(400, "OPENAPI00004", message);
/** 400 OPENAPI00006: no such game or API path. */
export const unknownPath = (message = "There is no such game or API path.") => refuse(400, "OPENAPI00006", message);
/** 400 OPENAPI00005: the key is missing (or unusable). */
export const keyMissing = () => refuse(400, "OPENAPI00005", "This API needs your own NEXON Open API key in the x-nxopen-api-key header.");

const retryAfter = (problem: ProblemError) => (problem.headers["Retry-After"] ? { "Retry-After": problem.headers["Retry-After"] } : undefined);

/**
 * Our problem as the upstream would have said it. The code decides; the
 * message is a short sentence of ours (NEXON's wording is not stable, and
 * clients key on the name).
 */
function mapProblem(problem: ProblemError, def: EndpointDef | undefined): NexonErrorAnswer {
  switch (problem.code) {
    case "VALIDATION_FAILED":
      return nexonError(400, "OPENAPI00004", problem.detail.en);
    case "CHARACTER_NOT_FOUND":
      // The upstream says 00004 for an unknown name on `id`, 00003 for an unknown id everywhere else.
      return def?.path === "id"
        ? nexonError(400, "OPENAPI00004", "No character has that name.")
        : nexonError(400, "OPENAPI00003", "No character has that id.");
    case "NOT_FOUND":
      // Left without an upstream answer only by a region this server has no key for: to the caller, a game it does not have.
      return nexonError(400, "OPENAPI00006", problem.detail.en);
    case "NEXON_KEY_REQUIRED":
    case "NEXON_KEY_INVALID":
      return nexonError(400, "OPENAPI00005", "The NEXON Open API key is missing or was refused.");
    case "RATE_LIMITED":
    case "UPSTREAM_RATE_LIMITED":
      return nexonError(429, "OPENAPI00007", "Too many requests. Wait a moment and try again.", retryAfter(problem) ?? { "Retry-After": "1" });
    case "DATA_NOT_READY":
      return nexonError(400, "OPENAPI00009", "This data is still being prepared. Try again later.", retryAfter(problem));
    case "UPSTREAM_MAINTENANCE":
      return nexonError(503, "OPENAPI00011", "The API is under maintenance. Try again later.", retryAfter(problem));
    case "UPSTREAM_TIMEOUT":
      // The upstream has no timeout error: 00001 ("retry later") under the gateway-timeout status.
      return nexonError(504, "OPENAPI00001", "NEXON took too long to answer. Try again later.");
    default:
      // MISCONFIGURED, INTERNAL, UPSTREAM_UNAVAILABLE, UPSTREAM_BAD_RESPONSE, and anything a client of the upstream cannot act on.
      return nexonError(500, "OPENAPI00001", "Something went wrong. Try again later.");
  }
}

/**
 * Anything thrown while serving a gateway request, as the upstream's error
 * answer: our own refusal as made; a problem that carries the upstream's
 * answer, that answer verbatim (with our Retry-After, if any), unless it
 * refused our server key; any other problem mapped by its code; anything
 * else logged and answered 00001.
 */
export function nexonErrorFor(err: unknown, c: Context<AppEnv>, def?: EndpointDef): NexonErrorAnswer {
  if (err instanceof GatewayRefusal) return err.answer;
  const problem = isProblem(err) ? err : toProblem(err, c);
  // Our own server key refused (MISCONFIGURED) is our fault, not the caller's key's: never passed on as their 00005.
  if (problem.upstream && problem.code !== "MISCONFIGURED") return { ...problem.upstream, headers: retryAfter(problem) };
  return mapProblem(problem, def);
}

/** Sends an error answer: never stored anywhere, the body exactly as given. */
export function sendNexonError(c: Context<AppEnv>, answer: NexonErrorAnswer): Response {
  return c.body(answer.text, answer.status as 400, {
    ...answer.headers,
    "Content-Type": "application/json; charset=utf-8",
    "Cache-Control": "no-store",
  });
}
