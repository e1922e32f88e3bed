import {
  type CalendarDate,
  canChangeInstruction,
  instructionCutoffDate,
  lastInstructionChangeDate,
  toCalendarDate,
} from '@tenor/db/domain'
import { describeCalendarDate } from '@tenor/db/domain/dates'
import type { EarlyRepaymentReason } from '@tenor/db/schema'
import type { PurchaseRow } from '../purchases/records.ts'

/** Why a note's maturity instruction cannot change, with the stable code the API answers. */
export interface InstructionLock {
  code: 'instruction_locked' | 'repayment_scheduled' | 'instruction_cutoff_passed'
  message: string
}

type LockedFields = Pick<
  PurchaseRow,
  'state' | 'maturityDate' | 'repaymentReason' | 'repaymentScheduledAt'
>

// A note keeps its instruction once it has matured, or once its purchase was undone.
const changeableStates: readonly PurchaseRow['state'][] = [
  'initiated',
  'pending',
  'processing',
  'active',
]

const repaymentCauses: Record<EarlyRepaymentReason, string> = {
  refund: 'a refund was approved',
  offering_cancelled: 'its offering was cancelled',
}

/**
 * Why the instruction of a note cannot change on `today`, or null when it can. A note Tenor
 * repays early is paid out on its repayment date whatever the instruction said, so it is never
 * changeable, however far off that date is.
 */
export function findInstructionLock(
  purchase: LockedFields,
  today: CalendarDate,
): InstructionLock | null {
  if (!changeableStates.includes(purchase.state)) {
    return { code: 'instruction_locked', message: `This purchase is ${purchase.state}.` }
  }

  if (purchase.repaymentReason) {
    return {
      code: 'repayment_scheduled',
      message: `Tenor is repaying this note early, on ${describeCalendarDate(purchase.maturityDate ?? '')}, because ${repaymentCauses[purchase.repaymentReason]}. It is paid to your bank account, so what happens at maturity can no longer change.`,
    }
  }

  // A note not yet settled has no maturity date, so no cut-off yet.
  if (!purchase.maturityDate) return null
  const maturityDate = toCalendarDate(purchase.maturityDate)
  if (canChangeInstruction(today, maturityDate)) return null

  return {
    code: 'instruction_cutoff_passed',
    message: `Instructions for this note closed on ${describeCalendarDate(instructionCutoffDate(maturityDate))}, before it matures on ${describeCalendarDate(maturityDate)}.`,
  }
}

/**
 * The last day on which the instruction can still change: null when it cannot change today,
 * and while the debit has not settled, when the maturity date is not known yet.
 */
export function instructionChangeableUntil(
  purchase: LockedFields,
  today: CalendarDate,
): CalendarDate | null {
  if (!purchase.maturityDate || findInstructionLock(purchase, today)) return null

  return lastInstructionChangeDate(toCalendarDate(purchase.maturityDate))
}
