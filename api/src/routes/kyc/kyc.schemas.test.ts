import { describe, expect, test } from 'bun:test'
import { kycSubmission } from './kyc.schemas.ts'

const details = {
  legalName: 'Ada Lovelace',
  dateOfBirth: '1990-12-10',
  address: { line1: '1 Main Street', city: 'Springfield', region: 'IL', postalCode: '62701' },
  taxIdKind: 'ssn',
  taxId: '123-45-6789',
  attestation: true,
}

const issuesFor = (address: { line1: string; line2?: string }) => {
  const parsed = kycSubmission.safeParse({
    ...details,
    address: { ...details.address, ...address },
  })
  return parsed.success ? [] : parsed.error.issues.map((i) => i.path.join('.'))
}

describe('KYC street lines refuse a P.O. box', () => {
  const boxes = [
    'PO Box 123',
    'P.O. Box 123',
    'p.o. box 123',
    'P. O. Box 123',
    'P O Box 123',
    'PO. Box 123',
    'P.O.Box 123',
    'POBox 123',
    'pobox123',
    'P.O.-Box 9',
    'PO BOX',
    'Post Office Box 5',
    'post office box 5',
    'PostOffice Box 5',
    'POB 77',
    'P.O.B. 77',
    'pob77',
    'POB #77',
    '(P.O.) Box 12',
    'PO (Box) 12',
    'P(O) Box 12',
    'P&O Box 12',
    '12 Main St, PO Box 4',
  ]
  for (const line of boxes) {
    test(`refuses "${line}" in either line`, () => {
      expect(issuesFor({ line1: line })).toEqual(['address.line1'])
      expect(issuesFor({ line1: '1 Main Street', line2: line })).toEqual(['address.line2'])
    })
  }

  const streets = [
    '123 Box Elder Rd',
    'Pobrecito Way',
    '4 Boxwood Lane',
    '9 Post Office Road',
    '18 Hippo Box Court',
    '5 Poplar Street',
    '77 Pob Lane',
    'Apt 4B',
  ]
  for (const line of streets) {
    test(`accepts "${line}"`, () => {
      expect(issuesFor({ line1: line })).toEqual([])
      expect(issuesFor({ line1: '1 Main Street', line2: line })).toEqual([])
    })
  }

  test('sees a box written in full-width or look-alike letters', () => {
    // Full-width letters fold to plain ones, and are kept so.
    expect(issuesFor({ line1: 'ＰＯ Ｂｏｘ 1' })).toEqual(['address.line1'])
    const parsed = kycSubmission.safeParse({
      ...details,
      address: { ...details.address, line1: '１２ Ｍａｉｎ Ｓｔ' },
    })
    expect(parsed.data?.address.line1).toBe('12 Main St')
    // Cyrillic "РО Вох" reads as "PO Box" but is not Latin.
    expect(issuesFor({ line1: 'РО Вох 1' })).toEqual(['address.line1'])
    expect(issuesFor({ line1: '1 Main St', line2: 'Ρ.Ο. Βox 2' })).toEqual(['address.line2'])
    // Invisible characters, small capitals, marks and other separators hide nothing either.
    for (const disguised of [
      'P\u034FO Box 12',
      'PO\uFE0F Box 12',
      'P\u200BO Box 12',
      'ᴘᴏ ʙᴏx 12',
      'P\u0307O Box 12',
      'Pó Box 12',
      'P/O Box 12',
      'P,O, Box 12',
      '\u0301',
      'PØ Box 12',
      'P.0. Box 12',
      'PO#Box 5',
      "P'O Box 5",
      'P:O: Box 5',
      'Postal Box 12',
      'Post Box 9',
    ]) {
      expect(issuesFor({ line1: disguised }), disguised).toEqual(['address.line1'])
      expect(issuesFor({ line1: '1 Main St', line2: disguised }), disguised).toEqual([
        'address.line2',
      ])
    }
  })

  test('takes real addresses as phones type them, in the post office’s plain form', () => {
    const stored = (line1: string) =>
      kycSubmission.safeParse({ ...details, address: { ...details.address, line1 } }).data?.address
        .line1
    expect(stored('1234 Keʻeaumoku St')).toBe('1234 Keʻeaumoku St')
    // A fraction keeps its space from the house number, as USPS writes it.
    expect(stored('123½ Main St')).toBe('123 1/2 Main St')
    expect(stored('Unit 5½')).toBe('Unit 5 1/2')
    expect(stored('１２½ Main St')).toBe('12 1/2 Main St')
    expect(stored('Flat 2²')).toBeUndefined()
    // Circled and dotted digits would fold into the house number too: "1②" is not "12".
    expect(stored('1② Main St')).toBeUndefined()
    expect(stored('1⒉ Main St')).toBeUndefined()
    expect(stored('123 Main St; Apt 4')).toBe('123 Main St; Apt 4')
    expect(stored('Bldg “A”')).toBe('Bldg "A"')
    expect(stored('12 Nguyễn Way')).toBe('12 Nguyễn Way')
    expect(stored('123–125 Main St')).toBe('123-125 Main St')
    expect(stored('12 O‘Brien St')).toBe("12 O'Brien St")
    expect(stored('5 Elm St, Unit: 4')).toBe('5 Elm St, Unit: 4')
  })

  test('takes the letters and punctuation addresses use', () => {
    for (const line of [
      "12 O'Brien Ave, Apt #4",
      '3 Rue de l’Église',
      '5-7 Main St (rear)',
      'Suite 100/B',
    ]) {
      expect(issuesFor({ line1: line })).toEqual([])
    }
    for (const line of ['1 Main St <b>', '1 Main St 🏠', '北京路 1']) {
      expect(issuesFor({ line1: line })).toEqual(['address.line1'])
    }
  })

  test('says why, in words', () => {
    const parsed = kycSubmission.safeParse({
      ...details,
      address: { ...details.address, line1: 'PO Box 123' },
    })
    expect(parsed.error?.issues[0]?.message).toBe(
      'Enter the street address where you live; a P.O. box cannot be used.',
    )
  })
})

