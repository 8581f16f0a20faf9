import { createRouter } from "../../lib/openapi";
import { rateLimitClients } from "../../middleware/rate-limit";
import { nexonErrorFor, sendNexonError } from "./gateway.errors";
import { gatewayHandler, unknownGatewayPath } from "./gateway.handlers";
import { GATEWAY_ROUTES, GATEWAY_TAG, NEXON_KEY_HEADER, NEXON_KEY_SCHEME } from "./gateway.routes";

/**
 * The NEXON-compatible gateway (SPEC: NEXON-compatible gateway), all under
 * `/nexon/`. Its errors, the client limits' 429 included, are answered in the
 * upstream's format, so this router has its own error handler and applies the
 * per-client limits itself (app.ts limits `/v1/*` only).
 */
const router = createRouter();
router.onError((err, c) => sendNexonError(c, nexonErrorFor(err, c)));
router.use("/nexon/*", rateLimitClients);

// Each route is documented from the table and validated by its handler, which
// answers refusals in the upstream's format (a route validator would answer problems).
for (const { def, region, route } of GATEWAY_ROUTES) {
  router.openAPIRegistry.registerPath(route);
  router.get(route.path, gatewayHandler(def, region));
}
// Last: only what no row answered, whatever the method.
router.all("/nexon/*", unknownGatewayPath);

router.openAPIRegistry.registerComponent("securitySchemes", NEXON_KEY_SCHEME, {
  type: "apiKey",
  in: "header",
  name: NEXON_KEY_HEADER,
  description: "Your own NEXON Open API key. Optional on public data (a cache miss then uses your quota); required on account-private data.",
});

export const gatewayRoutes = router;
export { GATEWAY_TAG };
