ALTER TABLE `purchases` ADD `repayment_scheduled_at` integer;--> statement-breakpoint
ALTER TABLE `purchases` ADD `repayment_reason` text;--> statement-breakpoint
-- Notes already set to be repaid early said so only in their history, whose reasons began with
-- "refund approved:" or "offering cancelled:" (an active note staying active).
UPDATE `purchases` SET
  `repayment_scheduled_at` = (
    SELECT min(`e`.`created_at`) FROM `purchase_events` `e`
    WHERE `e`.`purchase_id` = `purchases`.`id` AND `e`.`from_state` = 'active' AND `e`.`to_state` = 'active'
      AND (`e`.`reason` LIKE 'refund approved:%' OR `e`.`reason` LIKE 'offering cancelled:%')
  ),
  `repayment_reason` = (
    SELECT CASE WHEN `e`.`reason` LIKE 'refund approved:%' THEN 'refund' ELSE 'offering_cancelled' END
    FROM `purchase_events` `e`
    WHERE `e`.`purchase_id` = `purchases`.`id` AND `e`.`from_state` = 'active' AND `e`.`to_state` = 'active'
      AND (`e`.`reason` LIKE 'refund approved:%' OR `e`.`reason` LIKE 'offering cancelled:%')
    ORDER BY `e`.`created_at`, `e`.`id` LIMIT 1
  )
WHERE EXISTS (
  SELECT 1 FROM `purchase_events` `e`
  WHERE `e`.`purchase_id` = `purchases`.`id` AND `e`.`from_state` = 'active' AND `e`.`to_state` = 'active'
    AND (`e`.`reason` LIKE 'refund approved:%' OR `e`.`reason` LIKE 'offering cancelled:%')
);--> statement-breakpoint
-- SQLite cannot add a CHECK to a table: the reason is a known one, and it comes with its time.
CREATE TRIGGER `purchases_repayment_insert_check` BEFORE INSERT ON `purchases`
WHEN (NEW.`repayment_reason` IS NULL) <> (NEW.`repayment_scheduled_at` IS NULL)
  OR NEW.`repayment_reason` NOT IN ('refund', 'offering_cancelled')
BEGIN
  SELECT RAISE(ABORT, 'purchases.repayment_reason must be refund or offering_cancelled, set with repayment_scheduled_at');
END;--> statement-breakpoint
CREATE TRIGGER `purchases_repayment_update_check` BEFORE UPDATE OF `repayment_reason`, `repayment_scheduled_at` ON `purchases`
WHEN (NEW.`repayment_reason` IS NULL) <> (NEW.`repayment_scheduled_at` IS NULL)
  OR NEW.`repayment_reason` NOT IN ('refund', 'offering_cancelled')
BEGIN
  SELECT RAISE(ABORT, 'purchases.repayment_reason must be refund or offering_cancelled, set with repayment_scheduled_at');
END;
