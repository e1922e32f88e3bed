import { describe, expect, test } from 'bun:test'
import {
  bankingDayOnOrAfter,
  expectedSettlementDate,
  isBankingDay,
  nextBankingDay,
} from './banking-days.ts'
import { addDays, toCalendarDate } from './dates.ts'

const d = toCalendarDate

/** Every weekday of a year that is not a banking day. */
function weekdayClosures(year: number): string[] {
  const closed: string[] = []
  for (let day = d(`${year}-01-01`); day <= d(`${year}-12-31`); day = addDays(day, 1)) {
    const weekday = new Date(`${day}T00:00:00Z`).getUTCDay()
    if (weekday !== 0 && weekday !== 6 && !isBankingDay(day)) closed.push(day)
  }
  return closed
}

describe('isBankingDay', () => {
  // The Federal Reserve's published holiday schedules.
  test('closes on the Fed holidays of 2026, Independence Day (a Saturday) not moved', () => {
    expect(weekdayClosures(2026)).toEqual([
      '2026-01-01',
      '2026-01-19',
      '2026-02-16',
      '2026-05-25',
      '2026-06-19',
      '2026-09-07',
      '2026-10-12',
      '2026-11-11',
      '2026-11-26',
      '2026-12-25',
    ])
    expect(isBankingDay(d('2026-07-03'))).toBe(true)
  })

  test('keeps a Sunday holiday on the Monday after (2027: Independence Day on July 5)', () => {
    expect(weekdayClosures(2027)).toEqual([
      '2027-01-01',
      '2027-01-18',
      '2027-02-15',
      '2027-05-31',
      '2027-07-05',
      '2027-09-06',
      '2027-10-11',
      '2027-11-11',
      '2027-11-25',
    ])
    // Juneteenth and Christmas fall on Saturdays: the Fridays before stay open.
    expect(isBankingDay(d('2027-06-18'))).toBe(true)
    expect(isBankingDay(d('2027-12-24'))).toBe(true)
  })

  test('has no Juneteenth before 2022, and closes on New Year observed on Monday January 2, 2023', () => {
    expect(isBankingDay(d('2021-06-18'))).toBe(true)
    expect(weekdayClosures(2023)).toContain('2023-01-02')
    expect(weekdayClosures(2023)).toContain('2023-06-19')
  })

  test('never on a weekend', () => {
    expect(isBankingDay(d('2026-12-05'))).toBe(false)
    expect(isBankingDay(d('2026-12-06'))).toBe(false)
    expect(isBankingDay(d('2026-12-07'))).toBe(true)
  })
})

describe('moving to banking days', () => {
  test('the next banking day skips weekends and holidays', () => {
    expect(nextBankingDay(d('2026-12-04'))).toBe(d('2026-12-07')) // Friday → Monday
    expect(nextBankingDay(d('2026-12-24'))).toBe(d('2026-12-28')) // over Christmas and a weekend
    expect(nextBankingDay(d('2026-11-25'))).toBe(d('2026-11-27')) // over Thanksgiving
    expect(nextBankingDay(d('2026-03-02'))).toBe(d('2026-03-03'))
  })

  test('on or after stays on a banking day', () => {
    expect(bankingDayOnOrAfter(d('2026-03-02'))).toBe(d('2026-03-02'))
    expect(bankingDayOnOrAfter(d('2026-12-05'))).toBe(d('2026-12-07'))
  })
})

describe('expectedSettlementDate', () => {
  const cases: [string, string, string, string][] = [
    ['sent on a weekday', '2026-03-02', '2026-03-02', '2026-03-03'],
    ['sent on a Friday', '2026-12-04', '2026-12-04', '2026-12-07'],
    ['sent on a Saturday', '2026-12-05', '2026-12-05', '2026-12-07'],
    ['still unsettled two days late', '2026-03-02', '2026-03-05', '2026-03-05'],
    ['still unsettled, today a Sunday', '2026-03-02', '2026-03-08', '2026-03-09'],
  ]
  for (const [what, sentOn, today, expected] of cases) {
    test(what, () => {
      expect(expectedSettlementDate(d(sentOn), d(today))).toBe(d(expected))
    })
  }
})
