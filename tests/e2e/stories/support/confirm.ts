import type { Locator, Page } from '@playwright/test'

/**
 * Takes an action that asks first: opens its step by the label shown, then presses the button
 * inside that does it.
 */
export async function confirmStep(scope: Page | Locator, opener: string, action: string) {
  await scope.locator('summary', { hasText: opener }).click()
  await scope.getByRole('button', { name: action, exact: true }).click()
}
