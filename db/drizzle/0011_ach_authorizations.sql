CREATE TABLE `ach_authorizations` (
	`id` text PRIMARY KEY NOT NULL,
	`purchase_id` text NOT NULL,
	`user_id` text NOT NULL,
	`bank_account_id` text NOT NULL,
	`amount_cents` integer NOT NULL,
	`wording_version` text NOT NULL,
	`wording` text NOT NULL,
	`ip_address` text,
	`user_agent` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`purchase_id`) REFERENCES `purchases`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`bank_account_id`) REFERENCES `bank_accounts`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ach_authorizations_purchase_id_unique` ON `ach_authorizations` (`purchase_id`);--> statement-breakpoint
CREATE INDEX `ach_authorizations_user_idx` ON `ach_authorizations` (`user_id`,`created_at`);--> statement-breakpoint
-- Proof of an ACH authorization is kept as it was agreed: never changed, never removed.
CREATE TRIGGER `ach_authorizations_no_update` BEFORE UPDATE ON `ach_authorizations`
BEGIN
	SELECT RAISE(ABORT, 'ach authorizations are append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `ach_authorizations_no_delete` BEFORE DELETE ON `ach_authorizations`
BEGIN
	SELECT RAISE(ABORT, 'ach authorizations are append-only');
END;