describe('KYC tax id', () => {
  const issues = (input: object) => {
    const parsed = kycSubmission.safeParse({ ...details, ...input })
    return parsed.success
      ? {}
      : Object.fromEntries(parsed.error.issues.map((i) => [i.path.join('.'), i.message]))
  }

  test('is judged in the same answer as every other field', () => {
    expect(issues({ legalName: '', dateOfBirth: '', taxId: '' })).toEqual({
      legalName: expect.any(String),
      dateOfBirth: 'Enter your date of birth.',
      taxId: 'Enter your Social Security number.',
    })
  })

  test('is judged even beside address lines refused, each of which is told one thing', () => {
    expect(
      issues({
        address: { line1: 'Рo Box 1', city: '', region: 'IL', postalCode: '62701' },
        taxId: '000-12-3456',
      }),
    ).toEqual({
      'address.line1': 'Use letters, digits and the punctuation . , ; # \' " & / ( ) : -',
      'address.city': 'Enter your city.',
      taxId: 'This is not a valid Social Security number.',
    })
  })

  test('names what is wrong with it: digits, an SSN the SSA never issues, an ITIN outside its groups', () => {
    expect(issues({ taxId: '123-45-678' })).toEqual({ taxId: 'Enter all nine digits.' })
    expect(issues({ taxId: '666-12-3456' })).toEqual({
      taxId: 'This is not a valid Social Security number.',
    })
    // Voided by the SSA after appearing in advertising.
    for (const voided of ['078-05-1120', '219-09-9999']) {
      expect(issues({ taxId: voided })).toEqual({
        taxId: 'This is not a valid Social Security number.',
      })
    }
    expect(issues({ taxId: '078-05-1121' })).toEqual({})
    expect(issues({ taxIdKind: 'itin', taxId: '912-40-1234' })).toEqual({
      taxId:
        'This is not a valid ITIN: it starts with 9, and its fourth and fifth digits are 50 to 65, 70 to 88, 90 to 92 or 94 to 99.',
    })
    expect(issues({ taxIdKind: 'itin', taxId: '912 70 1234' })).toEqual({})
  })
})

describe('KYC legal name', () => {
  const nameIssues = (legalName: string) => {
    const parsed = kycSubmission.safeParse({ ...details, legalName })
    return parsed.success ? [] : parsed.error.issues.map((i) => i.path.join('.'))
  }

  test.each([
    'José Ñúñez',
    "Seán O'Brien-Smith Jr.",
    'Anne-Marie Dupont',
    'Mary Ann, Lady Smith',
    '李小龙',
    // Written decomposed, as some keyboards send it: the accents are marks after their letters.
    'Zoe\u0308 A\u030Angstro\u0308m',
    'ʻIolani Kahale',
    'Marcel·lí Puig',
    'ジョン・スミス',
    'Seán O‘Neil',
    'Anne\u2010Marie Dupont',
  ])('accepts %p', (name) => {
    expect(nameIssues(name)).toEqual([])
  })

  test.each(['Ada 🐍 Quill', 'Ada Lovelace 3', '<b>Ada</b>', '-Ada', 'Ada @ Lovelace'])(
    'refuses %p',
    (name) => {
      expect(nameIssues(name)).toEqual(['legalName'])
    },
  )
})
