import { eq, or } from "drizzle-orm";
import type { Db } from "../../db/client";
import { users } from "../../db/schema";

export type UserRow = typeof users.$inferSelect;

/** What a user may see of their own account: never the password hash. */
export interface PublicUser {
  id: string;
  username: string;
  email: string;
  created_at: string;
}

export function publicUser(row: UserRow): PublicUser {
  return { id: row.id, username: row.username, email: row.email, created_at: new Date(row.createdAt).toISOString() };
}

/** Usernames are unique and matched case-insensitively; emails are stored lower-cased. */
export const toUsernameKey = (username: string) => username.toLowerCase();
export const normalizeEmail = (email: string) => email.trim().toLowerCase();

export function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
  return db.select().from(users).where(eq(users.id, id)).get();
}

export function findUserByUsernameKey(db: Db, key: string): Promise<UserRow | undefined> {
  return db.select().from(users).where(eq(users.usernameKey, key)).get();
}

export function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  return db.select().from(users).where(eq(users.email, email)).get();
}

/** Which unique field a new account would collide on; the username is reported first. */
export async function findRegistrationConflict(
  db: Db,
  key: string,
  email: string,
): Promise<"username" | "email" | undefined> {
  const rows = await db
    .select({ usernameKey: users.usernameKey, email: users.email })
    .from(users)
    .where(or(eq(users.usernameKey, key), eq(users.email, email)))
    .limit(2);
  if (rows.some((r) => r.usernameKey === key)) return "username";
  if (rows.length > 0) return "email";
  return undefined;
}
