import { withDatesInWords } from './audit-words.ts'
import { formatDate, formatRate, formatTerm, formatUsd } from './format.ts'
import { describeTermCode } from './offering-terms-options.ts'
import { describeInterest, type InterestTerms } from './offering-words.ts'

/** Plain words for the requests that wait for a second administrator. */

/**
 * Every request a second administrator approves, as the API lists them: its heading, and its
 * words in the sentence that lists them all (`twoAdministratorWork`), so that cannot miss one.
 */
const actions: Record<string, { heading: string; listed: string }> = {
  'offering.publish': { heading: 'Publish an offering', listed: 'publishing an offering' },
  'offering.cancel': {
    heading: 'Cancel an offering and repay its investors',
    listed: 'cancelling an offering',
  },
  'offering.rate': { heading: 'Change an open offering’s rate', listed: 'rate changes' },
  'purchase.refund': { heading: 'Refund a purchase to its investor', listed: 'refunds' },
  'payout.release': {
    heading: 'Release a payout withheld for review',
    listed: 'releasing a payout withheld for review',
  },
  'payout.cancel': {
    heading: 'Cancel the payout of a note whose debit came back',
    listed: 'cancelling a withheld payout',
  },
  'user.grant_admin': {
    heading: 'Make an account an administrator',
    listed: 'new administrators',
  },
}

export function describeApprovalAction(action: string): string {
  return actions[action]?.heading ?? action
}

/** What needs two administrators, as a sentence's subject: "Publishing an offering, …". */
export const twoAdministratorWork = (() => {
  const listed = Object.values(actions).map((action) => action.listed)
  const all = `${listed.slice(0, -1).join(', ')} and ${listed.at(-1)}`
  return all.charAt(0).toUpperCase() + all.slice(1)
})()

/**
 * Whether what an approval carries out can be taken back, said after its question: the admin
 * role can, by one administrator on the account's page (Revoke admin role).
 */
export function describeApprovalUndo(action: string): string {
  return action === 'user.grant_admin'
    ? 'An administrator can revoke the role later, on the account’s page.'
    : 'It cannot be undone from here.'
}

/** A request's stored payload as an object; one that is not JSON reads as empty. */
function readPayload(payload: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(payload)
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : null
  } catch {
    return null
  }
}

/**
 * What a request is about, by name rather than id: the offering's name (from `offeringNames`),
 * the account's email, or the purchase as its amount, investor and note ("$1,500.00 of
 * ada@example.com's Series A 6-Month Note"), as far as the request kept them.
 */
export function describeApprovalTarget(
  approval: { targetType: string; targetId: string; payload: string },
  offeringNames: Record<string, string>,
): string {
  const value = readPayload(approval.payload) ?? {}
  if (approval.targetType === 'offering') return offeringNames[approval.targetId] ?? 'An offering'
  if (approval.targetType === 'user') {
    return typeof value.email === 'string' ? value.email : 'An account'
  }
  if (approval.targetType === 'purchase') {
    // Requests made before the investor and note were kept with them show the amount alone.
    const amount = typeof value.amountCents === 'number' ? formatUsd(value.amountCents) : null
    const whose =
      typeof value.investorEmail === 'string' && typeof value.offeringName === 'string'
        ? `${value.investorEmail}'s ${value.offeringName}`
        : null
    if (amount && whose) return `${amount} of ${whose}`
    if (whose) return `A purchase of ${whose}`
    return amount ? `A purchase of ${amount}` : 'A purchase'
  }
  return approval.targetType
}

/**
 * What exactly was asked, beyond its target (which `describeApprovalTarget` names): the new
 * rate, or the reason given. Empty when the target says it all.
 */
export function describeApprovalPayload(action: string, payload: string): string {
  const value = readPayload(payload)
  if (value === null) return payload

  if (action === 'offering.rate' && typeof value.rateBps === 'number') {
    const to = formatRate(value.rateBps)
    return typeof value.from === 'number'
      ? `Rate for new purchases: ${formatRate(value.from)} → ${to}`
      : `Rate for new purchases: ${to}`
  }
  if (action === 'offering.cancel' || action === 'purchase.refund') {
    return typeof value.reason === 'string' ? `Reason: ${value.reason}` : ''
  }
  if (action === 'payout.release' || action === 'payout.cancel') {
    const payout =
      typeof value.payoutCents === 'number' ? `Payout: ${formatUsd(value.payoutCents)}` : null
    const found = typeof value.reason === 'string' ? `Review found: ${value.reason}` : null
    return [payout, found].filter(Boolean).join('. ')
  }
  if (action === 'offering.publish') return describePublishedTerms(value)
  if (action === 'user.grant_admin') return ''
  return payload
}

/**
 * The terms a publish request was made on, as the approver agrees to them: "5.75% a year, simple
 * interest, Actual/365 Fixed; 9 months; $100,000.00 to sell, $500.00 to $10,000.00 in steps of
 * $100.00; on sale March 1, 2026 to April 30, 2026". Empty when they cannot be read.
 */
