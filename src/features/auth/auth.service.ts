import { eq } from "drizzle-orm";
import type { Context } from "hono";
import { getConfig, type Config } from "../../config";
import { createDb, type Db } from "../../db/client";
import { users } from "../../db/schema";
import type { AppEnv } from "../../env";
import { signAccessToken } from "../../lib/crypto/jwt";
import { hashPassword, needsRehash, verifyDummyPassword, verifyPassword } from "../../lib/crypto/password";
import { clientIp } from "../../lib/rate-limit";
import { invalidField, ProblemError } from "../../lib/problem";
import { unauthenticated } from "./challenge";
import { accountKey, countLoginAttempt, takeBackLoginAttempt } from "./login-throttle";
import { assertPasswordNotUsername } from "./password-policy";
import { newSession, rotateRefreshToken } from "./sessions";
import {
  findRegistrationConflict,
  findUserByEmail,
  findUserByUsernameKey,
  normalizeEmail,
  toUsernameKey,
  type UserRow,
} from "./users";

/** What the account logic needs from a request. */
export interface AuthContext {
  db: Db;
  config: Config;
  clientIp: string;
  now: number;
}

export function authContext<E extends AppEnv>(c: Context<E>): AuthContext {
  return { db: createDb(c.env.DB), config: getConfig(c.env), clientIp: clientIp(c), now: Date.now() };
}

export interface TokenPair {
  access_token: string;
  refresh_token: string;
  token_type: "Bearer";
  expires_in: number;
}

/** One sentence for an unknown login and a wrong password alike: no account enumeration. */
const WRONG_CREDENTIALS = {
  en: "The username, e-mail or password is not correct.",
  ko: "아이디, 이메일 또는 비밀번호가 올바르지 않습니다.",
};

const TAKEN = {
  username: { en: "This username is already taken.", ko: "이미 사용 중인 아이디입니다." },
  email: { en: "An account with this e-mail already exists.", ko: "이 이메일로 가입된 계정이 이미 있습니다." },
};

function conflict(field: "username" | "email"): ProblemError {
  return new ProblemError("CONFLICT", { detail: TAKEN[field], errors: [{ path: `body.${field}`, message: TAKEN[field].en }] });
}

/** The unique index a failed insert hit, when two registrations raced past the pre-check. */
function uniqueViolation(err: unknown): "username" | "email" | undefined {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    if (e.message.includes("UNIQUE constraint failed: users.username_key")) return "username";
    if (e.message.includes("UNIQUE constraint failed: users.email")) return "email";
  }
  return undefined;
}

export async function registerUser(
  ctx: AuthContext,
  input: { username: string; email: string; password: string },
): Promise<UserRow> {
  assertPasswordNotUsername(input.password, input.username, "body.password");
  const key = toUsernameKey(input.username);
  const email = normalizeEmail(input.email);
  const taken = await findRegistrationConflict(ctx.db, key, email);
  if (taken) throw conflict(taken);
  const { hash, scheme } = await hashPassword(input.password);
  const row: UserRow = {
    id: crypto.randomUUID(),
    username: input.username,
    usernameKey: key,
    email,
    passwordHash: hash,
    passwordScheme: scheme,
    createdAt: ctx.now,
    updatedAt: ctx.now,
  };
  try {
    await ctx.db.insert(users).values(row);
  } catch (err) {
    const field = uniqueViolation(err);
    if (field) throw conflict(field);
    throw err;
  }
  return row;
}

/** `sessionExpiresAt`: the session's end (ms), which the access token's `exp` does not outlive. */
async function tokenPair(
  config: Config,
  userId: string,
  sessionId: string,
  refreshToken: string,
  sessionExpiresAt: number,
): Promise<TokenPair> {
  const { token, expiresIn } = await signAccessToken(config.tokens, { userId, sessionId, notAfter: sessionExpiresAt });
  return { access_token: token, refresh_token: refreshToken, token_type: "Bearer", expires_in: expiresIn };
}

/**
 * Password sign-in. The attempt is counted (login-throttle.ts) before the
 * password is checked, and taken back when it is right. Unknown logins run a
 * dummy PBKDF2 so they take as long as a wrong password; both answer the same 401.
 */
export async function signIn(
  ctx: AuthContext,
  input: { username?: string; email?: string; password: string },
): Promise<TokenPair> {
  const { db, config, now } = ctx;
  const byUsername = input.username !== undefined;
  const login = byUsername ? toUsernameKey(input.username!) : normalizeEmail(input.email ?? "");
  const user = await (byUsername ? findUserByUsernameKey(db, login) : findUserByEmail(db, login));
  const keys = { account: accountKey(user?.id, login), client: ctx.clientIp };
  await countLoginAttempt(db, keys, config.loginThrottle, now);
  const ok = user
    ? await verifyPassword(input.password, user.passwordHash, user.passwordScheme)
    : await verifyDummyPassword(input.password);
  if (!user || !ok) throw unauthenticated({ detail: WRONG_CREDENTIALS });

  const session = await newSession(db, user.id, config.tokens, now);
  const upgraded = needsRehash(user.passwordScheme) ? await hashPassword(input.password) : undefined;
  await db.batch([
    ...session.writes,
    takeBackLoginAttempt(db, keys, now),
    ...(upgraded
      ? [
          db
            .update(users)
            .set({ passwordHash: upgraded.hash, passwordScheme: upgraded.scheme, updatedAt: now })
            .where(eq(users.id, user.id)),
        ]
      : []),
  ]);
  return tokenPair(config, user.id, session.sessionId, session.refreshToken, session.expiresAt);
}

export async function refreshSession(ctx: AuthContext, presented: string): Promise<TokenPair> {
  const rotated = await rotateRefreshToken(ctx.db, presented, ctx.config.tokens, ctx.now);
  return tokenPair(ctx.config, rotated.userId, rotated.sessionId, rotated.refreshToken, rotated.expiresAt);
}

/**
 * Re-asks a signed-in user's password before a sensitive change. Wrong answers
 * count towards the same throttle as sign-ins, so a stolen access token cannot
 * be used to guess the password.
 */
export async function confirmPassword(ctx: AuthContext, user: UserRow, password: string, path: string): Promise<void> {
  const keys = { account: accountKey(user.id, user.usernameKey), client: ctx.clientIp };
  await countLoginAttempt(ctx.db, keys, ctx.config.loginThrottle, ctx.now);
  if (!(await verifyPassword(password, user.passwordHash, user.passwordScheme))) {
    throw invalidField(path, { en: "The password is not correct.", ko: "비밀번호가 올바르지 않습니다." });
  }
  await takeBackLoginAttempt(ctx.db, keys, ctx.now);
}
