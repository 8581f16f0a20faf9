import { createRouter } from "../../lib/openapi";
import { getProgress } from "./tracking.handlers";
import { progressRoute } from "./tracking.routes";

export const trackingRoutes = createRouter().openapi(progressRoute, getProgress);
