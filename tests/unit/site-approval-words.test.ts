import { describe, expect, test } from 'bun:test'
import { approvalActions } from '../../api/src/admin/approvals.ts'
import {
  describeApprovalAction,
  describeApprovalConfirmation,
  describeApprovalPayload,
  describeApprovalResult,
  describeApprovalState,
  describeApprovalTarget,
  describeApprovalUndo,
  twoAdministratorWork,
  wasNotApplied,
} from '../../web/src/lib/approval-words.ts'

describe('what needs two administrators', () => {
  test('every request the API waits on has a heading and is named in the list', () => {
    expect(twoAdministratorWork).toBe(
      'Publishing an offering, cancelling an offering, rate changes, refunds, releasing a payout withheld for review, cancelling a withheld payout and new administrators',
    )
    for (const action of approvalActions) expect(describeApprovalAction(action)).not.toBe(action)
  })

  test('an administrator made by approval can lose the role again; the rest cannot be undone', () => {
    expect(describeApprovalUndo('user.grant_admin')).toBe(
      'An administrator can revoke the role later, on the account’s page.',
    )
    expect(describeApprovalUndo('purchase.refund')).toBe('It cannot be undone from here.')
  })
})

describe('a rate change request in words', () => {
  test('says the rate moves from the old to the new one, for new purchases', () => {
    expect(
      describeApprovalPayload('offering.rate', JSON.stringify({ rateBps: 500, from: 550 })),
    ).toBe('Rate for new purchases: 5.50% → 5.00%')
    expect(describeApprovalPayload('offering.rate', JSON.stringify({ rateBps: 500 }))).toBe(
      'Rate for new purchases: 5.00%',
    )
  })
})

describe('a refund request in words', () => {
  test('names the purchase by its amount, investor and note, and says why apart', () => {
    const payload = JSON.stringify({
      reason: 'Bought twice by mistake.',
      amountCents: 150_000,
      investorEmail: 'ada@example.com',
      offeringName: 'Series A 6-Month Note',
    })
    const refund = { targetType: 'purchase', targetId: '01a245d7-6091', payload }
    expect(describeApprovalTarget(refund, {})).toBe(
      "$1,500.00 of ada@example.com's Series A 6-Month Note",
    )
    expect(describeApprovalPayload('purchase.refund', payload)).toBe(
      'Reason: Bought twice by mistake.',
    )
  })

  test('a payout release names the note, the payout and what the review found', () => {
    const payload = JSON.stringify({
      reason: 'The investor confirmed the debit with their bank.',
      amountCents: 100_000,
      payoutCents: 104_033,
      investorEmail: 'ada@example.com',
      offeringName: 'Series A 6-Month Note',
    })
    const release = { targetType: 'purchase', targetId: '01a245d7-6091', payload }
    const target = describeApprovalTarget(release, {})
    expect(target).toBe("$1,000.00 of ada@example.com's Series A 6-Month Note")
    expect(describeApprovalPayload('payout.release', payload)).toBe(
      'Payout: $1,040.33. Review found: The investor confirmed the debit with their bank.',
    )
    expect(describeApprovalConfirmation('payout.release', payload, target)).toStartWith(
      "Release the payout of $1,040.33 for $1,000.00 of ada@example.com's Series A 6-Month Note now?",
    )
  })

  test('a payout cancellation names the payout, what the review found and what happens', () => {
    const payload = JSON.stringify({
      reason: 'The bank took the debit back as unauthorized.',
      amountCents: 100_000,
      payoutCents: 104_033,
      investorEmail: 'ada@example.com',
      offeringName: 'Series A 6-Month Note',
    })
    const target = describeApprovalTarget({ targetType: 'purchase', targetId: 'p', payload }, {})
    expect(describeApprovalAction('payout.cancel')).toBe(
      'Cancel the payout of a note whose debit came back',
    )
    expect(describeApprovalPayload('payout.cancel', payload)).toBe(
      'Payout: $1,040.33. Review found: The bank took the debit back as unauthorized.',
    )
    expect(describeApprovalConfirmation('payout.cancel', payload, target)).toBe(
      "Cancel the payout of $1,040.33 for $1,000.00 of ada@example.com's Series A 6-Month Note now? The debit that paid for the note came back after it matured: the note is returned, nothing is paid on it, and the investor is told.",
    )
  })

  test('an older request, kept without the investor and note, shows the amount alone', () => {
    const payload = JSON.stringify({ reason: 'Bought twice by mistake.', amountCents: 150_000 })
    const refund = { targetType: 'purchase', targetId: '01a245d7-6091', payload }
    expect(describeApprovalTarget(refund, {})).toBe('A purchase of $1,500.00')
  })
})

