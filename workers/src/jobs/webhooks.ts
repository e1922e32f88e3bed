import type { Job } from '../job.ts'

/**
 * Applies stored webhooks the API did not finish (it crashed, or Plaid was unreachable when it
 * re-read an item). The API normally processes each one right after acknowledging it.
 */
export const processWebhooks: Job = {
  name: 'webhooks',
  async run({ deps }) {
    return { processed: await deps.processWebhooks() }
  },
}
