import { parseArgs } from 'node:util'
import { openDatabase } from '@tenor/db'
import { loadEnv } from '@tenor/db/env'
import { users } from '@tenor/db/schema'
import { eq } from 'drizzle-orm'
import { decrypt } from '../lib/crypto.ts'
import { currentTotpCode, totpAssociatedData } from '../lib/totp.ts'
import { demoAccounts } from './demo.ts'

/**
 * Development aid: prints the current two-factor code of the demo admin, or, with `--email`, of
 * any account on the local database that has an authenticator set up (or being set up; while
 * one is replacing another, the new one's code follows on standard error), so a second
 * administrator can be tried without an authenticator app. Development and test only.
 *
 *   bun run totp
 *   bun run totp -- --email second@tenor.local
 */
const { values } = parseArgs({ args: Bun.argv.slice(2), options: { email: { type: 'string' } } })

// On standard output, so a script can read it: `code=$(bun run --silent totp)`.
if (values.email === undefined) {
  process.stdout.write(`${currentTotpCode(demoAccounts.admin.totpSecret, new Date())}\n`)
  process.exit(0)
}

const env = loadEnv()
if (env.appEnv !== 'development' && env.appEnv !== 'test') {
  console.error('totp --email reads authenticator secrets, so it runs only in development.')
  process.exit(2)
}
const database = openDatabase(env.database)
const user = await database.db.query.users.findFirst({
  where: eq(users.email, values.email.trim().toLowerCase()),
  columns: { id: true, totpSecret: true, totpPendingSecret: true },
})
database.close()
if (!user?.totpSecret) {
  console.error(`${values.email} has no authenticator set up: start two-factor in Settings first.`)
  process.exit(1)
}
const codeOf = (sealed: string) =>
  currentTotpCode(decrypt(sealed, env.encryptionKeys, totpAssociatedData(user.id)), new Date())
process.stdout.write(`${codeOf(user.totpSecret)}\n`)
// While two-factor moves to a new authenticator, the new one's code confirms the move, with the
// current one's (above) or a recovery code.
if (user.totpPendingSecret) {
  console.error(`The authenticator being set up shows ${codeOf(user.totpPendingSecret)}.`)
}
