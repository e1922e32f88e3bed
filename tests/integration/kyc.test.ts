import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { kycProfiles, users } from '@tenor/db/schema'
import { eq } from 'drizzle-orm'
import { createTestApp, type TestApp } from '../support/app.ts'
import { signUp, signUpAdmin, testPassword } from '../support/users.ts'

let t: TestApp
let token: string
let userId: string

beforeEach(async () => {
  t = await createTestApp()
  ;({ token, userId } = await signUp(t, 'ada@example.com'))
})
afterEach(() => t.close())

const details = {
  legalName: 'Ada King Lovelace',
  dateOfBirth: '1990-12-10',
  address: { line1: '12 St James Square', city: 'New York', region: 'NY', postalCode: '10001' },
  taxIdKind: 'ssn',
  taxId: '123-45-6789',
  attestation: true,
}

const submit = (body: unknown, as = token) => t.request('/kyc', { json: body, token: as })

describe('POST /kyc', () => {
  test('stores the details for review, the tax id sealed and shown masked ever after', async () => {
    const res = await submit(details)
    expect(res.status).toBe(202)
    const body = (await res.json()) as { status: string; profile: { taxIdMasked: string } }
    expect(body.status).toBe('submitted')
    expect(body.profile.taxIdMasked).toBe('•••-••-6789')

    const row = await t.db.database.db.query.kycProfiles.findFirst()
    expect(row?.taxId).toStartWith('v1.')
    expect(row?.taxId).not.toContain('123456789')
    const view = await (await t.request('/kyc', { token })).text()
    expect(view).not.toContain('12345')
  })

  test('refuses invalid tax ids, a minor, and a missing attestation, field by field', async () => {
    const cases: [object, string][] = [
      [{ ...details, taxId: '000-12-3456' }, 'taxId'],
      [{ ...details, taxId: '666-12-3456' }, 'taxId'],
      [{ ...details, taxIdKind: 'itin', taxId: '912-34-5678' }, 'taxId'],
      [{ ...details, dateOfBirth: '2015-01-01' }, 'dateOfBirth'],
      [{ ...details, dateOfBirth: '1990-02-30' }, 'dateOfBirth'],
      [{ ...details, attestation: false }, 'attestation'],
      [{ ...details, address: { ...details.address, region: 'XX' } }, 'address.region'],
    ]
    for (const [body, path] of cases) {
      const res = await submit(body)
      expect(res.status).toBe(422)
      const error = (await res.json()) as { error: { issues: { path: string }[] } }
      expect(error.error.issues.map((i) => i.path)).toContain(path)
    }
    expect(await t.db.database.db.$count(kycProfiles)).toBe(0)
  })

  test('tells a minor from a mistyped year of birth', async () => {
    const messageFor = async (dateOfBirth: string) => {
      const res = await submit({ ...details, dateOfBirth })
      const error = (await res.json()) as { error: { issues: { message: string }[] } }
      return error.error.issues[0]?.message
    }
    expect(await messageFor('2015-01-01')).toBe('You must be at least 18 to invest.')
    expect(await messageFor('2030-05-01')).toBe(
      'That date is in the future. Enter your date of birth.',
    )
    expect(await messageFor('1800-01-01')).toBe(
      'Check the year of birth: it is more than 120 years ago.',
    )
    expect(await messageFor('0000-01-01')).toBe(
      'Check the year of birth: it is more than 120 years ago.',
    )
    // Late on March 1 in New York it is already March 2 in UTC: an 18th birthday on March 2
    // has not come yet.
    t.clock.set(new Date('2026-03-02T03:30:00Z'))
    expect(await messageFor('2008-03-02')).toBe('You must be at least 18 to invest.')
  })

  test('names every wrong field in one answer, the tax id among them', async () => {
    const res = await submit({
      ...details,
      taxId: '000-12-3456',
      attestation: false,
      address: { ...details.address, postalCode: '1000' },
      // A minor's date of birth is named with the rest, not on a second submission.
      dateOfBirth: '2015-01-01',
    })
    expect(res.status).toBe(422)
    const error = (await res.json()) as { error: { issues: { path: string }[] } }
    expect(error.error.issues.map((i) => i.path).sort()).toEqual([
      'address.postalCode',
      'attestation',
      'dateOfBirth',
      'taxId',
    ])
    expect(await t.db.database.db.$count(kycProfiles)).toBe(0)
  })

  test('refuses a P.O. box as the address where the investor lives', async () => {
    const res = await submit({ ...details, address: { ...details.address, line1: 'P.O. Box 12' } })

    expect(res.status).toBe(422)
    const { error } = (await res.json()) as {
      error: { issues: { path: string; message: string }[] }
    }
    expect(error.issues).toEqual([
      {
        path: 'address.line1',
        message: 'Enter the street address where you live; a P.O. box cannot be used.',
      },
    ])
    expect(await t.db.database.db.$count(kycProfiles)).toBe(0)
  })

  test('accepts a valid ITIN', async () => {
    expect((await submit({ ...details, taxIdKind: 'itin', taxId: '912-70-1234' })).status).toBe(202)
  })

  test('refuses a second submission while the first is under review', async () => {
    await submit(details)
    const again = await submit(details)
    expect(again.status).toBe(409)
  })

  test('needs a confirmed email address', async () => {
    await t.db.database.db.update(users).set({ emailVerifiedAt: null }).where(eq(users.id, userId))
    const res = await submit(details)
    expect(res.status).toBe(403)
    expect(await res.json()).toMatchObject({ error: { code: 'email_not_verified' } })
  })
})

