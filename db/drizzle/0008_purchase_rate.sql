-- The rate a note was sold at. Existing notes take their offering's rate: until now that was
-- the only rate the app used for them.
ALTER TABLE `purchases` ADD `rate_bps` integer NOT NULL DEFAULT 0;--> statement-breakpoint
UPDATE `purchases` SET `rate_bps` = (SELECT `offerings`.`rate_bps` FROM `offerings` WHERE `offerings`.`id` = `purchases`.`offering_id`);--> statement-breakpoint
-- SQLite cannot add a CHECK to a table; the default exists only so the column could be added.
CREATE TRIGGER `purchases_rate_required` BEFORE INSERT ON `purchases`
WHEN typeof(NEW.`rate_bps`) <> 'integer' OR NEW.`rate_bps` <= 0
BEGIN
  SELECT RAISE(ABORT, 'purchases.rate_bps must be the positive rate the note was sold at');
END;
