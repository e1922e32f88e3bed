import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { maxBodyBytes } from '@tenor/api'
import { maxFormJsonBytes, readFields } from '../../web/src/lib/server/forms.ts'
import { kycFormFields } from '../../web/src/lib/server/kyc.ts'
import { createTestApp, type TestApp } from '../support/app.ts'
import { signUp } from '../support/users.ts'

/**
 * A form whose fields are each short enough for the site can still add up to more than the
 * API reads (64 KiB, 413). The site must refuse such a form itself, in its words (413), and
 * never send it on: the API's 413 reaches most forms as an answer they do not expect, which
 * is the generic error page.
 */
let t: TestApp
beforeEach(async () => {
  t = await createTestApp()
})
afterEach(() => t.close())

// 9,998 characters (under the site's bound of 10,000 per field), 19,996 bytes in UTF-8.
const long = '😀'.repeat(4999)

function kycForm(): FormData {
  const form = new FormData()
  for (const [name, value] of Object.entries({
    legalName: long,
    dateOfBirth: '1990-01-01',
    line1: long,
    line2: long,
    city: long,
    region: 'NY',
    postalCode: '10001',
    taxIdKind: 'ssn',
    taxId: '123-45-6789',
    attestation: 'yes',
  })) {
    form.set(name, value)
  }
  return form
}

function readStatus(read: () => unknown): number | null {
  try {
    read()
    return null
  } catch (thrown) {
    return (thrown as { status?: number }).status ?? -1
  }
}

describe('a form larger than the API reads', () => {
  test('the API refuses the identity form the site would send from it', async () => {
    const { token } = await signUp(t, 'ada@example.com')
    const fields = Object.fromEntries(kycForm()) as Record<string, string>
    const res = await t.request('/kyc', {
      token,
      json: {
        legalName: fields.legalName,
        dateOfBirth: fields.dateOfBirth,
        address: {
          line1: fields.line1,
          line2: fields.line2,
          city: fields.city,
          region: fields.region,
          postalCode: fields.postalCode,
        },
        taxIdKind: 'ssn',
        taxId: fields.taxId,
        attestation: true,
      },
    })
    expect(res.status).toBe(413)
  })

  test('the site refuses it itself, before asking the API', () => {
    expect(readStatus(() => readFields(kycForm(), kycFormFields))).toBe(413)
  })

  test('escaped characters count as the bytes they are sent as', () => {
    // 10,000 quotes are 20,002 bytes of JSON (each escaped): four such fields are over 64 KiB.
    const form = new FormData()
    for (const name of ['a', 'b', 'c', 'd']) form.set(name, '"'.repeat(10_000))
    expect(readStatus(() => readFields(form, ['a', 'b', 'c', 'd']))).toBe(413)
  })

  test('an ordinary form passes, and the bound leaves room under the API’s', () => {
    const form = new FormData()
    form.set('reason', 'é'.repeat(2000))
    form.set('name', 'Ada Lovelace')
    expect(readFields(form, ['reason', 'name'])).toEqual({
      reason: 'é'.repeat(2000),
      name: 'Ada Lovelace',
    })
    expect(maxFormJsonBytes + 8 * 1024).toBeLessThanOrEqual(maxBodyBytes)
  })
})
