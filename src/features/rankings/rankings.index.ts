import { createRouter } from "../../lib/openapi";
import { rankingHandler } from "./rankings.handlers";
import { RANKING_ROUTES } from "./rankings.routes";

const router = createRouter();
for (const { def, route } of RANKING_ROUTES) router.openapi(route, rankingHandler(def));

export const rankingRoutes = router;
