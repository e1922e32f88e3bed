/** Plain words for the audit trail's actions and the before/after snapshots it keeps. */
import { formatDate, formatRate, formatTerm, formatUsd } from './format.ts'
import { describeAdminKycStatus, type KycStatus } from './kyc-words.ts'
import { describeTermCode } from './offering-terms-options.ts'

const actionWords: Record<string, string> = {
  'user.disable': 'Disabled an account',
  'user.enable': 'Enabled an account',
  'user.role.admin': 'Made an administrator',
  'user.role.admin.command_line': 'Made an administrator from the command line',
  'user.role.investor': 'Revoked the admin role',
  'kyc.approve': 'Approved an identity check',
  'kyc.reject': 'Rejected an identity check',
  'offering.create': 'Created a draft offering',
  'offering.edit': 'Edited a draft offering',
  'offering.publish': 'Published an offering',
  'offering.publish.requested': 'Asked to publish an offering',
  'offering.publish.approved': 'Approved publishing an offering',
  'offering.publish.rejected': 'Turned down publishing an offering',
  'offering.closed': 'Closed an offering early',
  'offering.cancel.requested': 'Asked to cancel an offering',
  'offering.rate.requested': 'Asked to change a rate',
  'offering.cancel.approved': 'Approved cancelling an offering',
  'offering.cancel.rejected': 'Turned down cancelling an offering',
  'offering.rate.approved': 'Approved a rate change',
  'offering.rate.rejected': 'Turned down a rate change',
  'offering.rate.changed': 'Changed a rate',
  'offering.cancelled': 'Cancelled an offering',
  'purchase.refund.requested': 'Asked to refund a purchase',
  'purchase.refund.approved': 'Approved a refund',
  'purchase.refund.rejected': 'Turned down a refund',
  'purchase.refunded': 'Refunded a purchase',
  'payout.release.requested': 'Asked to release a payout withheld for review',
  'payout.release.approved': 'Approved releasing a withheld payout',
  'payout.release.rejected': 'Turned down releasing a withheld payout',
  'payout.released': 'Released a payout withheld for review',
  'payout.cancel.requested': 'Asked to cancel the payout of a note whose debit came back',
  'payout.cancel.approved': 'Approved cancelling a payout',
  'payout.cancel.rejected': 'Turned down cancelling a payout',
  'payout.cancelled': 'Cancelled a payout: the note’s debit came back after it matured',
  'user.grant_admin.requested': 'Asked to make an administrator',
  'user.grant_admin.approved': 'Approved making an administrator',
  'user.grant_admin.rejected': 'Turned down making an administrator',
  'email.retried': 'Sent an undelivered email again',
}

const targetWords: Record<string, string> = {
  offering: 'Offering',
  purchase: 'Purchase',
  user: 'Account',
  email: 'Email',
}

/** What an audit line is about, as a label for its id: "Offering", "Account". */
export function describeAuditTarget(targetType: string): string {
  return targetWords[targetType] ?? targetType
}

/** An action code in words; codes without words yet read as themselves. */
export function describeAuditAction(action: string): string {
  const known = actionWords[action]
  if (known) return known
  // A request taken back reads as its asking did: "Withdrew the request to refund a purchase".
  const asked = action.endsWith('.withdrawn')
    ? actionWords[action.replace(/\.withdrawn$/, '.requested')]
    : undefined
  return asked ? asked.replace(/^Asked to /, 'Withdrew the request to ') : action
}

/**
 * Who did it, when no administrator did: an account made an administrator from the server's
 * command line (`admin:create`) is recorded against itself, the row needing an account, but
 * nobody signed in made it. Null for every action an administrator took.
 */
export function describeAuditActor(action: string): string | null {
  return action === 'user.role.admin.command_line' ? 'The command line, on the server' : null
}

/**
 * A JSON snapshot as "Name: value" lines, for the before and after columns. A reason that was
 * not given is left out; any other field with no value reads "—". Whatever is not a JSON object
 * is shown as it was stored.
 */