/** When the details now waiting were sent, as the admin page shows them. */
async function submittedAt(): Promise<string> {
  const view = (await (await t.request('/kyc', { token })).json()) as {
    profile: { submittedAt: string } | null
  }
  return view.profile?.submittedAt ?? ''
}

describe('POST /admin/users/{id}/kyc', () => {
  test('an admin approves; the investor is emailed and can buy', async () => {
    await submit(details)
    const admin = await signUpAdmin(t, 'admin@example.com')
    const res = await t.request(`/admin/users/${userId}/kyc`, {
      json: { decision: 'approve', submittedAt: await submittedAt() },
      token: admin.token,
    })
    expect(res.status).toBe(200)
    const me = (await (await t.request('/me', { token })).json()) as { user: { kycStatus: string } }
    expect(me.user.kycStatus).toBe('approved')
    expect((await t.mailbox('ada@example.com'))[0]?.kind).toBe('kyc_approved')
  })

  test('the decision is emailed to the address the investor has when it is made', async () => {
    await submit(details)
    const admin = await signUpAdmin(t, 'admin@example.com')
    const seen = await submittedAt()
    // The investor's new address takes effect while the decision is on its way to be written.
    const database = t.deps.database
    const write = database.write
    database.write = async (work) => {
      database.write = write
      await database.client.execute({
        sql: 'update users set email = ? where id = ?',
        args: ['ada.new@example.com', userId],
      })
      return write(work)
    }
    const res = await t.request(`/admin/users/${userId}/kyc`, {
      json: { decision: 'approve', submittedAt: seen },
      token: admin.token,
    })
    database.write = write

    expect(res.status).toBe(200)
    expect((await t.mailbox('ada.new@example.com')).map((m) => m.kind)).toEqual(['kyc_approved'])
    expect((await t.mailbox('ada@example.com')).filter((m) => m.kind === 'kyc_approved')).toEqual(
      [],
    )
  })

  test('a rejection carries its reason to the investor, who may correct and resend', async () => {
    await submit(details)
    const admin = await signUpAdmin(t, 'admin@example.com')
    await t.request(`/admin/users/${userId}/kyc`, {
      json: {
        decision: 'reject',
        submittedAt: await submittedAt(),
        reason: 'The address does not match our records.',
      },
      token: admin.token,
    })
    const view = (await (await t.request('/kyc', { token })).json()) as {
      status: string
      rejectionReason: string
    }
    expect(view).toMatchObject({
      status: 'rejected',
      rejectionReason: 'The address does not match our records.',
    })
    const [mail] = await t.mailbox('ada@example.com')
    expect(mail?.text).toContain('does not match our records')
    expect(
      (await submit({ ...details, address: { ...details.address, line1: '1 Main St' } })).status,
    ).toBe(202)
  })

  test('five sets of details a day are taken for review; refused ones do not count', async () => {
    const admin = await signUpAdmin(t, 'admin@example.com')
    const reject = async () => {
      const res = await t.request(`/admin/users/${userId}/kyc`, {
        json: { decision: 'reject', submittedAt: await submittedAt(), reason: 'Not a match.' },
        token: admin.token,
      })
      expect(res.status).toBe(200)
    }
    for (let sent = 0; sent < 5; sent++) {
      expect((await submit({ ...details, taxId: '12345' })).status).toBe(422)
      expect((await submit(details)).status).toBe(202)
      await reject()
    }

    const sixth = await submit(details)
    expect(sixth.status).toBe(429)
    expect(await sixth.json()).toMatchObject({ error: { code: 'rate_limited' } })
    expect(((await (await t.request('/kyc', { token })).json()) as { status: string }).status).toBe(
      'rejected',
    )
    // A day on (signed in again, the session having lapsed), details are taken again.
    t.clock.advance(24 * 60 * 60 * 1000)
    const again = await t.request('/auth/login', {
      json: { email: 'ada@example.com', password: testPassword },
    })
    const { token: fresh } = (await again.json()) as { token: string }
    expect((await submit(details, fresh)).status).toBe(202)
  })

  test('a decision is on the details reviewed: ones sent again since are not decided', async () => {
    await submit(details)
    const admin = await signUpAdmin(t, 'admin@example.com')
    const other = await signUpAdmin(t, 'other-admin@example.com')
    // One admin opens the details; another rejects them and the investor sends new ones…
    const seen = await submittedAt()
    await t.request(`/admin/users/${userId}/kyc`, {
      json: { decision: 'reject', submittedAt: seen, reason: 'The address does not match.' },
      token: other.token,
    })
    t.clock.advance(60_000)
    const line1 = '9 Other Road'
    await submit({ ...details, address: { ...details.address, line1 } })
    // …so the first admin's approval, of details they never saw, is refused.
    const stale = await t.request(`/admin/users/${userId}/kyc`, {
      json: { decision: 'approve', submittedAt: seen },
      token: admin.token,
    })
    expect(stale.status).toBe(409)
    expect(((await stale.json()) as { error: { code: string } }).error.code).toBe('kyc_changed')
    const row = await t.db.database.db.query.users.findFirst({ where: eq(users.id, userId) })
    expect(row?.kycStatus).toBe('submitted')
    // Without saying which details, nothing is decided.
    const unsaid = await t.request(`/admin/users/${userId}/kyc`, {
      json: { decision: 'approve' },
      token: admin.token,
    })
    expect(unsaid.status).toBe(422)
    const current = await t.request(`/admin/users/${userId}/kyc`, {
      json: { decision: 'approve', submittedAt: await submittedAt() },
      token: admin.token,
    })
    expect(current.status).toBe(200)
  })

  test('investors cannot decide, and nothing waiting means 409', async () => {
    const other = await signUp(t, 'eve@example.com')
    await submit(details)
    const res = await t.request(`/admin/users/${userId}/kyc`, {
      json: { decision: 'approve', submittedAt: await submittedAt() },
      token: other.token,
    })
    expect(res.status).toBe(403)
    const admin = await signUpAdmin(t, 'admin@example.com')
    const nothing = await t.request(`/admin/users/${other.userId}/kyc`, {
      json: { decision: 'approve', submittedAt: new Date().toISOString() },
      token: admin.token,
    })
    expect(nothing.status).toBe(409)
  })

  test('an admin cannot decide their own identity check', async () => {
    const admin = await signUpAdmin(t, 'admin@example.com')
    expect((await submit(details, admin.token)).status).toBe(202)
    const res = await t.request(`/admin/users/${admin.userId}/kyc`, {
      json: { decision: 'approve', submittedAt: new Date().toISOString() },
      token: admin.token,
    })
    expect(res.status).toBe(409)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('own_account')
    const row = await t.db.database.db.query.users.findFirst({ where: eq(users.id, admin.userId) })
    expect(row?.kycStatus).toBe('submitted')
  })
})

