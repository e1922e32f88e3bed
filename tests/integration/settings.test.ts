import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { createTestApp, type TestApp, tokenFromEmail } from '../support/app.ts'
import { signUp, testPassword } from '../support/users.ts'

let t: TestApp
let token: string
beforeEach(async () => {
  t = await createTestApp()
  ;({ token } = await signUp(t, 'ada@example.com'))
})
afterEach(() => t.close())

const login = (email: string, password: string) =>
  t.request('/auth/login', { json: { email, password } })

describe('POST /me/password', () => {
  test('needs the current password, ends other sessions and keeps this one', async () => {
    const other = (await (await login('ada@example.com', testPassword)).json()) as { token: string }
    const wrong = await t.request('/me/password', {
      json: {
        currentPassword: 'not my password at all',
        newPassword: 'a brand new passphrase here',
      },
      token,
    })
    expect(wrong.status).toBe(400)

    const res = await t.request('/me/password', {
      json: { currentPassword: testPassword, newPassword: 'a brand new passphrase here' },
      token,
    })
    expect(await res.json()).toMatchObject({ sessionsEnded: 1 })
    expect((await t.request('/me', { token })).status).toBe(200)
    expect((await t.request('/me', { token: other.token })).status).toBe(401)
    expect((await login('ada@example.com', 'a brand new passphrase here')).status).toBe(200)
    const [changed] = await t.mailbox('ada@example.com')
    expect(changed?.kind).toBe('password_changed')
    expect(changed?.text).toContain('every other session was signed out')
  })
})

describe('POST /me/password with the same password', () => {
  test('is refused with its own code, and changes nothing', async () => {
    const other = (await (await login('ada@example.com', testPassword)).json()) as { token: string }
    const res = await t.request('/me/password', {
      json: { currentPassword: testPassword, newPassword: testPassword },
      token,
    })

    expect(res.status).toBe(422)
    const { error } = (await res.json()) as {
      error: { code: string; issues: { path: string; message: string }[] }
    }
    expect(error.code).toBe('password_unchanged')
    expect(error.issues).toEqual([
      { path: 'newPassword', message: 'The new password is the one you have now. Choose another.' },
    ])
    expect((await t.request('/me', { token: other.token })).status).toBe(200)
    expect((await t.mailbox('ada@example.com')).map((m) => m.kind)).not.toContain(
      'password_changed',
    )
  })

  test('a wrong current password is still answered as wrong first', async () => {
    const res = await t.request('/me/password', {
      json: { currentPassword: 'not my password at all', newPassword: 'not my password at all' },
      token,
    })
    expect(res.status).toBe(400)
  })
})

