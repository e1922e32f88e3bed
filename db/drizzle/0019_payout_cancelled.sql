PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_payouts` (
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
	`resends` integer DEFAULT 0 NOT NULL,
	`resent_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`settled_at` integer,
	`review_released_at` integer,
	`review_released_through_event_id` integer,
	FOREIGN KEY (`purchase_id`) REFERENCES `purchases`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`bank_account_id`) REFERENCES `bank_accounts`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "payouts_amount_check" CHECK(typeof("__new_payouts"."amount_cents") = 'integer' and "__new_payouts"."amount_cents" > 0),
	CONSTRAINT "payouts_state_check" CHECK("__new_payouts"."state" in ('initiated', 'pending', 'posted', 'settled', 'failed', 'returned', 'cancelled'))
);
--> statement-breakpoint
INSERT INTO `__new_payouts`("id", "purchase_id", "user_id", "bank_account_id", "kind", "amount_cents", "state", "idempotency_key", "authorization_id", "transfer_id", "failure_code", "failure_reason", "due_on", "resends", "resent_at", "created_at", "updated_at", "settled_at", "review_released_at", "review_released_through_event_id") SELECT "id", "purchase_id", "user_id", "bank_account_id", "kind", "amount_cents", "state", "idempotency_key", "authorization_id", "transfer_id", "failure_code", "failure_reason", "due_on", "resends", "resent_at", "created_at", "updated_at", "settled_at", "review_released_at", "review_released_through_event_id" FROM `payouts`;--> statement-breakpoint
DROP TABLE `payouts`;--> statement-breakpoint
ALTER TABLE `__new_payouts` RENAME TO `payouts`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `payouts_idempotency_key_unique` ON `payouts` (`idempotency_key`);--> statement-breakpoint
CREATE UNIQUE INDEX `payouts_authorization_id_unique` ON `payouts` (`authorization_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `payouts_transfer_id_unique` ON `payouts` (`transfer_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `payouts_purchase_kind_idx` ON `payouts` (`purchase_id`,`kind`);--> statement-breakpoint
CREATE INDEX `payouts_state_idx` ON `payouts` (`state`,`due_on`);