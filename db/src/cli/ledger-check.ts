import { openDatabase } from '../client.ts'
import { checkLedger, summarizeLedger } from '../domain/ledger-check.ts'
import { loadEnv } from '../env.ts'

/**
 * `bun run ledger:check`: verifies every ledger invariant and prints one JSON line. Exits 0
 * when the ledger is sound, 1 when any invariant is broken, 2 when the check could not run.
 */
const shownViolations = 100

const env = loadEnv()
const database = openDatabase(env.database)
try {
  const summary = await summarizeLedger(database.db)
  const violations = await checkLedger(database.db)
  console.log(
    JSON.stringify({
      event: 'ledger checked',
      ok: violations.length === 0,
      ...summary,
      violationCount: violations.length,
      violations: violations.slice(0, shownViolations),
    }),
  )
  process.exitCode = violations.length === 0 ? 0 : 1
} catch (error) {
  console.error(
    JSON.stringify({
      event: 'ledger check failed',
      // drizzle wraps a failed query; the driver's reason (e.g. no such table) is the cause.
      error: String(error instanceof Error && error.cause instanceof Error ? error.cause : error),
    }),
  )
  process.exitCode = 2
} finally {
  database.close()
}
