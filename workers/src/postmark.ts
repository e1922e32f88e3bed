import type { Env } from '@tenor/db/env'
import { ServerClient } from 'postmark'

/**
 * The official Postmark client, or null without a server token (development and tests), when
 * emails stay in the outbox and the development mailbox shows them.
 */
export function createPostmarkClient(config: Env['postmark']): ServerClient | null {
  if (!config.token) return null
  if (!config.apiUrl) return new ServerClient(config.token, { timeout: 20 })
  // A local Postmark-compatible server (tests): plain HTTP on loopback.
  const url = new URL(config.apiUrl)
  return new ServerClient(config.token, {
    useHttps: url.protocol === 'https:',
    requestHost: url.host,
    timeout: 20,
  })
}
