import { addDays, type CalendarDate, compareDates } from './dates.ts'

/**
 * Maturity rules. Investors may change what happens at maturity until a cut-off before it
 * (the closed-book period TreasuryDirect and note platforms use), and are reminded a few days
 * before that cut-off. All dates are business calendar dates.
 */
export const instructionCutoffDays = 5
export const reminderLeadDays = 10

export const maturityInstructions = ['payout', 'rollover_all', 'rollover_principal'] as const
export type MaturityInstruction = (typeof maturityInstructions)[number]

/**
 * What every note starts with, and every offering's default: paid out at maturity. A rollover
 * needs an offering to roll into, which only the investor picks, so it is never a default.
 */
export const defaultMaturityInstruction = 'payout' as const satisfies MaturityInstruction

/** The first day on which the maturity instruction can no longer change. */
export function instructionCutoffDate(maturityDate: CalendarDate): CalendarDate {
  return addDays(maturityDate, -instructionCutoffDays)
}

/** The last day on which the maturity instruction can still change: the day before the cut-off. */
export function lastInstructionChangeDate(maturityDate: CalendarDate): CalendarDate {
  return addDays(instructionCutoffDate(maturityDate), -1)
}

/** Tells whether the instruction may still change on `today`. */
export function canChangeInstruction(today: CalendarDate, maturityDate: CalendarDate): boolean {
  return compareDates(today, instructionCutoffDate(maturityDate)) < 0
}

/** Tells whether the reminder about the coming cut-off is due on `today`. */
export function isReminderDue(today: CalendarDate, maturityDate: CalendarDate): boolean {
  return (
    compareDates(today, addDays(maturityDate, -reminderLeadDays)) >= 0 &&
    canChangeInstruction(today, maturityDate)
  )
}

/** Tells whether a note has reached its maturity date on `today`. */
export function isMaturityDue(today: CalendarDate, maturityDate: CalendarDate): boolean {
  return compareDates(today, maturityDate) >= 0
}

/** How the proceeds of a maturing note divide between a rollover and an ACH payout. */
export function splitMaturityProceeds(input: {
  principalCents: number
  interestCents: number
  instruction: MaturityInstruction
}): { rolloverCents: number; payoutCents: number } {
  const total = input.principalCents + input.interestCents
  switch (input.instruction) {
    case 'payout':
      return { rolloverCents: 0, payoutCents: total }
    case 'rollover_all':
      return { rolloverCents: total, payoutCents: 0 }
    case 'rollover_principal':
      return { rolloverCents: input.principalCents, payoutCents: input.interestCents }
  }
}
