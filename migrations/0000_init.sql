CREATE TABLE `character_snapshots` (
	`ocid` text NOT NULL,
	`date` text NOT NULL,
	`character_level` integer,
	`character_exp` integer,
	`character_exp_rate` real,
	`combat_power` integer,
	`fetched_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	PRIMARY KEY(`ocid`, `date`)
);
--> statement-breakpoint
CREATE TABLE `login_failures` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`scope` text NOT NULL,
	`key` text NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `login_failures_scope_key_at_idx` ON `login_failures` (`scope`,`key`,`at`);--> statement-breakpoint
CREATE TABLE `nexon_accounts` (
	`user_id` text NOT NULL,
	`account_id` text NOT NULL,
	`synced_at` integer NOT NULL,
	PRIMARY KEY(`user_id`, `account_id`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `nexon_characters` (
	`user_id` text NOT NULL,
	`account_id` text NOT NULL,
	`ocid` text NOT NULL,
	`character_name` text NOT NULL,
	`world_name` text NOT NULL,
	`character_class` text NOT NULL,
	`character_level` integer NOT NULL,
	PRIMARY KEY(`user_id`, `ocid`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `nexon_characters_user_level_idx` ON `nexon_characters` (`user_id`,`character_level`);--> statement-breakpoint
CREATE INDEX `nexon_characters_user_name_idx` ON `nexon_characters` (`user_id`,`character_name`);--> statement-breakpoint
CREATE INDEX `nexon_characters_user_world_level_idx` ON `nexon_characters` (`user_id`,`world_name`,`character_level`);--> statement-breakpoint
CREATE INDEX `nexon_characters_user_class_level_idx` ON `nexon_characters` (`user_id`,`character_class`,`character_level`);--> statement-breakpoint
CREATE TABLE `nexon_keys` (
	`user_id` text PRIMARY KEY NOT NULL,
	`ciphertext` text NOT NULL,
	`key_hint` text NOT NULL,
	`verified_at` integer NOT NULL,
	`accounts_synced_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `refresh_tokens` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`session_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	FOREIGN KEY (`session_id`) REFERENCES `sessions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `refresh_tokens_session_id_idx` ON `refresh_tokens` (`session_id`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`revoked_at` integer,
	`revoked_reason` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `sessions_user_id_idx` ON `sessions` (`user_id`);--> statement-breakpoint
CREATE TABLE `tracked_characters` (
	`user_id` text NOT NULL,
	`ocid` text NOT NULL,
	`character_name` text,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`user_id`, `ocid`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `tracked_characters_ocid_idx` ON `tracked_characters` (`ocid`);--> statement-breakpoint
CREATE INDEX `tracked_characters_user_created_idx` ON `tracked_characters` (`user_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`username` text NOT NULL,
	`username_key` text NOT NULL,
	`email` text NOT NULL,
	`password_hash` text NOT NULL,
	`password_scheme` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_username_key_unique` ON `users` (`username_key`);--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_unique` ON `users` (`email`);