import { reportError } from '@tenor/api/lib/sentry'
import type { LogFields, Logger } from '@tenor/db/logger'

/**
 * The worker's logger, with every error-level line that carries an `error` also sent to Sentry
 * (when configured). Jobs already log their failures once, with the job run id; this reports
 * exactly those, so no job code needs to know about Sentry.
 */
export function reportingErrors(log: Logger, base: LogFields = {}): Logger {
  return {
    debug: log.debug,
    info: log.info,
    warn: log.warn,
    error(event, fields) {
      log.error(event, fields)
      const all = { ...base, ...fields }
      if (all.error !== undefined) {
        const jobRunId = typeof all.jobRunId === 'string' ? all.jobRunId : undefined
        reportError(all.error, { jobRunId })
      }
    },
    child: (fields) => reportingErrors(log.child(fields), { ...base, ...fields }),
  }
}
