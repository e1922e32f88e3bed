CREATE TABLE `ledger_accounts` (
	`id` text PRIMARY KEY NOT NULL,
	`code` text NOT NULL,
	`normal_balance` text NOT NULL,
	`created_at` integer NOT NULL,
	CONSTRAINT "ledger_accounts_normal_balance_check" CHECK("ledger_accounts"."normal_balance" in ('debit', 'credit'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ledger_accounts_code_unique` ON `ledger_accounts` (`code`);--> statement-breakpoint
CREATE TABLE `ledger_entries` (
	`id` text PRIMARY KEY NOT NULL,
	`transaction_id` text NOT NULL,
	`account_id` text NOT NULL,
	`debit_cents` integer DEFAULT 0 NOT NULL,
	`credit_cents` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`transaction_id`) REFERENCES `ledger_transactions`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`account_id`) REFERENCES `ledger_accounts`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "ledger_entries_one_side_check" CHECK(typeof("ledger_entries"."debit_cents") = 'integer' and typeof("ledger_entries"."credit_cents") = 'integer' and (("ledger_entries"."debit_cents" > 0 and "ledger_entries"."credit_cents" = 0) or ("ledger_entries"."debit_cents" = 0 and "ledger_entries"."credit_cents" > 0)))
);
--> statement-breakpoint
CREATE INDEX `ledger_entries_transaction_idx` ON `ledger_entries` (`transaction_id`);--> statement-breakpoint
CREATE INDEX `ledger_entries_account_idx` ON `ledger_entries` (`account_id`);--> statement-breakpoint
CREATE TABLE `ledger_transactions` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`idempotency_key` text NOT NULL,
	`purchase_id` text,
	`offering_id` text,
	`user_id` text,
	`effective_date` text NOT NULL,
	`memo` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ledger_transactions_idempotency_key_unique` ON `ledger_transactions` (`idempotency_key`);--> statement-breakpoint
CREATE INDEX `ledger_transactions_purchase_idx` ON `ledger_transactions` (`purchase_id`);--> statement-breakpoint
CREATE INDEX `ledger_transactions_offering_idx` ON `ledger_transactions` (`offering_id`);--> statement-breakpoint
CREATE INDEX `ledger_transactions_user_idx` ON `ledger_transactions` (`user_id`);