ALTER TABLE `purchases` ADD `rollover_rate_bps` integer;--> statement-breakpoint
-- A rollover chosen before the rate was kept: its offering's rate now is the best record of the
-- rate the investor saw.
UPDATE `purchases` SET `rollover_rate_bps` = (
  SELECT `o`.`rate_bps` FROM `offerings` `o` WHERE `o`.`id` = `purchases`.`rollover_offering_id`
)
WHERE `rollover_offering_id` IS NOT NULL;
