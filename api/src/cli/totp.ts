import { currentTotpCode } from '../lib/totp.ts'
import { demoAccounts } from './demo.ts'

/** Development aid: prints the demo admin's current two-factor code. */
// On standard output, so a script can read it: `code=$(bun run --silent totp)`.
process.stdout.write(`${currentTotpCode(demoAccounts.admin.totpSecret, new Date())}\n`)
