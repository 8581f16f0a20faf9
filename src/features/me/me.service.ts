import { eq } from "drizzle-orm";
import { users } from "../../db/schema";
import type { AuthUser } from "../../env";
import { hashPassword } from "../../lib/crypto/password";
import { type AuthContext, confirmPassword } from "../auth/auth.service";
import { unauthenticated } from "../auth/challenge";
import { accountKey, clearLoginFailures } from "../auth/login-throttle";
import { assertPasswordNotUsername } from "../auth/password-policy";
import { revokeUserSessionsStatement } from "../auth/sessions";
import { findUserById, type UserRow } from "../auth/users";

/** The caller's row; gone only if the account was deleted mid-request. */
export async function loadCurrentUser(ctx: AuthContext, user: AuthUser): Promise<UserRow> {
  const row = await findUserById(ctx.db, user.id);
  if (!row) throw unauthenticated({ tokenPresented: true });
  return row;
}

/** New password; every other session ends (a thief's included), this one stays signed in. */
export async function changePassword(
  ctx: AuthContext,
  user: AuthUser,
  input: { current_password: string; new_password: string },
): Promise<void> {
  const row = await loadCurrentUser(ctx, user);
  await confirmPassword(ctx, row, input.current_password, "body.current_password");
  assertPasswordNotUsername(input.new_password, row.username, "body.new_password");
  const { hash, scheme } = await hashPassword(input.new_password);
  await ctx.db.batch([
    ctx.db
      .update(users)
      .set({ passwordHash: hash, passwordScheme: scheme, updatedAt: ctx.now })
      .where(eq(users.id, row.id)),
    revokeUserSessionsStatement(ctx.db, row.id, "password_change", ctx.now, user.sessionId),
  ]);
}

/** Deletes the account; foreign keys cascade to every row that belongs to it. */
export async function deleteAccount(ctx: AuthContext, user: AuthUser, password: string): Promise<void> {
  const row = await loadCurrentUser(ctx, user);
  await confirmPassword(ctx, row, password, "body.password");
  await ctx.db.batch([
    clearLoginFailures(ctx.db, accountKey(row.id, row.usernameKey)),
    ctx.db.delete(users).where(eq(users.id, row.id)),
  ]);
}
