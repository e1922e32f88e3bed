import { expect } from 'bun:test'
import { currentTotpCode } from '@tenor/api/lib/totp'
import { users } from '@tenor/db/schema'
import { eq } from 'drizzle-orm'
import { createTestApp, type TestApp } from './app.ts'

export const testPassword = 'a long and unusual passphrase 42'

/** Registers, verifies and signs in a user; answers the session token and user id. */
export async function signUp(
  t: TestApp,
  email: string,
  options: { kycApproved?: boolean } = {},
): Promise<{ token: string; userId: string }> {
  await t.request('/auth/register', {
    json: { email, password: testPassword, legalName: 'Test Investor' },
  })
  const now = t.clock.now()
  await t.db.database.db
    .update(users)
    .set({ emailVerifiedAt: now, kycStatus: options.kycApproved ? 'approved' : 'none' })
    .where(eq(users.email, email))
  const res = await t.request('/auth/login', { json: { email, password: testPassword } })
  const body = (await res.json()) as { token: string; user: { id: string } }
  return { token: body.token, userId: body.user.id }
}

/** Signs up an administrator with two-factor on and verified in the returned session. */
export async function signUpAdmin(t: TestApp, email: string) {
  const { token, userId } = await signUp(t, email)
  await t.db.database.db.update(users).set({ role: 'admin' }).where(eq(users.id, userId))
  const { secret } = await turnOnTwoFactor(t, token)
  return { token, userId, secret }
}

/**
 * Turns two-factor on for the session's account (the session counts as verified); answers the
 * authenticator secret and the recovery codes.
 */
export async function turnOnTwoFactor(
  t: TestApp,
  token: string,
): Promise<{ secret: string; recoveryCodes: string[] }> {
  const setup = await t.request('/me/two-factor/setup', { json: {}, token })
  const { secret } = (await setup.json()) as { secret: string }
  const code = currentTotpCode(secret, t.clock.now())
  const enabled = await t.request('/me/two-factor/enable', {
    json: { code, password: testPassword },
    token,
  })
  if (enabled.status !== 200) throw new Error(`two-factor not enabled: ${enabled.status}`)
  const { recoveryCodes } = (await enabled.json()) as { recoveryCodes: string[] }
  return { secret, recoveryCodes }
}

/** Two administrators with two-factor on: a maker who asks and a checker who approves. */
export async function signUpMakerAndChecker(t: TestApp) {
  const maker = await signUpAdmin(t, 'maker@example.com')
  const checker = await signUpAdmin(t, 'checker@example.com')
  return { maker, checker }
}

/** A test app with two administrators: a maker who asks and a checker who approves. */
export async function openWithTwoAdmins() {
  const t = await createTestApp()
  return { t, ...(await signUpMakerAndChecker(t)) }
}

/** The checker approves a waiting request, which is then carried out; answers what it did. */
export async function approveRequest(
  t: TestApp,
  checker: { token: string },
  approvalId: string,
): Promise<{ state: string; result: string }> {
  const approved = await t.request(`/admin/approvals/${approvalId}/approve`, {
    json: {},
    token: checker.token,
  })
  expect(approved.status).toBe(200)
  return (await approved.json()) as { state: string; result: string }
}

/** The password step of a sign-in with two-factor on: the session token waiting for its code. */
export async function passwordStep(t: TestApp, email: string): Promise<string> {
  const res = await t.request('/auth/login', { json: { email, password: testPassword } })
  const body = (await res.json()) as { token: string; twoFactorRequired: boolean }
  expect(body.twoFactorRequired).toBe(true)
  return body.token
}

/** The code step of a sign-in, for the session `passwordStep` answered. */
export const codeStep = (t: TestApp, token: string, code: string) =>
  t.request('/auth/login/two-factor', { json: { code }, token })
