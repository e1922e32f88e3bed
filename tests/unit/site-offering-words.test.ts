import { describe, expect, test } from 'bun:test'
import {
  describeMaturityInstruction,
  describeMaturityPlan,
  describeRolloverTarget,
} from '../../web/src/lib/offering-words.ts'

describe('what happens at maturity, in words', () => {
  test('names the offering a rollover goes into', () => {
    expect(describeMaturityPlan('payout', null)).toBe('Principal and interest paid to your bank')
    expect(describeMaturityPlan('rollover_all', 'Series B')).toBe(
      'Principal and interest rolled over into Series B',
    )
    expect(describeMaturityPlan('rollover_principal', 'Series B')).toBe(
      'Principal rolled over into Series B, interest paid to your bank',
    )
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
