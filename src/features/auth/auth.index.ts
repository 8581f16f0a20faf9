import { createRouter } from "../../lib/openapi";
import { logout, refresh, register, token, verify } from "./auth.handlers";
import { logoutRoute, refreshRoute, registerRoute, tokenRoute, verifyRoute } from "./auth.routes";

export const authRoutes = createRouter()
  .openapi(registerRoute, register)
  .openapi(tokenRoute, token)
  .openapi(refreshRoute, refresh)
  .openapi(verifyRoute, verify)
  .openapi(logoutRoute, logout);
