-- Proof of an ACH authorization is kept as it was agreed, never removed; once Nacha's two years
-- have passed (the worker's housekeeping decides when), the investor's address and browser may
-- be removed from it, and nothing else may change.
DROP TRIGGER `ach_authorizations_no_update`;
--> statement-breakpoint
CREATE TRIGGER `ach_authorizations_no_update` BEFORE UPDATE ON `ach_authorizations`
WHEN NOT (
	NEW.`id` IS OLD.`id`
	AND NEW.`purchase_id` IS OLD.`purchase_id`
	AND NEW.`user_id` IS OLD.`user_id`
	AND NEW.`bank_account_id` IS OLD.`bank_account_id`
	AND NEW.`amount_cents` IS OLD.`amount_cents`
	AND NEW.`wording_version` IS OLD.`wording_version`
	AND NEW.`wording` IS OLD.`wording`
	AND NEW.`created_at` IS OLD.`created_at`
	AND (NEW.`ip_address` IS OLD.`ip_address` OR NEW.`ip_address` IS NULL)
	AND (NEW.`user_agent` IS OLD.`user_agent` OR NEW.`user_agent` IS NULL)
)
BEGIN
	SELECT RAISE(ABORT, 'ach authorizations are append-only: only the address and browser may be removed');
END;
