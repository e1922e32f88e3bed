import { describe, expect, test } from 'bun:test'
import {
  describeMaturityInstruction,
  describeMaturityPlan,
  describeRolloverTarget,
  rolloverRateFell,
} from '../../web/src/lib/offering-words.ts'

describe('what happens at maturity, in words', () => {
  test('names the offering a rollover goes into', () => {
    expect(describeMaturityPlan('payout', null)).toBe('Principal and interest paid to your bank')
    const seriesB = { name: 'Series B', rateBps: 525, chosenAtRateBps: 500 }
    expect(describeMaturityPlan('rollover_all', seriesB)).toBe(
      'Principal and interest rolled over into Series B at 5.25%',
    )
    expect(describeMaturityPlan('rollover_principal', seriesB)).toBe(
      'Principal rolled over into Series B at 5.25%, interest paid to your bank',
    )
  })

  test('a rollover whose offering now pays less than when it was chosen reads as a payout', () => {
    const cut = { name: 'Series B', rateBps: 475, chosenAtRateBps: 500 }
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

  test('says when an offering stops selling before the note matures', () => {
    const offering = { name: 'Series B', rateBps: 610, termMonths: 12, closesOn: '2026-04-15' }

    expect(describeRolloverTarget(offering, '2026-04-15')).toBe('Series B: 6.10% for 12 months')
    expect(describeRolloverTarget(offering, '2026-09-02')).toBe(
      'Series B: 6.10% for 12 months (closes before your note matures)',
    )
  })
})
