ALTER TABLE `payouts` ADD `review_released_at` integer;--> statement-breakpoint
ALTER TABLE `payouts` ADD `review_released_through_event_id` integer;