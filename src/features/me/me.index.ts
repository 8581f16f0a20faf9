import { createRouter } from "../../lib/openapi";
import { deleteMe, getMe, patchPassword } from "./me.handlers";
import { changePasswordRoute, deleteMeRoute, getMeRoute } from "./me.routes";

/** /v1/me/*: the signed-in user's own data. Add routes with `...signedIn` from me.routes.ts. */
export const meRoutes = createRouter()
  .openapi(getMeRoute, getMe)
  .openapi(changePasswordRoute, patchPassword)
  .openapi(deleteMeRoute, deleteMe);
