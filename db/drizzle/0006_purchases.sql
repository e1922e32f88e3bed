CREATE TABLE `idempotency_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`key` text NOT NULL,
	`request_hash` text NOT NULL,
	`state` text DEFAULT 'in_progress' NOT NULL,
	`purchase_id` text,
	`response_status` integer,
	`response_body` text,
	`locked_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `idempotency_keys_user_key_idx` ON `idempotency_keys` (`user_id`,`key`);--> statement-breakpoint
CREATE INDEX `idempotency_keys_expires_idx` ON `idempotency_keys` (`expires_at`);--> statement-breakpoint
CREATE TABLE `purchase_events` (
	`id` text PRIMARY KEY NOT NULL,
	`purchase_id` text NOT NULL,
	`from_state` text,
	`to_state` text NOT NULL,
	`reason` text NOT NULL,
	`transfer_event_id` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`purchase_id`) REFERENCES `purchases`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `purchase_events_purchase_idx` ON `purchase_events` (`purchase_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `purchases` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`offering_id` text NOT NULL,
	`bank_account_id` text NOT NULL,
	`amount_cents` integer NOT NULL,
	`state` text DEFAULT 'initiated' NOT NULL,
	`authorization_id` text,
	`decision` text,
	`decision_rationale` text,
	`transfer_id` text,
	`failure_code` text,
	`failure_reason` text,
	`capacity_released_at` integer,
	`settled_on` text,
	`maturity_date` text,
	`maturity_instruction` text NOT NULL,
	`rollover_offering_id` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`offering_id`) REFERENCES `offerings`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`bank_account_id`) REFERENCES `bank_accounts`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`rollover_offering_id`) REFERENCES `offerings`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "purchases_amount_check" CHECK(typeof("purchases"."amount_cents") = 'integer' and "purchases"."amount_cents" > 0),
	CONSTRAINT "purchases_state_check" CHECK("purchases"."state" in ('initiated', 'pending', 'processing', 'active', 'matured', 'paid', 'failed', 'cancelled', 'returned')),
	CONSTRAINT "purchases_maturity_instruction_check" CHECK("purchases"."maturity_instruction" in ('payout', 'rollover_all', 'rollover_principal'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `purchases_authorization_id_unique` ON `purchases` (`authorization_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `purchases_transfer_id_unique` ON `purchases` (`transfer_id`);--> statement-breakpoint
CREATE INDEX `purchases_user_idx` ON `purchases` (`user_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `purchases_offering_idx` ON `purchases` (`offering_id`);--> statement-breakpoint
CREATE INDEX `purchases_state_idx` ON `purchases` (`state`,`updated_at`);--> statement-breakpoint
CREATE TABLE `transfer_events` (
	`event_id` integer PRIMARY KEY NOT NULL,
	`transfer_id` text NOT NULL,
	`event_type` text NOT NULL,
	`payload` text NOT NULL,
	`purchase_id` text,
	`received_at` integer NOT NULL,
	`applied_at` integer
);
--> statement-breakpoint
CREATE INDEX `transfer_events_transfer_idx` ON `transfer_events` (`transfer_id`,`applied_at`);--> statement-breakpoint
CREATE TABLE `transfer_sync_cursor` (
	`id` integer PRIMARY KEY NOT NULL,
	`last_event_id` integer NOT NULL,
	`updated_at` integer NOT NULL,
	CONSTRAINT "transfer_sync_cursor_one_row_check" CHECK("transfer_sync_cursor"."id" = 1)
);
--> statement-breakpoint
-- A purchase's history is evidence for the investor and for support: it is only ever added to.
CREATE TRIGGER `purchase_events_no_update` BEFORE UPDATE ON `purchase_events`
BEGIN
	SELECT RAISE(ABORT, 'purchase history is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `purchase_events_no_delete` BEFORE DELETE ON `purchase_events`
BEGIN
	SELECT RAISE(ABORT, 'purchase history is append-only');
END;
--> statement-breakpoint
-- A stored Plaid event is what was received; only the record of applying it may change.
CREATE TRIGGER `transfer_events_no_rewrite` BEFORE UPDATE OF `event_id`, `transfer_id`, `event_type`, `payload` ON `transfer_events`
BEGIN
	SELECT RAISE(ABORT, 'transfer events are append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `transfer_events_no_delete` BEFORE DELETE ON `transfer_events`
BEGIN
	SELECT RAISE(ABORT, 'transfer events are append-only');
END;
