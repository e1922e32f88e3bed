CREATE TABLE `offerings` (
	`id` text PRIMARY KEY NOT NULL,
	`slug` text NOT NULL,
	`name` text NOT NULL,
	`issuer` text NOT NULL,
	`description` text NOT NULL,
	`rate_bps` integer NOT NULL,
	`rate_type` text NOT NULL,
	`compounding` text,
	`day_count` text NOT NULL,
	`term_months` integer NOT NULL,
	`capacity_cents` integer NOT NULL,
	`reserved_cents` integer DEFAULT 0 NOT NULL,
	`min_purchase_cents` integer NOT NULL,
	`max_purchase_cents` integer NOT NULL,
	`increment_cents` integer NOT NULL,
	`opens_on` text NOT NULL,
	`closes_on` text NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`default_maturity_instruction` text DEFAULT 'payout' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	CONSTRAINT "offerings_reserved_check" CHECK("offerings"."reserved_cents" between 0 and "offerings"."capacity_cents"),
	CONSTRAINT "offerings_rate_check" CHECK("offerings"."rate_bps" between 0 and 10000),
	CONSTRAINT "offerings_term_check" CHECK("offerings"."term_months" between 1 and 360),
	CONSTRAINT "offerings_limits_check" CHECK("offerings"."min_purchase_cents" > 0 and "offerings"."increment_cents" > 0 and "offerings"."min_purchase_cents" <= "offerings"."max_purchase_cents"),
	CONSTRAINT "offerings_compounding_check" CHECK(("offerings"."rate_type" = 'simple' and "offerings"."compounding" is null) or ("offerings"."rate_type" = 'compound' and "offerings"."compounding" is not null))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `offerings_slug_unique` ON `offerings` (`slug`);--> statement-breakpoint
CREATE INDEX `offerings_status_idx` ON `offerings` (`status`);--> statement-breakpoint
CREATE TABLE `outbox_messages` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`dedupe_key` text NOT NULL,
	`user_id` text,
	`to_address` text NOT NULL,
	`subject` text NOT NULL,
	`text_body` text NOT NULL,
	`html_body` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`last_error` text,
	`provider_message_id` text,
	`created_at` integer NOT NULL,
	`sent_at` integer,
	CONSTRAINT "outbox_status_check" CHECK("outbox_messages"."status" in ('pending', 'sent', 'failed', 'suppressed'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_messages_dedupe_key_unique` ON `outbox_messages` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `outbox_due_idx` ON `outbox_messages` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `outbox_to_idx` ON `outbox_messages` (`to_address`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`token_hash` text NOT NULL,
	`key_id` text NOT NULL,
	`two_factor_verified` integer DEFAULT false NOT NULL,
	`user_agent` text,
	`created_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`idle_expires_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`revoked_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sessions_token_hash_unique` ON `sessions` (`token_hash`);--> statement-breakpoint
CREATE INDEX `sessions_user_idx` ON `sessions` (`user_id`);--> statement-breakpoint
CREATE INDEX `sessions_expires_idx` ON `sessions` (`expires_at`);--> statement-breakpoint
CREATE TABLE `user_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`purpose` text NOT NULL,
	`token_hash` text NOT NULL,
	`email` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `user_tokens_token_hash_unique` ON `user_tokens` (`token_hash`);--> statement-breakpoint
CREATE INDEX `user_tokens_user_idx` ON `user_tokens` (`user_id`,`purpose`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`email_verified_at` integer,
	`password_hash` text NOT NULL,
	`legal_name` text NOT NULL,
	`role` text DEFAULT 'investor' NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`kyc_status` text DEFAULT 'none' NOT NULL,
	`kyc_rejection_reason` text,
	`totp_secret` text,
	`totp_enabled_at` integer,
	`totp_last_step` integer,
	`failed_login_count` integer DEFAULT 0 NOT NULL,
	`locked_until` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	CONSTRAINT "users_role_check" CHECK("users"."role" in ('investor', 'admin')),
	CONSTRAINT "users_status_check" CHECK("users"."status" in ('active', 'disabled'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_unique` ON `users` (`email`);--> statement-breakpoint
CREATE INDEX `users_created_at_idx` ON `users` (`created_at`);