import { describe, expect, test } from 'bun:test'
import { checkTaxId as apiCheckTaxId } from '../../api/src/routes/kyc/kyc.schemas.ts'
import { completeKycIssues } from '../../web/src/lib/server/kyc.ts'
import { checkTaxId } from '../../web/src/lib/server/tax-id.ts'

const typed = { dateOfBirth: '', taxIdKind: 'ssn', taxId: '' } as const

describe('the identity check form refused', () => {
  test('names the tax id beside the other fields the API refused', () => {
    const issues = completeKycIssues([{ path: 'city', message: 'Enter your city.' }], {
      ...typed,
      dateOfBirth: '1985-04-12',
      taxId: '000-12-3456',
    })
    expect(issues).toEqual([
      { path: 'city', message: 'Enter your city.' },
      { path: 'taxId', message: 'This is not a valid Social Security number.' },
    ])
  })

  test('asks for an empty tax id and date of birth as missing, not as malformed', () => {
    const issues = completeKycIssues(
      [{ path: 'dateOfBirth', message: 'Enter the date as YYYY-MM-DD.' }],
      { ...typed, taxIdKind: 'itin' },
    )
    expect(issues).toEqual([
      { path: 'dateOfBirth', message: 'Enter your date of birth.' },
      { path: 'taxId', message: 'Enter your ITIN.' },
    ])
    const malformed = completeKycIssues(
      [{ path: 'dateOfBirth', message: 'Enter the date as YYYY-MM-DD.' }],
      { ...typed, dateOfBirth: '12/04/1985', taxId: '123-45-6789' },
    )
    expect(malformed).toEqual([{ path: 'dateOfBirth', message: 'Enter the date as YYYY-MM-DD.' }])
  })

  test("keeps the API's own word on the tax id, and adds nothing to an acceptance", () => {
    const own = [{ path: 'taxId', message: 'From the API.' }]
    expect(completeKycIssues(own, typed)).toEqual(own)
    expect(completeKycIssues([], typed)).toEqual([])
  })

  test("judges tax ids as the API's rule does", () => {
    const samples = ['123456789', '000123456', '666123456', '912501234', '912931234', '12345678']
    for (let n = 0; n < 2000; n++) samples.push(String((n * 7_919_993 + 13) % 1e9).padStart(9, '9'))
    for (const kind of ['ssn', 'itin'] as const)
      for (const digits of samples)
        expect(checkTaxId(kind, digits)).toBe(apiCheckTaxId(kind, digits))
  })
})