describe('POST /me/email', () => {
  test('moves the account once the new address is confirmed, and tells the old one', async () => {
    const res = await t.request('/me/email', {
      json: { newEmail: 'ada@new.example', password: testPassword },
      token,
    })
    expect(res.status).toBe(202)
    expect((await t.mailbox('ada@example.com'))[0]?.kind).toBe('email_change_requested')
    const [link] = await t.mailbox('ada@new.example')
    expect(link?.kind).toBe('confirm_new_email')
    expect(link?.subject).toBe('Confirm your new email address for Tenor')
    expect(link?.text).not.toContain('setting up')
    expect(link?.text).not.toContain('did not create an account')
    const confirm = await t.request('/auth/verify-email', {
      json: { token: tokenFromEmail(link?.text ?? '') },
      token,
    })
    expect(confirm.status).toBe(200)
    // The answer names the address now in use, so the change is seen to have taken effect.
    expect(await confirm.json()).toEqual({
      message: 'Your email address is now ada@new.example: log in with it from now on.',
    })

    const me = (await (await t.request('/me', { token })).json()) as { user: { email: string } }
    expect(me.user.email).toBe('ada@new.example')
    expect((await t.mailbox('ada@example.com'))[0]?.kind).toBe('email_changed')
    expect((await login('ada@new.example', testPassword)).status).toBe(200)
  })

  test('a confirmed change voids reset links mailed to the old address', async () => {
    await t.request('/auth/forgot-password', { json: { email: 'ada@example.com' } })
    const [reset] = await t.mailbox('ada@example.com')
    expect(reset?.kind).toBe('password_reset')
    await t.request('/me/email', {
      json: { newEmail: 'ada@new.example', password: testPassword },
      token,
    })
    const [link] = await t.mailbox('ada@new.example')
    const confirm = await t.request('/auth/verify-email', {
      json: { token: tokenFromEmail(link?.text ?? '') },
    })
    expect(confirm.status).toBe(200)

    const res = await t.request('/auth/reset-password', {
      json: { token: tokenFromEmail(reset?.text ?? ''), password: 'a takeover passphrase here' },
    })
    expect(res.status).toBe(400)
    expect((await login('ada@new.example', testPassword)).status).toBe(200)
  })

  test('a confirmed change voids the other pending change of address', async () => {
    for (const newEmail of ['ada@one.example', 'ada@two.example']) {
      await t.request('/me/email', { json: { newEmail, password: testPassword }, token })
    }
    const [first] = await t.mailbox('ada@one.example')
    const [second] = await t.mailbox('ada@two.example')
    const confirm = await t.request('/auth/verify-email', {
      json: { token: tokenFromEmail(second?.text ?? '') },
      token,
    })
    expect(confirm.status).toBe(200)

    const stale = await t.request('/auth/verify-email', {
      json: { token: tokenFromEmail(first?.text ?? '') },
    })
    expect(stale.status).toBe(400)
    const me = (await (await t.request('/me', { token })).json()) as { user: { email: string } }
    expect(me.user.email).toBe('ada@two.example')
  })

  test('a confirmed change ends the other sessions and keeps the confirming one', async () => {
    const other = (await (await login('ada@example.com', testPassword)).json()) as { token: string }
    await t.request('/me/email', {
      json: { newEmail: 'ada@new.example', password: testPassword },
      token,
    })
    const [link] = await t.mailbox('ada@new.example')
    const confirm = await t.request('/auth/verify-email', {
      json: { token: tokenFromEmail(link?.text ?? '') },
      token,
    })
    expect(confirm.status).toBe(200)

    expect((await t.request('/me', { token })).status).toBe(200)
    expect((await t.request('/me', { token: other.token })).status).toBe(401)
  })

  test('a change confirmed without signing in ends every session', async () => {
    await t.request('/me/email', {
      json: { newEmail: 'ada@new.example', password: testPassword },
      token,
    })
    const [link] = await t.mailbox('ada@new.example')
    await t.request('/auth/verify-email', { json: { token: tokenFromEmail(link?.text ?? '') } })

    expect((await t.request('/me', { token })).status).toBe(401)
  })

  test("answers another person's address as a free one, and the asker can tell no difference", async () => {
    await signUp(t, 'eve@example.com')
    const ask = (newEmail: string) =>
      t.request('/me/email', { json: { newEmail, password: testPassword }, token })
    const kinds = async (address: string) => (await t.mailbox(address)).map((m) => m.kind)

    const taken = await ask('eve@example.com')
    const free = await ask('nobody@example.com')
    expect(taken.status).toBe(free.status)
    expect(await taken.json()).toEqual(await free.json())
    // The asker's own mailbox hears of both alike.
    expect(
      (await kinds('ada@example.com')).filter((k) => k === 'email_change_requested'),
    ).toHaveLength(2)
    // Eve gets no link, only word that an account tried to move to her address.
    expect(await kinds('eve@example.com')).toContain('email_change_refused')
    const [refused] = (await t.mailbox('eve@example.com')).filter(
      (m) => m.kind === 'email_change_refused',
    )
    expect(refused?.text).not.toContain('token=')
    expect(await kinds('nobody@example.com')).toEqual(['confirm_new_email'])
  })

  test('nor can the asker tell a taken address by the change it shows as waiting', async () => {
    await signUp(t, 'eve@example.com')
    const waitingAfter = async (newEmail: string) => {
      t.clock.advance(1000)
      await t.request('/me/email', { json: { newEmail, password: testPassword }, token })
      return (await (await t.request('/me/email', { token })).json()) as {
        pendingEmail: { email: string } | null
      }
    }

    expect((await waitingAfter('eve@example.com')).pendingEmail?.email).toBe('eve@example.com')
    expect((await waitingAfter('nobody@example.com')).pendingEmail?.email).toBe(
      'nobody@example.com',
    )
    // The taken address's waiting change can never be confirmed: Eve keeps her account.
    const eve = await login('eve@example.com', testPassword)
    expect(eve.status).toBe(200)
  })

  test('a waiting change is shown, and withdrawn its link stops working', async () => {
    const pending = async () =>
      (
        (await (await t.request('/me/email', { token })).json()) as {
          pendingEmail: { email: string } | null
        }
      ).pendingEmail
    expect(await pending()).toBeNull()
    await t.request('/me/email', {
      json: { newEmail: 'ada.new@example.com', password: testPassword },
      token,
    })
    expect(await pending()).toMatchObject({ email: 'ada.new@example.com' })

    const withdrawn = await t.request('/me/email', { method: 'DELETE', json: {}, token })
    expect(withdrawn.status).toBe(200)
    expect(await pending()).toBeNull()
    const [mail] = await t.mailbox('ada.new@example.com')
    const confirm = await t.request('/auth/verify-email', {
      json: { token: tokenFromEmail(mail?.text ?? '') },
    })
    expect(confirm.status).toBe(400)
    expect(
      ((await (await t.request('/me', { token })).json()) as { user: { email: string } }).user
        .email,
    ).toBe('ada@example.com')
  })

  test('needs the password', async () => {
    const res = await t.request('/me/email', {
      json: { newEmail: 'ada@new.example', password: 'not my password at all' },
      token,
    })
    expect(res.status).toBe(400)
    expect(await t.mailbox('ada@new.example')).toEqual([])
  })
})

