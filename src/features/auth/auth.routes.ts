import { z } from "@hono/zod-openapi";
import { BEARER_AUTH, defineRoute, problemResponses } from "../../lib/openapi";
import { requireUser } from "./auth.middleware";
import { NewPasswordSchema } from "./password-policy";

export const UserSchema = z
  .object({
    id: z.string().openapi({ example: "0b7f3c1e-6a1d-4a53-9c0e-2f4d8f1b9a77" }),
    username: z.string().openapi({ example: "maple_hero" }),
    email: z.string().openapi({ example: "hero@example.com" }),
    created_at: z.string().openapi({ format: "date-time", example: "2026-01-02T03:04:05.000Z" }),
  })
  .openapi("User");

const RegisterRequestSchema = z
  .object({
    username: z
      .string()
      .regex(/^[A-Za-z0-9_]{3,20}$/, "must be 3–20 letters, digits or underscores")
      .openapi({ description: "3–20 of A–Z, a–z, 0–9 and _; unique regardless of case.", example: "maple_hero" }),
    email: z.email().max(254).openapi({ description: "Stored lower-cased; unique.", example: "hero@example.com" }),
    password: NewPasswordSchema,
  })
  .openapi("RegisterRequest");

const TokenRequestSchema = z
  .object({
    username: z.string().min(1).max(64).optional().openapi({ example: "maple_hero" }),
    email: z.string().min(1).max(254).optional(),
    password: z.string().min(1).max(128).openapi({ example: "correct-horse-battery" }),
  })
  .superRefine((body, ctx) => {
    if ((body.username === undefined) === (body.email === undefined)) {
      ctx.addIssue({ code: "custom", path: ["username"], message: "give either username or email" });
    }
  })
  .openapi("TokenRequest", { description: "Exactly one of `username` (any case) and `email`, with the password." });

export const TokenPairSchema = z
  .object({
    access_token: z.string().openapi({ description: "JWT for `Authorization: Bearer …`." }),
    refresh_token: z.string().openapi({ description: "Opaque; works once (each refresh returns a new one)." }),
    token_type: z.literal("Bearer"),
    expires_in: z.number().int().openapi({ description: "Seconds until the access token expires.", example: 900 }),
  })
  .openapi("TokenPair");

const RefreshTokenSchema = z.string().min(1).max(512);

const RefreshRequestSchema = z.object({ refresh_token: RefreshTokenSchema }).openapi("RefreshRequest");

const VerifyRequestSchema = z.object({ token: z.string().min(1).max(4096) }).openapi("VerifyRequest");

const VerifyResponseSchema = z
  .object({
    valid: z.literal(true),
    sub: z.string().openapi({ description: "The user id." }),
    exp: z.number().int().openapi({ description: "Expiry, seconds since the epoch." }),
  })
  .openapi("TokenVerification");

const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } } });
const jsonBody = <T extends z.ZodType>(schema: T) => ({ body: { required: true, ...json(schema) } });

export const registerRoute = defineRoute({
  method: "post",
  path: "/v1/auth/register",
  tags: ["Auth"],
  summary: "Create an account",
  description: "Rate-limited per client. 409 when the username (any case) or the e-mail is taken.",
  request: jsonBody(RegisterRequestSchema),
  responses: {
    201: { description: "The new account", ...json(UserSchema) },
    ...problemResponses(400, 409, 413, 415, 429, 500),
  },
});

export const tokenRoute = defineRoute({
  method: "post",
  path: "/v1/auth/token",
  tags: ["Auth"],
  summary: "Sign in with a password",
  description:
    "Starts a session. A wrong login and a wrong password get the same 401. After too many failures for one " +
    "login or from one client within the window, every attempt gets 429 with Retry-After, even a correct one.",
  request: jsonBody(TokenRequestSchema),
  responses: {
    200: { description: "Access and refresh token", ...json(TokenPairSchema) },
    ...problemResponses(400, 401, 413, 415, 429, 500),
  },
});

export const refreshRoute = defineRoute({
  method: "post",
  path: "/v1/auth/token/refresh",
  tags: ["Auth"],
  summary: "Trade a refresh token for a new pair",
  description:
    "Each refresh token works once. Presenting one that was already used ends its whole session (every token " +
    "from that sign-in) and answers 401.",
  request: jsonBody(RefreshRequestSchema),
  responses: {
    200: { description: "A new access and refresh token", ...json(TokenPairSchema) },
    ...problemResponses(400, 401, 413, 415, 429, 500),
  },
});

export const verifyRoute = defineRoute({
  method: "post",
  path: "/v1/auth/token/verify",
  tags: ["Auth"],
  summary: "Check an access token",
  description: "200 when the token is genuine, unexpired and its session is live; else 401 (TOKEN_EXPIRED when expired).",
  request: jsonBody(VerifyRequestSchema),
  responses: {
    200: { description: "The token is valid", ...json(VerifyResponseSchema) },
    ...problemResponses(400, 401, 413, 415, 429, 500),
  },
});

export const logoutRoute = defineRoute({
  method: "post",
  path: "/v1/auth/logout",
  tags: ["Auth"],
  summary: "End a session",
  description:
    "Ends the session of the given refresh token (which must be the caller's); with `all=true`, every session " +
    "of the caller. Access tokens of ended sessions stop working at once.",
  security: [{ [BEARER_AUTH]: [] }],
  middleware: [requireUser] as [typeof requireUser],
  request: {
    query: z.object({
      all: z.enum(["true", "false"]).optional().openapi({ description: "End every session of the user." }),
    }),
    ...jsonBody(RefreshRequestSchema),
  },
  responses: {
    204: { description: "Signed out" },
    ...problemResponses(400, 401, 413, 415, 429, 500),
  },
});
