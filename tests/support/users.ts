import { users } from '@tenor/db/schema'
import { eq } from 'drizzle-orm'
import type { TestApp } from './app.ts'

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
