/** Plain words for the audit trail's actions and the before/after snapshots it keeps. */
import { formatDate, formatRate, formatUsd } from './format.ts'
import { describeTermCode } from './offering-terms-options.ts'

const actionWords: Record<string, string> = {
  'user.disable': 'Disabled an account',
  'user.enable': 'Enabled an account',
  'user.role.admin': 'Made an administrator',
  'user.role.investor': 'Revoked the admin role',
  'kyc.approve': 'Approved an identity check',
  'kyc.reject': 'Rejected an identity check',
  'offering.create': 'Created a draft offering',
  'offering.edit': 'Edited a draft offering',
  'offering.publish': 'Published an offering',
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
  'user.grant_admin.requested': 'Asked to make an administrator',
  'user.grant_admin.approved': 'Approved making an administrator',
  'user.grant_admin.rejected': 'Turned down making an administrator',
}

const targetWords: Record<string, string> = {
  offering: 'Offering',
  purchase: 'Purchase',
  user: 'Account',
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
 * A JSON snapshot as "key: value" lines, for the before and after columns. Whatever is not a
 * JSON object is shown as it was stored.
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
  const entries = Object.entries(value)
  const ordered = fromIsRate
    ? [...entries.filter(([key]) => key === 'from'), ...entries.filter(([key]) => key !== 'from')]
    : entries
  return ordered.map(([key, item]) =>
    key === 'from' && fromIsRate ? describeField('fromBps', item) : describeField(key, item),
  )
}

const maturityWords: Record<string, string> = {
  payout: 'paid out',
  rollover_all: 'principal and interest rolled over',
  rollover_principal: 'principal rolled over, interest paid out',
}

/**
 * One snapshot field in words: `capacityCents: 10000000` reads "capacity: $100,000.00",
 * `rateBps: 575` reads "rate: 5.75%", `dayCount: "act_365f"` reads "day count: Actual/365
 * (fixed)" and a field with no value reads "none"; other names are split into words.
 */
function describeField(key: string, item: unknown): string {
  if (key.endsWith('Cents') && Number.isSafeInteger(item)) {
    return `${words(key.slice(0, -'Cents'.length))}: ${formatUsd(item as number)}`
  }
  if (key.endsWith('Bps') && Number.isSafeInteger(item)) {
    return `${words(key.slice(0, -'Bps'.length))}: ${formatRate(item as number)}`
  }
  return `${words(key)}: ${describeValue(key, item)}`
}

function describeValue(key: string, item: unknown): string {
  if (item === null || item === undefined || item === '') return 'none'
  if (typeof item === 'boolean') return item ? 'yes' : 'no'
  if (typeof item !== 'string') return JSON.stringify(item)

  const maturity = /maturityInstruction$/i.test(key) ? maturityWords[item] : undefined
  return maturity ?? describeTermCode(key, item) ?? withDatesInWords(item)
}

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
