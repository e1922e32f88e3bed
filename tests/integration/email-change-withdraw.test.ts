import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { createTestApp, type TestApp } from '../support/app.ts'
import { signUp, testPassword } from '../support/users.ts'

let t: TestApp
let token: string
beforeEach(async () => {
  t = await createTestApp()
  ;({ token } = await signUp(t, 'ada@example.com'))
})
afterEach(() => t.close())

const askChange = (newEmail: string) =>
  t.request('/me/email', { json: { newEmail, password: testPassword }, token })
const withdraw = () => t.request('/me/email', { method: 'DELETE', json: {}, token })

describe('withdrawing a change of email address', () => {
  test('works however many changes were asked this hour', async () => {
    // Someone holding the password asks for changes until the hourly limit is spent.
    for (let i = 0; i < 10; i++) expect((await askChange(`eve${i}@example.com`)).status).toBe(202)
    expect((await askChange('eve-more@example.com')).status).toBe(429)

    // The owner can still stop them: withdrawing sends nothing and changes no credential.
    const withdrawn = await withdraw()
    expect(withdrawn.status).toBe(200)
    const pending = (await (await t.request('/me/email', { token })).json()) as {
      pendingEmail: unknown
    }
    expect(pending.pendingEmail).toBeNull()
  })

  test('does not spend the hourly limit on changes of password', async () => {
    for (let i = 0; i < 10; i++) expect((await withdraw()).status).toBe(200)
    const changed = await t.request('/me/password', {
      json: { currentPassword: testPassword, newPassword: 'another long passphrase' },
      token,
    })
    expect(changed.status).toBe(200)
  })
})
