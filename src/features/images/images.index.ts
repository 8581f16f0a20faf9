import { createRouter } from "../../lib/openapi";
import { getCharacterImage } from "./images.handlers";
import { imageRoute } from "./images.routes";

const router = createRouter();
router.openapi(imageRoute, getCharacterImage);

export const imageRoutes = router;
