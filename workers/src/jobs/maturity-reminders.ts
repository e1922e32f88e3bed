import { sendMaturityReminders } from '@tenor/api/maturities/reminders'
import type { Job } from '../job.ts'

/**
 * Writes the maturity reminder email, once per holding, from ten days before maturity until
 * the instruction cut-off; the email-delivery job sends it.
 */
export const maturityReminders: Job = {
  name: 'maturity-reminders',
  run: ({ deps, log }) => sendMaturityReminders(deps, log),
}
