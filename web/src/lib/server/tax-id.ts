/**
 * The API's rule for a tax id, mirrored so the site can name a wrong one while the API is still
 * refusing other fields (it judges the tax id only once they pass). The API stays the judge; a
 * unit test holds the two to the same answers.
 *
 * An SSN is nine digits that never start 000, 666 or 9, with no 00 group and no 0000 serial
 * (SSA rules). An ITIN starts with 9 and has a group of 50–65, 70–88, 90–92 or 94–99 (IRS).
 */
export function checkTaxId(kind: 'ssn' | 'itin', digits: string): string | null {
  if (!/^\d{9}$/.test(digits)) return 'Enter all nine digits.'

  const area = digits.slice(0, 3)
  const group = Number(digits.slice(3, 5))
  const serial = digits.slice(5)
  if (kind === 'ssn') {
    const invalid =
      area === '000' || area === '666' || area.startsWith('9') || group === 0 || serial === '0000'
    return invalid ? 'This is not a valid Social Security number.' : null
  }

  const itinGroup =
    (group >= 50 && group <= 65) ||
    (group >= 70 && group <= 88) ||
    (group >= 90 && group <= 92) ||
    group >= 94
  return area.startsWith('9') && itinGroup ? null : 'This is not a valid ITIN.'
}
