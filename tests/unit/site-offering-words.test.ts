import { describe, expect, test } from 'bun:test'
import { describeMaturityInstruction } from '../../web/src/lib/offering-words.ts'

describe('what happens at maturity, in words', () => {
  test('an offering tells new investors their notes are paid to their bank', () => {
    expect(describeMaturityInstruction('payout')).toBe('Principal and interest paid to your bank')
  })

  test('a rollover is promised only into the offering the investor chose', () => {
    expect(describeMaturityInstruction('rollover_all', 'offering-1')).toBe(
      'Principal and interest rolled into the offering you chose',
    )
    expect(describeMaturityInstruction('rollover_principal', 'offering-1')).toBe(
      'Principal rolled into the offering you chose, interest paid to your bank',
    )
  })

  test('a rollover with no offering to roll into says it is paid out, as it will be', () => {
    for (const instruction of ['rollover_all', 'rollover_principal'] as const) {
      const words = describeMaturityInstruction(instruction, null)
      expect(words).toBe('Principal and interest paid to your bank')
      expect(words).not.toMatch(/reinvested|rolled/)
    }
  })
})
