DROP INDEX `nexon_characters_user_level_idx`;--> statement-breakpoint
DROP INDEX `nexon_characters_user_world_level_idx`;--> statement-breakpoint
DROP INDEX `nexon_characters_user_class_level_idx`;--> statement-breakpoint
CREATE INDEX `nexon_characters_user_level_name_idx` ON `nexon_characters` (`user_id`,"character_level" desc,`character_name`);--> statement-breakpoint
CREATE INDEX `nexon_characters_user_world_level_name_idx` ON `nexon_characters` (`user_id`,`world_name`,"character_level" desc,`character_name`);--> statement-breakpoint
CREATE INDEX `nexon_characters_user_class_level_name_idx` ON `nexon_characters` (`user_id`,`character_class`,"character_level" desc,`character_name`);