describe('GET /admin/users?kycStatus=submitted', () => {
  test('lists the checks waiting for review as a queue: the longest waiting first', async () => {
    const admin = await signUpAdmin(t, 'admin@example.com')
    const grace = await signUp(t, 'grace@example.com')
    // Ada's account is older, and she sent her details first: newest first would list Grace.
    expect((await submit(details)).status).toBe(202)
    t.clock.advance(60_000)
    expect((await submit(details, grace.token)).status).toBe(202)

    const res = await t.request('/admin/users?kycStatus=submitted', { token: admin.token })

    const { users: listed } = (await res.json()) as {
      users: { email: string; kycSubmittedAt?: string }[]
    }
    // Each says when its details were sent, which is what orders the queue.
    const sent = new Date(t.clock.now().getTime() - 60_000).toISOString()
    expect(listed.map((user) => [user.email, user.kycSubmittedAt])).toEqual([
      ['ada@example.com', sent],
      ['grace@example.com', t.clock.now().toISOString()],
    ])
    // Other lists say when each joined, not this.
    const all = await t.request('/admin/users', { token: admin.token })
    const everyone = (await all.json()) as { users: { kycSubmittedAt?: string }[] }
    expect(everyone.users.every((user) => user.kycSubmittedAt === undefined)).toBe(true)
  })
})

