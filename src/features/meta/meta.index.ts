import { createRouter } from "../../lib/openapi";
import { docsAsset, docsPage, health } from "./meta.handlers";
import { healthRoute } from "./meta.routes";

export const metaRoutes = createRouter()
  .openapi(healthRoute, health)
  .get("/docs", docsPage)
  .get("/docs/*", docsAsset);
