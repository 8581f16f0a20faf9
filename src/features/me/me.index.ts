import { createRouter } from "../../lib/openapi";
import { getAccounts, getAchievements, getCharacters } from "./accounts.handlers";
import { accountsRoute, achievementsRoute, charactersRoute } from "./accounts.routes";
import { historyHandler } from "./history.handlers";
import { HISTORY_ROUTES } from "./history.routes";
import { deleteMe, getMe, patchPassword } from "./me.handlers";
import { changePasswordRoute, deleteMeRoute, getMeRoute } from "./me.routes";
import { getNexonKey, putNexonKey, removeNexonKey } from "./nexon-key.handlers";
import { deleteNexonKeyRoute, getNexonKeyRoute, putNexonKeyRoute } from "./nexon-key.routes";

/** /v1/me/*: the signed-in user's own data. Add routes with `...signedIn` from me.routes.ts. */
export const meRoutes = createRouter()
  .openapi(getMeRoute, getMe)
  .openapi(changePasswordRoute, patchPassword)
  .openapi(deleteMeRoute, deleteMe)
  .openapi(putNexonKeyRoute, putNexonKey)
  .openapi(getNexonKeyRoute, getNexonKey)
  .openapi(deleteNexonKeyRoute, removeNexonKey)
  .openapi(accountsRoute, getAccounts)
  .openapi(charactersRoute, getCharacters)
  .openapi(achievementsRoute, getAchievements);

for (const { def, route } of HISTORY_ROUTES) meRoutes.openapi(route, historyHandler(def));