describe('GET /admin/users/{id}', () => {
  test('tells the reviewer which other accounts sent the same tax id, never the number', async () => {
    const admin = await signUpAdmin(t, 'admin@example.com')
    const grace = await signUp(t, 'grace@example.com')
    const alan = await signUp(t, 'alan@example.com')
    expect((await submit(details)).status).toBe(202)
    // The same number typed without dashes, and another ending in the same four digits.
    const graces = { ...details, legalName: 'Grace Brewster Hopper', taxId: '123456789' }
    expect((await submit(graces, grace.token)).status).toBe(202)
    expect((await submit({ ...details, taxId: '234-56-6789' }, alan.token)).status).toBe(202)

    const read = async (id: string) => {
      const res = await t.request(`/admin/users/${id}`, { token: admin.token })
      expect(res.status).toBe(200)
      return { text: await res.clone().text(), body: (await res.json()) as { sameTaxId: unknown } }
    }
    const adas = await read(userId)
    expect(adas.body.sameTaxId).toEqual([
      {
        id: grace.userId,
        email: 'grace@example.com',
        legalName: 'Grace Brewster Hopper',
        kycStatus: 'submitted',
      },
    ])
    expect(adas.text).not.toMatch(/12345|6789[^"]/)
    expect((await read(grace.userId)).body.sameTaxId).toMatchObject([{ id: userId }])
    expect((await read(alan.userId)).body.sameTaxId).toEqual([])
    // An account that sent no details has nothing to compare.
    expect((await read(admin.userId)).body.sameTaxId).toEqual([])

    // The checks waiting for review say which share a tax id, before one is opened.
    const queue = await t.request('/admin/users?kycStatus=submitted', { token: admin.token })
    const { users: waiting } = (await queue.json()) as {
      users: { email: string; sharesTaxId?: boolean }[]
    }
    expect(waiting.map(({ email, sharesTaxId }) => [email, sharesTaxId])).toEqual([
      ['ada@example.com', true],
      ['grace@example.com', true],
      ['alan@example.com', false],
    ])
    // A plain search is not a review list: nothing is opened for it.
    const search = await t.request('/admin/users', { token: admin.token })
    const { users: found } = (await search.json()) as { users: { sharesTaxId?: boolean }[] }
    expect(found.every((user) => user.sharesTaxId === undefined)).toBe(true)
  })
})
