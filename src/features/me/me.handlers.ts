import type { RouteHandler } from "@hono/zod-openapi";
import type { AuthedEnv } from "../auth/auth.middleware";
import { authContext } from "../auth/auth.service";
import { publicUser } from "../auth/users";
import type { changePasswordRoute, deleteMeRoute, getMeRoute } from "./me.routes";
import { changePassword, deleteAccount, loadCurrentUser } from "./me.service";

export const getMe: RouteHandler<typeof getMeRoute, AuthedEnv> = async (c) => {
  return c.json(publicUser(await loadCurrentUser(authContext(c), c.get("user"))), 200);
};

export const patchPassword: RouteHandler<typeof changePasswordRoute, AuthedEnv> = async (c) => {
  await changePassword(authContext(c), c.get("user"), c.req.valid("json"));
  return c.body(null, 204);
};

export const deleteMe: RouteHandler<typeof deleteMeRoute, AuthedEnv> = async (c) => {
  await deleteAccount(authContext(c), c.get("user"), c.req.valid("json").password);
  return c.body(null, 204);
};
