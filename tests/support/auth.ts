import { type TestApp, tokenFromEmail } from './app.ts'
import { testPassword } from './users.ts'

/*
 * The sign-up and sign-in steps the auth tests take through the API, as Ada by default.
 */

export async function register(t: TestApp, email = 'ada@example.com', pw = testPassword) {
  return t.request('/auth/register', { json: { email, password: pw, legalName: 'Ada Lovelace' } })
}

export async function login(t: TestApp, email = 'ada@example.com', pw = testPassword) {
  const res = await t.request('/auth/login', { json: { email, password: pw } })
  return { res, body: (await res.json()) as Record<string, unknown> & { token: string } }
}

export async function registerAndVerify(t: TestApp, email = 'ada@example.com') {
  await register(t, email)
  const [mail] = await t.mailbox(email)
  if (!mail) throw new Error('no verification email')
  await t.request('/auth/verify-email', { json: { token: tokenFromEmail(mail.text) } })
}
