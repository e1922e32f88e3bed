import { describe, expect, test } from 'bun:test'
import {
  explainEarlyRepayment,
  explainPurchaseState,
  milestoneLabel,
  milestoneProgress,
  milestones,
  noteTimeline,
} from '../../web/src/lib/purchase-words.ts'

describe('a matured note explained on its page', () => {
  test('follows its payment: never "on its way" while the money is held or in review', () => {
    expect(explainPurchaseState('matured', 'on_its_way')).toContain('on its way to your bank')
    expect(explainPurchaseState('matured', null)).toContain('on its way to your bank')

    const held = explainPurchaseState('matured', 'held')
    expect(held).toContain('could not reach your bank')
    expect(held).not.toContain('on its way')
    const inReview = explainPurchaseState('matured', 'in_review')
    expect(inReview).toContain('under review')
    expect(inReview).not.toContain('on its way')
  })

  test('one Tenor repaid early is not said to have reached its maturity date', () => {
    for (const stage of ['held', 'in_review'] as const) {
      const repaid = explainPurchaseState('matured', stage, true)
      expect(repaid).toStartWith('Its payment')
      expect(repaid).not.toContain('maturity date')
    }
  })
})

describe('a note repaid early explained on its page', () => {
  const refund = { reason: 'refund', repaymentDate: '2026-03-09' } as const

  test('says why, when, and that it cannot roll over', () => {
    expect(explainEarlyRepayment(refund, 'active', 'Series A')).toBe(
      'Tenor is repaying this note early: it is refunded. On March 9, 2026 it pays your principal with the interest earned to that day to your bank account, instead of at the end of its term. It cannot roll over into a new note.',
    )
    const cancelled = { reason: 'offering_cancelled', repaymentDate: '2026-03-09' } as const
    expect(explainEarlyRepayment(cancelled, 'active', 'Series A')).toContain(
      'Tenor is repaying this note early: Series A was cancelled.',
    )
  })

  test('says where the money is once the note is repaid', () => {
    expect(explainEarlyRepayment(refund, 'matured', 'Series A')).toBe(
      'Tenor repaid this note early: it is refunded. Your principal with the interest earned to March 9, 2026 is on its way to your bank account.',
    )
    expect(explainEarlyRepayment(refund, 'paid', 'Series A')).toBe(
      'Tenor repaid this note early: it is refunded. Your principal with the interest earned to March 9, 2026 was paid to your bank account.',
    )
    // Held or withheld money is not "on its way": the page explains it beside this.
    for (const stage of ['held', 'in_review'] as const) {
      expect(explainEarlyRepayment(refund, 'matured', 'Series A', stage)).toBe(
        'Tenor repaid this note early: it is refunded, with the interest earned to March 9, 2026.',
      )
    }
    expect(explainEarlyRepayment(refund, 'matured', 'Series A', 'on_its_way')).toContain(
      'is on its way to your bank account',
    )
  })
})

describe('milestoneProgress', () => {
  test('the step a purchase is at is now, not done; the end once reached is done', () => {
    expect(milestoneProgress('active')).toEqual(['done', 'done', 'now', 'ahead', 'ahead'])
    expect(milestoneProgress('pending')).toEqual(['now', 'ahead', 'ahead', 'ahead', 'ahead'])
    expect(milestoneProgress('paid')).toEqual(['done', 'done', 'done', 'done', 'done'])
    expect(milestoneProgress('initiated')).toEqual(['ahead', 'ahead', 'ahead', 'ahead', 'ahead'])
  })
})

describe('milestoneLabel', () => {
  const labels = (note: { repaidEarly: boolean; rolledOver: boolean }) =>
    milestones.map((m) => milestoneLabel(m.label, note))

  test('a note paid for by a rollover was not paid by a debit; one repaid early did not mature', () => {
    expect(labels({ repaidEarly: false, rolledOver: false })).toEqual([
      'Bought',
      'Debit sent',
      'Earning interest',
      'Matured',
      'Paid out',
    ])
    expect(labels({ repaidEarly: false, rolledOver: true })[1]).toBe('Paid by rollover')
    expect(labels({ repaidEarly: true, rolledOver: true })).toEqual([
      'Bought',
      'Paid by rollover',
      'Earning interest',
      'Repaid early',
      'Paid out',
    ])
  })
})

describe("a note's timeline", () => {
  test("puts what became of the payment among the note's own steps, by time", () => {
    const timeline = noteTimeline(
      [
        { to: 'active', note: null, at: '2026-03-02T15:00:00.000Z' },
        { to: 'matured', note: null, at: '2026-09-02T14:00:00.000Z' },
        { to: 'paid', note: null, at: '2026-09-03T14:00:00.000Z' },
      ],
      [
        { event: 'returned', at: '2026-09-08T14:00:00.000Z' },
        { event: 'paid_again', at: '2026-09-10T14:00:00.000Z' },
      ],
    )
    expect(timeline.map((step) => step.label)).toEqual([
      'Active, earning interest',
      'Matured',
      'Paid out',
      'Payment sent back by your bank',
      'Paid to your bank',
    ])
  })

  test("the investor's own debit is the debit sent to their bank, never money on its way", () => {
    const timeline = noteTimeline(
      [
        { from: 'pending', to: 'processing', note: null, at: '2026-03-01T15:00:00.000Z' },
        { from: 'processing', to: 'active', note: null, at: '2026-03-02T15:00:00.000Z' },
      ],
      [],
    )
    expect(timeline.map((step) => step.label)).toEqual([
      'Debit sent to your bank',
      'Active, earning interest',
    ])
    expect(timeline[0]?.label).toContain(milestones[1].label)
    expect(timeline[0]?.label).not.toContain('on its way')
  })

  test('a note set to be repaid early reads so, not as a second "active"', () => {
    const timeline = noteTimeline(
      [
        { from: 'processing', to: 'active', note: null, at: '2026-03-02T15:00:00.000Z' },
        {
          from: 'active',
          to: 'active',
          note: 'A refund was approved',
          at: '2026-03-05T15:00:00.000Z',
        },
      ],
      [],
    )
    expect(timeline.map((step) => step.label)).toEqual([
      'Active, earning interest',
      'Set to be repaid early',
    ])
  })

  test('a note repaid early reaches its repayment date, not its maturity', () => {
    const steps = [
      { from: 'active', to: 'active', note: null, at: '2026-03-05T15:00:00.000Z' },
      { from: 'active', to: 'matured', note: null, at: '2026-03-12T15:00:00.000Z' },
    ] as const
    expect(noteTimeline(steps, [], true).map((step) => step.label)).toEqual([
      'Set to be repaid early',
      'Repayment date reached',
    ])
    expect(noteTimeline(steps, []).at(-1)?.label).toBe('Matured')
  })
})
