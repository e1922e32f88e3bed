import { createLogger, type Logger } from '@tenor/db/logger'
import { getEnv } from './env.ts'

let root: Logger | undefined

/** The site's structured logger; the same JSON lines, redaction and levels as the API's. */
export function getLog(): Logger {
  if (!root) {
    const env = getEnv()
    root = createLogger(env.logLevel, { component: 'web', env: env.appEnv })
  }
  return root
}
