import { createRouter } from "../../lib/openapi";
import { deleteTracked, getProgress, getTracked, track } from "./tracking.handlers";
import { listTrackedRoute, progressRoute, trackRoute, untrackRoute } from "./tracking.routes";

export const trackingRoutes = createRouter()
  .openapi(progressRoute, getProgress)
  .openapi(trackRoute, track)
  .openapi(listTrackedRoute, getTracked)
  .openapi(untrackRoute, deleteTracked);