function describePublishedTerms(value: Record<string, unknown>): string {
  const { rateBps, termMonths, capacityCents, opensOn, closesOn } = value
  const { rateType, compounding, dayCount, minPurchaseCents, maxPurchaseCents, incrementCents } =
    value
  if (
    typeof rateBps !== 'number' ||
    typeof termMonths !== 'number' ||
    typeof capacityCents !== 'number' ||
    typeof opensOn !== 'string' ||
    typeof closesOn !== 'string'
  ) {
    return ''
  }
  const rate = [`${formatRate(rateBps)} a year`]
  if (rateType === 'simple' || rateType === 'compound') {
    const every = typeof compounding === 'string' ? compounding : null
    rate.push(
      describeInterest({
        rateType,
        compounding: every as InterestTerms['compounding'],
      }).toLowerCase(),
    )
  }
  if (typeof dayCount === 'string') rate.push(describeTermCode('dayCount', dayCount) ?? dayCount)
  const sizes = [`${formatUsd(capacityCents)} to sell`]
  if (
    typeof minPurchaseCents === 'number' &&
    typeof maxPurchaseCents === 'number' &&
    typeof incrementCents === 'number'
  ) {
    sizes.push(
      `${formatUsd(minPurchaseCents)} to ${formatUsd(maxPurchaseCents)} in steps of ${formatUsd(incrementCents)}`,
    )
  }
  return [
    rate.join(', '),
    formatTerm(termMonths),
    sizes.join(', '),
    `on sale ${formatDate(opensOn)} to ${formatDate(closesOn)}`,
  ].join('; ')
}

// What a refund does depends on the note's state when it is carried out; an amount alone would
// understate what an active note is repaid (its interest to the repayment date).
const refundWords = {
  one: "If its debit has not gone out, it is cancelled; if the note is active, it is repaid early, principal and interest to the repayment date, to the investor's bank once the debit can no longer come back.",
  all: "Purchases whose debit has not gone out are cancelled; active notes are repaid early, principal and interest to the repayment date, to each investor's bank once the debit can no longer come back.",
}

/**
 * The question asked before approving, naming what is carried out and on what (`target`, as
 * `describeApprovalTarget` names it): "Refund $1,500.00 of ada@example.com's Series A now? …"
 */
export function describeApprovalConfirmation(
  action: string,
  payload: string,
  target: string,
): string {
  const value = readPayload(payload) ?? {}
  switch (action) {
    case 'offering.publish':
      return `Publish ${target} now, on the terms shown? Investors can then buy it, and its terms cannot change.`
    case 'offering.cancel':
      return `Cancel ${target} now? ${refundWords.all}`
    case 'offering.rate':
      return typeof value.rateBps === 'number'
        ? `Change the rate of ${target} to ${formatRate(value.rateBps)} for new purchases now?`
        : `Change the rate of ${target} now?`
    case 'purchase.refund':
      return `Refund ${target} now? ${refundWords.one}`
    case 'payout.release': {
      const payout =
        typeof value.payoutCents === 'number' ? ` of ${formatUsd(value.payoutCents)}` : ''
      return `Release the payout${payout} for ${target} now? It was withheld because a debit from the account that paid for the note came back; the next maturity run sends it, and a return received later withholds it again.`
    }
    case 'payout.cancel': {
      const payout =
        typeof value.payoutCents === 'number' ? ` of ${formatUsd(value.payoutCents)}` : ''
      return `Cancel the payout${payout} for ${target} now? The debit that paid for the note came back after it matured: the note is returned, nothing is paid on it, and the investor is told.`
    }
    case 'user.grant_admin':
      return `Make ${target} an administrator now?`
    default:
      return `${describeApprovalAction(action)} (${target}) now?`
  }
}

const stateWords = {
  pending: 'Waiting',
  approved: 'Approved, being carried out',
  rejected: 'Turned down',
  executed: 'Approved and carried out',
  failed: 'Approved, failed',
  withdrawn: 'Withdrawn by the asker',
} as const

/**
 * Whether an approved request did what it asked. The API records a request it carried out but
 * found nothing to do for (the draft edited since, the rate moved since) as executed, with a
 * result that begins "not applied".
 */
export function wasNotApplied(state: string, result: string | null): boolean {
  return state === 'failed' || (state === 'executed' && Boolean(result?.startsWith('not applied')))
}

export function describeApprovalState(
  state: keyof typeof stateWords,
  result: string | null = null,
): string {
  return state === 'executed' && wasNotApplied(state, result)
    ? 'Approved, not applied'
    : stateWords[state]
}

/** An approval's recorded outcome as a sentence: "Rate changed to …", "Turned down". */
export function describeApprovalResult(result: string | null): string {
  if (result === null || result === '') return '—'
  if (result === 'rejected') return 'Turned down'
  if (result.startsWith('rejected: ')) return `Turned down: ${result.slice('rejected: '.length)}`
  const worded = withDatesInWords(result)
  return worded.charAt(0).toUpperCase() + worded.slice(1)
}
