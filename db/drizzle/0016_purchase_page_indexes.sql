CREATE INDEX `purchases_rolled_from_idx` ON `purchases` (`rolled_from_purchase_id`);--> statement-breakpoint
CREATE INDEX `transfer_events_purchase_idx` ON `transfer_events` (`purchase_id`);