export function describeSnapshot(json: string | null): string[] {
  if (json === null) return []

  let value: unknown
  try {
    value = JSON.parse(json)
  } catch {
    return [json]
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [json]

  // A rate change's request keeps the old rate as `from`, in basis points like `rateBps`; it
  // reads first, as a change reads from the old to the new.
  const fromIsRate = 'rateBps' in value
  const entries = Object.entries(value).filter(([key, item]) => key !== 'reason' || hasValue(item))
  const ordered = fromIsRate
    ? [...entries.filter(([key]) => key === 'from'), ...entries.filter(([key]) => key !== 'from')]
    : entries
  return ordered.map(([key, item]) =>
    key === 'from' && fromIsRate ? describeField('fromBps', item) : describeField(key, item),
  )
}

const hasValue = (item: unknown) => item !== null && item !== undefined && item !== ''

/** Fields named as the console's forms and pages name them; others are split into words. */
const fieldNames: Record<string, string> = {
  kycStatus: 'Identity check',
  capacityCents: 'Offering size',
  minPurchaseCents: 'Minimum purchase',
  maxPurchaseCents: 'Maximum purchase',
  incrementCents: 'In steps of',
  termMonths: 'Term',
  slug: 'Address name',
  defaultMaturityInstruction: 'At maturity',
  maturityInstruction: 'At maturity',
}

const maturityWords: Record<string, string> = {
  payout: 'paid out',
  rollover_all: 'principal and interest rolled over',
  rollover_principal: 'principal rolled over, interest paid out',
}

const roleWords: Record<string, string> = { admin: 'administrator', investor: 'investor' }

/**
 * One snapshot field in words: `capacityCents: 10000000` reads "Offering size: $100,000.00",
 * `rateBps: 575` reads "Rate: 5.75%", `dayCount: "act_365f"` reads "Day count: Actual/365
 * Fixed", `kycStatus: "submitted"` reads "Identity check: Waiting for review".
 */
function describeField(key: string, item: unknown): string {
  if (key.endsWith('Cents') && Number.isSafeInteger(item)) {
    return `${nameField(key, 'Cents')}: ${formatUsd(item as number)}`
  }
  if (key.endsWith('Bps') && Number.isSafeInteger(item)) {
    return `${nameField(key, 'Bps')}: ${formatRate(item as number)}`
  }
  return `${nameField(key)}: ${describeValue(key, item)}`
}

/** A field's name: the console's own, or its words ("maturityDate" reads "Maturity date"). */
function nameField(key: string, unit = ''): string {
  const named = fieldNames[key]
  if (named) return named

  const spaced = words(unit ? key.slice(0, -unit.length) : key)
  return spaced.charAt(0).toUpperCase() + spaced.slice(1)
}

function describeValue(key: string, item: unknown): string {
  if (!hasValue(item)) return '—'
  if (typeof item === 'boolean') return item ? 'yes' : 'no'
  if (key === 'termMonths' && Number.isSafeInteger(item)) return formatTerm(item as number)
  if (typeof item !== 'string') return JSON.stringify(item)

  // What an administrator typed is shown as typed.
  if (/reason$/i.test(key)) return item
  if (key === 'kycStatus' && isKycStatus(item)) return describeAdminKycStatus(item)
  if (key === 'role' && roleWords[item]) return roleWords[item]
  const maturity = /maturityInstruction$/i.test(key) ? maturityWords[item] : undefined
  return maturity ?? describeTermCode(key, item) ?? withDatesInWords(item)
}

const isKycStatus = (item: string): item is KycStatus =>
  ['none', 'submitted', 'approved', 'rejected'].includes(item)

/** Calendar dates in a stored text ("2026-12-12") as the console writes them elsewhere. */
export function withDatesInWords(text: string): string {
  return text.replace(/\b(\d{4}-\d{2}-\d{2})\b/g, (day) => formatDate(day))
}

/**
 * An email address in the pieces a line may break between when a narrow column needs it: after
 * the @ and before each dot ("admin@", "tenor", ".local"), never inside a name.
 */
export function splitEmail(email: string): string[] {
  return email.split(/(?<=@)|(?=\.)/).filter((piece) => piece !== '')
}

const words = (camel: string) => camel.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase()
