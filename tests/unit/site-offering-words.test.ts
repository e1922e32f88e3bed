import { describe, expect, test } from 'bun:test'
import {
  asNote,
  describeIssuer,
  describeMaturityInstruction,
  describeMaturityPlan,
  describeRolloverTarget,
  rolloverRateFell,
} from '../../web/src/lib/offering-words.ts'

describe('what happens at maturity, in words', () => {
  test('names the offering a rollover goes into', () => {
    expect(describeMaturityPlan('payout', null)).toBe('Principal and interest paid to your bank')
    const seriesB = {
      name: 'Series B',
      rateBps: 525,
      chosenAtRateBps: 500,
      sellingAtMaturity: true,
    }
    expect(describeMaturityPlan('rollover_all', seriesB)).toBe(
      'Principal and interest rolled over into Series B at 5.25%',
    )
    expect(describeMaturityPlan('rollover_principal', seriesB)).toBe(
      'Principal rolled over into Series B at 5.25%, interest paid to your bank',
    )
  })

  test('a rollover the offering’s note sizes do not fit says how the money splits', () => {
    const seriesB = {
      name: 'Series B',
      rateBps: 525,
      chosenAtRateBps: 500,
      sellingAtMaturity: true,
    }
    // The largest note it sells is less than the principal and interest.
    const capped = { ...seriesB, rollsCents: 5_000_000, paidOutCents: 288_288 }
    expect(describeMaturityPlan('rollover_all', capped, 5_000_000)).toBe(
      '$50,000.00 rolled over into Series B at 5.25%, the other $2,882.88 paid to your bank',
    )
    // The principal fits whole: the interest is paid as asked.
    expect(describeMaturityPlan('rollover_principal', capped, 5_000_000)).toBe(
      'Principal rolled over into Series B at 5.25%, interest paid to your bank',
    )
    expect(describeMaturityPlan('rollover_principal', capped, 5_050_000)).toBe(
      '$50,000.00 rolled over into Series B at 5.25%, the other $2,882.88 paid to your bank',
    )
    expect(
      describeMaturityPlan('rollover_all', { ...seriesB, rollsCents: 100_000, paidOutCents: 0 }),
    ).toBe('Principal and interest rolled over into Series B at 5.25%')
    expect(
      describeMaturityPlan('rollover_all', { ...seriesB, rollsCents: null, paidOutCents: 40_000 }),
    ).toBe('Principal and interest paid to your bank: Series B does not sell a note that small')
  })

  test('a rollover whose offering now pays less than when it was chosen reads as a payout', () => {
    const cut = { name: 'Series B', rateBps: 475, chosenAtRateBps: 500, sellingAtMaturity: true }
    expect(rolloverRateFell(cut)).toBe(true)
    expect(describeMaturityPlan('rollover_all', cut)).toBe(
      'Principal and interest paid to your bank: the rate of Series B fell below the 5.00% you chose it at',
    )
    expect(rolloverRateFell({ ...cut, rateBps: 500 })).toBe(false)
    expect(rolloverRateFell({ ...cut, chosenAtRateBps: null })).toBe(false)
  })

  test('a rollover with no offering to roll into reads as the payout it will be', () => {
    for (const instruction of ['rollover_all', 'rollover_principal'] as const) {
      expect(describeMaturityPlan(instruction, null)).toBe(
        'Principal and interest paid to your bank',
      )
      expect(describeMaturityInstruction(instruction, null)).toBe(
        'Principal and interest paid to your bank',
      )
    }
    expect(describeMaturityInstruction('rollover_all', 'offering-1')).toBe(
      'Principal and interest rolled into the offering you chose',
    )
  })

  test('calls an offering a note once, whether or not its name already says so', () => {
    expect(asNote('Series B')).toBe('Series B note')
    expect(asNote('Series R 12-Month Rolling Note')).toBe('Series R 12-Month Rolling Note')
  })

  test('names a rollover choice by its rate and term', () => {
    expect(describeRolloverTarget({ name: 'Series B', rateBps: 610, termMonths: 12 })).toBe(
      'Series B: 6.10% for 12 months',
    )
  })

  test('a rollover into an offering that will not be selling at maturity reads as a payout', () => {
    const closing = {
      name: 'Series B',
      rateBps: 610,
      chosenAtRateBps: 610,
      sellingAtMaturity: false,
    }
    expect(describeMaturityPlan('rollover_all', closing)).toBe(
      'Principal and interest paid to your bank: Series B will not be selling when the note matures',
    )
  })
})

describe('the issuer, in a sentence', () => {
  test("ends with one full stop, the name's own included", () => {
    expect(describeIssuer('Tenor Funding LLC')).toBe('Issued by Tenor Funding LLC.')
    expect(describeIssuer('Cove Capital Inc.')).toBe('Issued by Cove Capital Inc.')
  })
})