describe('what a request is about', () => {
  test('an account reads as its email, an offering as its name, never as an id', () => {
    const grant = {
      targetType: 'user',
      targetId: '01a245d2-8f5a',
      payload: JSON.stringify({ email: 'ada@example.com' }),
    }
    expect(describeApprovalTarget(grant, {})).toBe('ada@example.com')
    expect(describeApprovalPayload('user.grant_admin', grant.payload)).toBe('')
    expect(describeApprovalTarget({ ...grant, payload: '{}' }, {})).toBe('An account')

    const cancel = { targetType: 'offering', targetId: 'o1', payload: '{"reason":"Too small."}' }
    expect(describeApprovalTarget(cancel, { o1: 'Series B 12-Month Note' })).toBe(
      'Series B 12-Month Note',
    )
    expect(describeApprovalTarget(cancel, {})).toBe('An offering')
    expect(describeApprovalPayload('offering.cancel', cancel.payload)).toBe('Reason: Too small.')
  })
})

describe('an approval outcome in words', () => {
  test('a turn-down reads with its reason, in a sentence', () => {
    expect(describeApprovalResult('rejected: Too high for now.')).toBe(
      'Turned down: Too high for now.',
    )
    expect(describeApprovalResult('rejected')).toBe('Turned down')
    expect(describeApprovalResult('rate changed to 6.50% for new purchases')).toBe(
      'Rate changed to 6.50% for new purchases',
    )
    expect(describeApprovalResult(null)).toBe('—')
  })
})

describe('an approval result with a date', () => {
  test('writes the date as the console does elsewhere', () => {
    expect(
      describeApprovalResult(
        'note set to repay on 2026-12-12, once its debit can no longer come back, with interest to that day',
      ),
    ).toBe(
      'Note set to repay on December 12, 2026, once its debit can no longer come back, with interest to that day',
    )
  })
})

describe('a request to publish an offering', () => {
  const payload = JSON.stringify({
    rateBps: 575,
    rateType: 'compound',
    compounding: 'monthly',
    dayCount: 'act_365f',
    termMonths: 9,
    capacityCents: 10_000_000,
    minPurchaseCents: 50_000,
    maxPurchaseCents: 1_000_000,
    incrementCents: 10_000,
    opensOn: '2026-03-01',
    closesOn: '2026-04-30',
  })

  test('shows the terms the approver agrees to', () => {
    expect(describeApprovalAction('offering.publish')).toBe('Publish an offering')
    expect(describeApprovalPayload('offering.publish', payload)).toBe(
      '5.75% a year, compounds every month, Actual/365 Fixed; 9 months; $100,000.00 to sell, $500.00 to $10,000.00 in steps of $100.00; on sale March 1, 2026 to April 30, 2026',
    )
    expect(describeApprovalConfirmation('offering.publish', payload, 'Series Z')).toBe(
      'Publish Series Z now, on the terms shown? Investors can then buy it, and its terms cannot change.',
    )
  })

  test('says nothing of terms it cannot read', () => {
    expect(describeApprovalPayload('offering.publish', '{"rateBps":"high"}')).toBe('')
  })
})

describe('an approved request that found nothing to do', () => {
  test('reads as not applied, not as carried out', () => {
    const stale = 'not applied: the draft was edited after the request; ask again'
    expect(wasNotApplied('executed', stale)).toBeTrue()
    expect(describeApprovalState('executed', stale)).toBe('Approved, not applied')
    expect(wasNotApplied('executed', 'published: on sale now')).toBeFalse()
    expect(describeApprovalState('executed', 'published: on sale now')).toBe(
      'Approved and carried out',
    )
    expect(wasNotApplied('failed', null)).toBeTrue()
  })
})
