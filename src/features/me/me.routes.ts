import { z } from "@hono/zod-openapi";
import { BEARER_AUTH, defineRoute, problemResponses } from "../../lib/openapi";
import { requireUser } from "../auth/auth.middleware";
import { UserSchema } from "../auth/auth.routes";
import { NewPasswordSchema } from "../auth/password-policy";

/** Shared by every /v1/me route: signed in, documented as such. */
export const signedIn = {
  tags: ["Me"],
  security: [{ [BEARER_AUTH]: [] }],
  middleware: [requireUser] as [typeof requireUser],
};

const CurrentPasswordSchema = z.string().min(1).max(128);

const ChangePasswordRequestSchema = z
  .object({ current_password: CurrentPasswordSchema, new_password: NewPasswordSchema })
  .openapi("ChangePasswordRequest");

const DeleteAccountRequestSchema = z
  .object({ password: CurrentPasswordSchema })
  .openapi("DeleteAccountRequest");

const jsonBody = <T extends z.ZodType>(schema: T) => ({
  body: { required: true, content: { "application/json": { schema } } },
});

export const getMeRoute = defineRoute({
  ...signedIn,
  method: "get",
  path: "/v1/me",
  summary: "The signed-in user's profile",
  description: "The account behind the access token: id, username, e-mail and when it was created.",
  responses: {
    200: { description: "The profile", content: { "application/json": { schema: UserSchema } } },
    ...problemResponses(401, 429, 500),
  },
});

export const changePasswordRoute = defineRoute({
  ...signedIn,
  method: "patch",
  path: "/v1/me/password",
  summary: "Change the password",
  description:
    "Needs the current password (400 when wrong; repeated failures are throttled like sign-ins). Every other " +
    "session of the user ends; the calling session stays signed in.",
  request: jsonBody(ChangePasswordRequestSchema),
  responses: {
    204: { description: "Password changed" },
    ...problemResponses(400, 401, 413, 415, 429, 500),
  },
});

export const deleteMeRoute = defineRoute({
  ...signedIn,
  method: "delete",
  path: "/v1/me",
  summary: "Delete the account",
  description: "Needs the password. Deletes the user and everything stored for them; every session ends.",
  request: jsonBody(DeleteAccountRequestSchema),
  responses: {
    204: { description: "Account deleted" },
    ...problemResponses(400, 401, 413, 415, 429, 500),
  },
});
