CREATE TABLE `admin_approvals` (
	`id` text PRIMARY KEY NOT NULL,
	`action` text NOT NULL,
	`target_type` text NOT NULL,
	`target_id` text NOT NULL,
	`payload` text NOT NULL,
	`state` text DEFAULT 'pending' NOT NULL,
	`requested_by` text NOT NULL,
	`requested_at` integer NOT NULL,
	`decided_by` text,
	`decided_at` integer,
	`executed_at` integer,
	`result` text,
	FOREIGN KEY (`requested_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`decided_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `admin_approvals_state_idx` ON `admin_approvals` (`state`,`requested_at`);--> statement-breakpoint
CREATE TABLE `audit_events` (
	`id` text PRIMARY KEY NOT NULL,
	`admin_id` text NOT NULL,
	`action` text NOT NULL,
	`target_type` text NOT NULL,
	`target_id` text NOT NULL,
	`before` text,
	`after` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`admin_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `audit_events_created_idx` ON `audit_events` (`created_at`);--> statement-breakpoint
CREATE INDEX `audit_events_target_idx` ON `audit_events` (`target_type`,`target_id`);--> statement-breakpoint
CREATE TABLE `payouts` (
	`id` text PRIMARY KEY NOT NULL,
	`purchase_id` text NOT NULL,
	`user_id` text NOT NULL,
	`bank_account_id` text,
	`kind` text NOT NULL,
	`amount_cents` integer NOT NULL,
	`state` text DEFAULT 'initiated' NOT NULL,
	`idempotency_key` text NOT NULL,
	`authorization_id` text,
	`transfer_id` text,
	`failure_code` text,
	`failure_reason` text,
	`due_on` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`settled_at` integer,
	FOREIGN KEY (`purchase_id`) REFERENCES `purchases`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`bank_account_id`) REFERENCES `bank_accounts`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "payouts_amount_check" CHECK(typeof("payouts"."amount_cents") = 'integer' and "payouts"."amount_cents" > 0),
	CONSTRAINT "payouts_state_check" CHECK("payouts"."state" in ('initiated', 'pending', 'posted', 'settled', 'failed', 'returned'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `payouts_idempotency_key_unique` ON `payouts` (`idempotency_key`);--> statement-breakpoint
CREATE UNIQUE INDEX `payouts_authorization_id_unique` ON `payouts` (`authorization_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `payouts_transfer_id_unique` ON `payouts` (`transfer_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `payouts_purchase_kind_idx` ON `payouts` (`purchase_id`,`kind`);--> statement-breakpoint
CREATE INDEX `payouts_state_idx` ON `payouts` (`state`,`due_on`);--> statement-breakpoint
ALTER TABLE `purchases` ADD `rolled_from_purchase_id` text;--> statement-breakpoint
CREATE TRIGGER `audit_events_no_update` BEFORE UPDATE ON `audit_events` BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END;--> statement-breakpoint
CREATE TRIGGER `audit_events_no_delete` BEFORE DELETE ON `audit_events` BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END;