describe('the hourly limit on changes', () => {
  test('counts changes made, not new passwords refused', async () => {
    for (let i = 0; i < 12; i++) {
      const weak = await t.request('/me/password', {
        json: { currentPassword: testPassword, newPassword: 'password1234' },
        token,
      })
      expect(weak.status).toBe(422)
    }
    const made = await t.request('/me/password', {
      json: { currentPassword: testPassword, newPassword: 'another long passphrase' },
      token,
    })
    expect(made.status).toBe(200)
  })
})

describe('passwords typed to confirm a change', () => {
  const wrongPasswordChange = () =>
    t.request('/me/password', {
      json: { currentPassword: 'not my password at all', newPassword: 'another long passphrase' },
      token,
    })
  const wrongLogin = () => login('ada@example.com', 'not my password at all')

  test('count as failed sign-ins: ten wrong ones pause sign-in and every password check', async () => {
    for (let i = 0; i < 5; i++) expect((await wrongLogin()).status).toBe(401)
    for (let i = 0; i < 4; i++) expect((await wrongPasswordChange()).status).toBe(400)
    const wrongEmailChange = await t.request('/me/email', {
      json: { newEmail: 'ada@new.example', password: 'not my password at all' },
      token,
    })
    expect(wrongEmailChange.status).toBe(400)

    // The tenth paused the account: even the right password is not tried, here or at sign-in.
    const paused = await t.request('/me/password', {
      json: { currentPassword: testPassword, newPassword: 'another long passphrase' },
      token,
    })
    expect(paused.status).toBe(429)
    const { error } = (await paused.json()) as { error: { code: string; message: string } }
    expect(error.code).toBe('password_checks_paused')
    expect(error.message).toContain('15 minutes')
    expect((await login('ada@example.com', testPassword)).status).toBe(401)

    t.clock.advance(15 * 60 * 1000 + 1000)
    expect((await login('ada@example.com', testPassword)).status).toBe(200)
  })

  test('a right one clears the count of wrong ones before it', async () => {
    for (let i = 0; i < 5; i++) expect((await wrongPasswordChange()).status).toBe(400)
    const right = await t.request('/me/password', {
      json: { currentPassword: testPassword, newPassword: 'another long passphrase' },
      token,
    })
    expect(right.status).toBe(200)
    // Five more wrong ones at sign-in would have been the tenth in a row without it.
    for (let i = 0; i < 9; i++) expect((await wrongLogin()).status).toBe(401)
    expect((await login('ada@example.com', 'another long passphrase')).status).toBe(200)
  })
})

describe('sessions', () => {
  test('lists my sessions and signs one out; another user cannot touch them', async () => {
    const second = (await (await login('ada@example.com', testPassword)).json()) as {
      token: string
    }
    const list = (await (await t.request('/me/sessions', { token })).json()) as {
      sessions: { id: string; current: boolean }[]
    }
    expect(list.sessions).toHaveLength(2)
    const other = list.sessions.find((s) => !s.current)
    const eve = await signUp(t, 'eve@example.com')
    const stolen = await t.request(`/me/sessions/${other?.id}/revoke`, {
      json: {},
      token: eve.token,
    })
    expect(stolen.status).toBe(404)
    const res = await t.request(`/me/sessions/${other?.id}/revoke`, { json: {}, token })
    expect(res.status).toBe(200)
    expect((await t.request('/me', { token: second.token })).status).toBe(401)
  })
})
