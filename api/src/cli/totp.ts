import { currentTotpCode } from '../lib/totp.ts'
import { demoAccounts } from './demo.ts'

/** Development aid: prints the demo admin's current two-factor code. */
console.warn(currentTotpCode(demoAccounts.admin.totpSecret, new Date()))
