CREATE TABLE `bank_accounts` (
	`id` text PRIMARY KEY NOT NULL,
	`item_id` text NOT NULL,
	`user_id` text NOT NULL,
	`plaid_account_id` text NOT NULL,
	`name` text NOT NULL,
	`mask` text,
	`type` text NOT NULL,
	`subtype` text,
	`status` text DEFAULT 'active' NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`item_id`) REFERENCES `plaid_items`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `bank_accounts_item_account_idx` ON `bank_accounts` (`item_id`,`plaid_account_id`);--> statement-breakpoint
CREATE INDEX `bank_accounts_user_idx` ON `bank_accounts` (`user_id`);--> statement-breakpoint
CREATE TABLE `plaid_items` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`plaid_item_id` text NOT NULL,
	`access_token` text NOT NULL,
	`institution_id` text,
	`institution_name` text,
	`status` text DEFAULT 'healthy' NOT NULL,
	`status_reason` text,
	`status_changed_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	`removed_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "plaid_items_status_check" CHECK("plaid_items"."status" in ('healthy', 'needs_reconnect', 'revoked', 'removed'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `plaid_items_plaid_item_id_unique` ON `plaid_items` (`plaid_item_id`);--> statement-breakpoint
CREATE INDEX `plaid_items_user_idx` ON `plaid_items` (`user_id`);--> statement-breakpoint
CREATE TABLE `webhook_events` (
	`id` text PRIMARY KEY NOT NULL,
	`source` text NOT NULL,
	`dedupe_key` text NOT NULL,
	`webhook_type` text NOT NULL,
	`webhook_code` text NOT NULL,
	`plaid_item_id` text,
	`body` text NOT NULL,
	`received_at` integer NOT NULL,
	`deliveries` integer DEFAULT 1 NOT NULL,
	`processed_at` integer,
	`processing_error` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `webhook_events_dedupe_key_unique` ON `webhook_events` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `webhook_events_unprocessed_idx` ON `webhook_events` (`processed_at`,`received_at`);