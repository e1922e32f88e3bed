import { withDatesInWords } from './audit-words.ts'
import { formatRate, formatUsd } from './format.ts'

/** Plain words for the requests that wait for a second administrator. */

const actionWords: Record<string, string> = {
  'offering.cancel': 'Cancel an offering and repay its investors',
  'offering.rate': 'Change an open offering’s rate',
  'purchase.refund': 'Refund a purchase to its investor',
  'user.grant_admin': 'Make an account an administrator',
}

export function describeApprovalAction(action: string): string {
  return actionWords[action] ?? action
}

/** What exactly was asked, from the request's stored payload. */
export function describeApprovalPayload(action: string, payload: string): string {
  let value: Record<string, unknown>
  try {
    value = JSON.parse(payload) as Record<string, unknown>
  } catch {
    return payload
  }
  if (action === 'offering.rate' && typeof value.rateBps === 'number') {
    const to = formatRate(value.rateBps)
    return typeof value.from === 'number'
      ? `Rate for new purchases: ${formatRate(value.from)} → ${to}`
      : `Rate for new purchases: ${to}`
  }
  if (action === 'offering.cancel' && typeof value.reason === 'string') {
    return `Reason: ${value.reason}`
  }
  if (action === 'purchase.refund' && typeof value.reason === 'string') {
    const amount = typeof value.amountCents === 'number' ? formatUsd(value.amountCents) : ''
    // Requests made before the investor and note were kept with them show the amount alone.
    const whose =
      typeof value.investorEmail === 'string' && typeof value.offeringName === 'string'
        ? ` of ${value.investorEmail}'s ${value.offeringName}`
        : ''
    const what = amount || whose ? `${amount}${whose}. ` : ''
    return `${what}Reason: ${value.reason}`
  }
  if (action === 'user.grant_admin' && typeof value.email === 'string') return value.email
  return payload
}

const stateWords = {
  pending: 'Waiting',
  approved: 'Approved, being carried out',
  rejected: 'Turned down',
  executed: 'Approved and carried out',
  failed: 'Approved, failed',
  withdrawn: 'Withdrawn by the asker',
} as const

export function describeApprovalState(state: keyof typeof stateWords): string {
  return stateWords[state]
}

/** An approval's recorded outcome as a sentence: "Rate changed to …", "Turned down". */
export function describeApprovalResult(result: string | null): string {
  if (result === null || result === '') return '—'
  if (result === 'rejected') return 'Turned down'
  if (result.startsWith('rejected: ')) return `Turned down: ${result.slice('rejected: '.length)}`
  const worded = withDatesInWords(result)
  return worded.charAt(0).toUpperCase() + worded.slice(1)
}
