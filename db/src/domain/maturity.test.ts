import { describe, expect, test } from 'bun:test'
import fc from 'fast-check'
import { toCalendarDate } from './dates.ts'
import {
  canChangeInstruction,
  instructionCutoffDate,
  isMaturityDue,
  isReminderDue,
  lastInstructionChangeDate,
  maturityInstructions,
  splitMaturityProceeds,
} from './maturity.ts'

const d = toCalendarDate

describe('maturity calendar', () => {
  test('closes instructions five days before maturity', () => {
    expect(instructionCutoffDate(d('2026-03-10'))).toBe(d('2026-03-05'))
    expect(canChangeInstruction(d('2026-03-04'), d('2026-03-10'))).toBe(true)
    expect(canChangeInstruction(d('2026-03-05'), d('2026-03-10'))).toBe(false)
    expect(lastInstructionChangeDate(d('2026-03-10'))).toBe(d('2026-03-04'))
  })

  test('reminds from ten days before maturity until the cut-off', () => {
    expect(isReminderDue(d('2026-02-27'), d('2026-03-10'))).toBe(false)
    expect(isReminderDue(d('2026-02-28'), d('2026-03-10'))).toBe(true)
    expect(isReminderDue(d('2026-03-04'), d('2026-03-10'))).toBe(true)
    expect(isReminderDue(d('2026-03-05'), d('2026-03-10'))).toBe(false)
  })

  test('matures on its date, and on any later date a run happens', () => {
    expect(isMaturityDue(d('2026-03-09'), d('2026-03-10'))).toBe(false)
    expect(isMaturityDue(d('2026-03-10'), d('2026-03-10'))).toBe(true)
    expect(isMaturityDue(d('2026-03-11'), d('2026-03-10'))).toBe(true)
  })

  test('counts the cut-off across a daylight-saving change by calendar date', () => {
    expect(instructionCutoffDate(d('2025-03-12'))).toBe(d('2025-03-07'))
    expect(instructionCutoffDate(d('2025-11-04'))).toBe(d('2025-10-30'))
  })
})

describe('splitMaturityProceeds', () => {
  test('pays out, rolls over everything, or rolls over principal and pays the interest', () => {
    const proceeds = { principalCents: 100_000, interestCents: 3_967 }
    expect(splitMaturityProceeds({ ...proceeds, instruction: 'payout' })).toEqual({
      rolloverCents: 0,
      payoutCents: 103_967,
    })
    expect(splitMaturityProceeds({ ...proceeds, instruction: 'rollover_all' })).toEqual({
      rolloverCents: 103_967,
      payoutCents: 0,
    })
    expect(splitMaturityProceeds({ ...proceeds, instruction: 'rollover_principal' })).toEqual({
      rolloverCents: 100_000,
      payoutCents: 3_967,
    })
  })

  test('never creates or loses a cent', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000_000 }),
        fc.integer({ min: 0, max: 1_000_000_000 }),
        fc.constantFrom(...maturityInstructions),
        (principalCents, interestCents, instruction) => {
          const split = splitMaturityProceeds({ principalCents, interestCents, instruction })
          return (
            split.rolloverCents + split.payoutCents === principalCents + interestCents &&
            split.rolloverCents >= 0 &&
            split.payoutCents >= 0
          )
        },
      ),
    )
  })
})
