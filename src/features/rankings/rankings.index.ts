import type { Handler } from "hono";
import type { AppEnv } from "../../env";
import { createRouter } from "../../lib/openapi";
import { rankingHandler } from "./rankings.handlers";
import { RANKING_ROUTES } from "./rankings.routes";

const router = createRouter();
for (const { def, route } of RANKING_ROUTES) router.openapi(route, rankingHandler(def) as Handler<AppEnv>);

export const rankingRoutes = router;
