import { createRouter } from "../../lib/openapi";
import { getProfile, getProfileByName, lookupCharacter, sectionHandler } from "./characters.handlers";
import { lookupRoute, profileByNameRoute, profileRoute, SECTION_ROUTES } from "./characters.routes";

// Registration order matters: fixed paths (lookup, by-name, each section) before
// the parameterised ones they would otherwise match.
const router = createRouter();
router.openapi(lookupRoute, lookupCharacter);
router.openapi(profileByNameRoute, getProfileByName);
for (const { def, route } of SECTION_ROUTES) router.openapi(route, sectionHandler(def));
router.openapi(profileRoute, getProfile);

export const characterRoutes = router;
