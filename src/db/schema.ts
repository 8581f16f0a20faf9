import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** Times are epoch milliseconds; dates are KST `YYYY-MM-DD` strings. */
const createdAt = () => integer("created_at").notNull();

export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    username: text("username").notNull(),
    /** Lower-cased username: uniqueness and login are case-insensitive. */
    usernameKey: text("username_key").notNull(),
    /** Stored lower-cased. */
    email: text("email").notNull(),
    passwordHash: text("password_hash").notNull(),
    /** e.g. `pbkdf2-sha256:100000`; lets a later scheme upgrade hashes at login. */
    passwordScheme: text("password_scheme").notNull(),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("users_username_key_unique").on(t.usernameKey), uniqueIndex("users_email_unique").on(t.email)],
);

/** One login = one refresh-token family; its id is the access token's `sid`. */
export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
    expiresAt: integer("expires_at").notNull(),
    revokedAt: integer("revoked_at"),
    revokedReason: text("revoked_reason"),
  },
  (t) => [index("sessions_user_id_idx").on(t.userId)],
);

/** Refresh tokens are stored only as SHA-256 hashes; `usedAt` detects reuse. */
export const refreshTokens = sqliteTable(
  "refresh_tokens",
  {
    tokenHash: text("token_hash").primaryKey(),
    sessionId: text("session_id")
      .notNull()
      .references(() => sessions.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
    expiresAt: integer("expires_at").notNull(),
    usedAt: integer("used_at"),
  },
  (t) => [index("refresh_tokens_session_id_idx").on(t.sessionId)],
);

/** Sign-in attempts, counted per (account, client), per account and per client over a sliding window (login-throttle.ts). "username": rows of the earlier scheme, aged out by the prune job. */
export const loginFailures = sqliteTable(
  "login_failures",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    scope: text("scope", { enum: ["pair", "account", "client", "username"] }).notNull(),
    key: text("key").notNull(),
    at: integer("at").notNull(),
  },
  (t) => [index("login_failures_scope_key_at_idx").on(t.scope, t.key, t.at)],
);

/** The user's own NEXON Open API key, AES-256-GCM encrypted (`iv || ciphertext`, base64). */
export const nexonKeys = sqliteTable("nexon_keys", {
  userId: text("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  ciphertext: text("ciphertext").notNull(),
  keyHint: text("key_hint").notNull(),
  verifiedAt: integer("verified_at").notNull(),
  /** When the account list was last pulled from the upstream (null: never). */
  accountsSyncedAt: integer("accounts_synced_at"),
});

export const nexonAccounts = sqliteTable(
  "nexon_accounts",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    accountId: text("account_id").notNull(),
    syncedAt: integer("synced_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.accountId] })],
);

export const nexonCharacters = sqliteTable(
  "nexon_characters",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    accountId: text("account_id").notNull(),
    ocid: text("ocid").notNull(),
    characterName: text("character_name").notNull(),
    worldName: text("world_name").notNull(),
    characterClass: text("character_class").notNull(),
    characterLevel: integer("character_level").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.ocid] }),
    // One index per sort order the list offers, user first, in the order's own directions
    // (level descending, then name), so a page is an index scan with no sort
    // (src/features/me/characters.query.ts).
    index("nexon_characters_user_level_name_idx").on(t.userId, sql`${t.characterLevel} desc`, t.characterName),
    index("nexon_characters_user_name_idx").on(t.userId, t.characterName),
    index("nexon_characters_user_world_level_name_idx").on(t.userId, t.worldName, sql`${t.characterLevel} desc`, t.characterName),
    index("nexon_characters_user_class_level_name_idx").on(t.userId, t.characterClass, sql`${t.characterLevel} desc`, t.characterName),
  ],
);

export const trackedCharacters = sqliteTable(
  "tracked_characters",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** The game region the ocid belongs to (kms, msea, tms): an ocid means something only in its region. */
    region: text("region").notNull().default("kms"),
    ocid: text("ocid").notNull(),
    characterName: text("character_name"),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.region, t.ocid] }),
    index("tracked_characters_region_ocid_idx").on(t.region, t.ocid),
    index("tracked_characters_user_created_idx").on(t.userId, t.createdAt),
  ],
);

/** One row per character per day of its region's clock; written by the daily cron and by progress backfills. */
export const characterSnapshots = sqliteTable(
  "character_snapshots",
  {
    region: text("region").notNull().default("kms"),
    ocid: text("ocid").notNull(),
    date: text("date").notNull(),
    characterLevel: integer("character_level"),
    characterExp: integer("character_exp"),
    characterExpRate: real("character_exp_rate"),
    combatPower: integer("combat_power"),
    fetchedAt: integer("fetched_at")
      .notNull()
      .default(sql`(unixepoch() * 1000)`),
  },
  (t) => [primaryKey({ columns: [t.region, t.ocid, t.date] })],
);
