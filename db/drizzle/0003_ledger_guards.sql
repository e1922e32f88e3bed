-- The ledger is append-only (docs/decisions/0002-ledger.md). These triggers refuse every
-- UPDATE and DELETE on its tables, whoever issues them: the application, a script or a person
-- at a SQL prompt. A mistake is corrected by posting a reversing transaction.
CREATE TRIGGER `ledger_transactions_no_update` BEFORE UPDATE ON `ledger_transactions`
BEGIN
	SELECT RAISE(ABORT, 'ledger is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `ledger_transactions_no_delete` BEFORE DELETE ON `ledger_transactions`
BEGIN
	SELECT RAISE(ABORT, 'ledger is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `ledger_entries_no_update` BEFORE UPDATE ON `ledger_entries`
BEGIN
	SELECT RAISE(ABORT, 'ledger is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `ledger_entries_no_delete` BEFORE DELETE ON `ledger_entries`
BEGIN
	SELECT RAISE(ABORT, 'ledger is append-only');
END;
--> statement-breakpoint
-- An account's code and normal balance decide how every entry on it reads, so they never
-- change either, and an account with history cannot disappear.
CREATE TRIGGER `ledger_accounts_no_update` BEFORE UPDATE ON `ledger_accounts`
BEGIN
	SELECT RAISE(ABORT, 'ledger is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `ledger_accounts_no_delete` BEFORE DELETE ON `ledger_accounts`
BEGIN
	SELECT RAISE(ABORT, 'ledger is append-only');
END;
