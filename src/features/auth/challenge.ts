import type { Localized } from "../../lib/i18n";
import { ProblemError } from "../../lib/problem";

/**
 * 401s carry a WWW-Authenticate challenge (RFC 9110 requires one; RFC 6750
 * names the Bearer form). `invalid_token` tells clients a presented token was
 * refused, as opposed to none being sent.
 */
const REALM = 'Bearer realm="maplestorage"';

export function unauthenticated(
  options: { code?: "UNAUTHENTICATED" | "TOKEN_EXPIRED"; detail?: Localized; tokenPresented?: boolean; cause?: unknown } = {},
): ProblemError {
  const challenge = options.tokenPresented ? `${REALM}, error="invalid_token"` : REALM;
  return new ProblemError(options.code ?? "UNAUTHENTICATED", {
    detail: options.detail,
    headers: { "WWW-Authenticate": challenge },
    cause: options.cause,
  });
}
