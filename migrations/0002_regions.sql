-- Rows written before regions existed are KMS (drizzle-kit's copy read a column the old tables lack: edited by hand).
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_tracked_characters` (
	`user_id` text NOT NULL,
	`region` text DEFAULT 'kms' NOT NULL,
	`ocid` text NOT NULL,
	`character_name` text,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`user_id`, `region`, `ocid`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `__new_tracked_characters`("user_id", "region", "ocid", "character_name", "created_at") SELECT "user_id", 'kms', "ocid", "character_name", "created_at" FROM `tracked_characters`;--> statement-breakpoint
DROP TABLE `tracked_characters`;--> statement-breakpoint
ALTER TABLE `__new_tracked_characters` RENAME TO `tracked_characters`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `tracked_characters_region_ocid_idx` ON `tracked_characters` (`region`,`ocid`);--> statement-breakpoint
CREATE INDEX `tracked_characters_user_created_idx` ON `tracked_characters` (`user_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `__new_character_snapshots` (
	`region` text DEFAULT 'kms' NOT NULL,
	`ocid` text NOT NULL,
	`date` text NOT NULL,
	`character_level` integer,
	`character_exp` integer,
	`character_exp_rate` real,
	`combat_power` integer,
	`fetched_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	PRIMARY KEY(`region`, `ocid`, `date`)
);
--> statement-breakpoint
INSERT INTO `__new_character_snapshots`("region", "ocid", "date", "character_level", "character_exp", "character_exp_rate", "combat_power", "fetched_at") SELECT 'kms', "ocid", "date", "character_level", "character_exp", "character_exp_rate", "combat_power", "fetched_at" FROM `character_snapshots`;--> statement-breakpoint
DROP TABLE `character_snapshots`;--> statement-breakpoint
ALTER TABLE `__new_character_snapshots` RENAME TO `character_snapshots`;