import type { Handler } from "hono";
import type { AppEnv } from "../../env";
import { createRouter } from "../../lib/openapi";
import { getProfile, getProfileByName, lookupCharacter, sectionHandler, unknownSection } from "./characters.handlers";
import { lookupRoute, profileByNameRoute, profileRoute, SECTION_ROUTES } from "./characters.routes";

type AnyHandler = Handler<AppEnv>;

// Registration order matters: fixed paths (lookup, by-name, each section) before
// the parameterised ones they would otherwise match.
const router = createRouter();
router.openapi(lookupRoute, lookupCharacter as AnyHandler);
router.openapi(profileByNameRoute, getProfileByName as AnyHandler);
for (const { def, route } of SECTION_ROUTES) router.openapi(route, sectionHandler(def) as AnyHandler);
router.openapi(profileRoute, getProfile as AnyHandler);

/** Mounted last by the app, after other /v1/characters/{ocid}/… features (e.g. progress). */
export const unknownSectionRoutes = createRouter().get("/v1/characters/:ocid/:section", unknownSection);

export const characterRoutes = router;
