import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { currentTotpCode } from '@tenor/api/lib/totp'
import { users } from '@tenor/db/schema'
import { eq } from 'drizzle-orm'
import { createTestApp, type TestApp } from '../support/app.ts'
import { codeStep, passwordStep, signUp, testPassword, turnOnTwoFactor } from '../support/users.ts'

let t: TestApp
let account: { token: string; userId: string; secret: string; recoveryCodes: string[] }
const email = 'ada@example.com'

beforeEach(async () => {
  t = await createTestApp()
  const { token, userId } = await signUp(t, email)
  account = { token, userId, ...(await turnOnTwoFactor(t, token)) }
})
afterEach(() => t.close())

/** A second full sign-in, a minute on (each app code passes once), with the current app. */
async function signInElsewhere(): Promise<string> {
  t.clock.advance(60_000)
  const token = await passwordStep(t, email)
  expect((await codeStep(t, token, currentTotpCode(account.secret, t.clock.now()))).status).toBe(
    200,
  )
  return token
}

/** Six digits the given authenticator shows at no step near now. */
function wrongAppCode(secret: string): string {
  const now = t.clock.now().getTime()
  const near = [-30_000, 0, 30_000].map((d) => currentTotpCode(secret, new Date(now + d)))
  for (let n = 0; ; n++) {
    const guess = String(n).padStart(6, '0')
    if (!near.includes(guess)) return guess
  }
}

/** Starts a move; answers the new authenticator's secret. */
async function startMove(): Promise<string> {
  const setup = await t.request('/me/two-factor/setup', { json: {}, token: account.token })
  expect(setup.status).toBe(200)
  const { secret } = (await setup.json()) as { secret: string }
  expect(secret).not.toBe(account.secret)
  return secret
}

const move = (json: Record<string, string>) =>
  t.request('/me/two-factor/enable', {
    json: { password: testPassword, ...json },
    token: account.token,
  })

const errorCode = async (res: Response) =>
  ((await res.json()) as { error: { code: string } }).error.code

const failedCount = async () => {
  const user = await t.db.database.db.query.users.findFirst({ where: eq(users.id, account.userId) })
  return user?.failedLoginCount
}

const codesLeft = async () => {
  const res = await t.request('/me/two-factor/recovery-codes', { token: account.token })
  return ((await res.json()) as { left: number }).left
}

/** Nothing moved: the old app still signs in, sessions live on, and no email went out. */
async function expectNothingMoved(elsewhere: string) {
  expect((await t.request('/me', { token: elsewhere })).status).toBe(200)
  expect((await t.mailbox(email)).map((m) => m.kind)).not.toContain('authenticator_replaced')
  expect((await signInElsewhere()).length).toBeGreaterThan(0)
}

describe('POST /me/two-factor/enable while two-factor is on (moving to a new authenticator)', () => {
  test('the old app works until the move is confirmed, then only the new one', async () => {
    const fresh = await startMove()

    // Not yet confirmed: the old authenticator still signs in.
    await signInElsewhere()

    const wrong = await move({
      code: currentTotpCode(account.secret, t.clock.now()),
      currentCode: account.recoveryCodes[0] ?? '',
    })
    expect(wrong.status).toBe(400)
    t.clock.advance(60_000)
    const moved = await move({
      code: currentTotpCode(fresh, t.clock.now()),
      currentCode: currentTotpCode(account.secret, t.clock.now()),
    })
    expect(moved.status).toBe(200)
    const { recoveryCodes: renewed } = (await moved.json()) as { recoveryCodes: string[] }
    expect(renewed).toHaveLength(10)
    expect(await t.mailbox(email)).toContainEqual(
      expect.objectContaining({ kind: 'authenticator_replaced' }),
    )

    t.clock.advance(60_000)
    const old = await codeStep(
      t,
      await passwordStep(t, email),
      currentTotpCode(account.secret, t.clock.now()),
    )
    expect(old.status).toBe(400)
    const now = await codeStep(
      t,
      await passwordStep(t, email),
      currentTotpCode(fresh, t.clock.now()),
    )
    expect(now.status).toBe(200)
    // The old recovery codes went with the old authenticator; the one given above was kept
    // (the new code was wrong), and voided with the rest.
    expect(
      (await codeStep(t, await passwordStep(t, email), account.recoveryCodes[0] ?? '')).status,
    ).toBe(400)
  })

  test('refuses a move without a code from the current authenticator, and changes nothing', async () => {
    const fresh = await startMove()
    const elsewhere = await signInElsewhere()
    t.clock.advance(60_000)

    const refused = await move({ code: currentTotpCode(fresh, t.clock.now()) })
    expect(refused.status).toBe(400)
    expect(await errorCode(refused)).toBe('current_code_required')

    await expectNothingMoved(elsewhere)
    // The move can still be finished, by whoever has the current second factor.
    t.clock.advance(60_000)
    const moved = await move({
      code: currentTotpCode(fresh, t.clock.now()),
      currentCode: currentTotpCode(account.secret, t.clock.now()),
    })
    expect(moved.status).toBe(200)
  })

  test('refuses a wrong current code, counts it as a failed check, and changes nothing', async () => {
    const fresh = await startMove()
    const elsewhere = await signInElsewhere()
    t.clock.advance(60_000)

    for (const currentCode of [wrongAppCode(account.secret), 'zzzzz-zzzzz']) {
      const refused = await move({ code: currentTotpCode(fresh, t.clock.now()), currentCode })
      expect(refused.status).toBe(400)
      expect(await errorCode(refused)).toBe('invalid_code')
    }
    expect(await failedCount()).toBe(2)

    await expectNothingMoved(elsewhere)
    expect(await codesLeft()).toBe(10)
  })

  test('refuses a current app code already used, as sign-in does', async () => {
    const fresh = await startMove()
    t.clock.advance(60_000)
    const code = currentTotpCode(account.secret, t.clock.now())
    const elsewhere = await passwordStep(t, email)
    expect((await codeStep(t, elsewhere, code)).status).toBe(200)

    // Within the same 30 seconds, the code that signed in is offered again.
    const replayed = await move({ code: currentTotpCode(fresh, t.clock.now()), currentCode: code })
    expect(replayed.status).toBe(400)
    expect(await errorCode(replayed)).toBe('invalid_code')

    await expectNothingMoved(elsewhere)
  })

  test('moves with a recovery code in place of the current app, which uses it up', async () => {
    const fresh = await startMove()
    const elsewhere = await signInElsewhere()
    const [recoveryCode = ''] = account.recoveryCodes

    // A move refused for another reason (the new app's code) keeps the recovery code unused.
    const refused = await move({ code: wrongAppCode(fresh), currentCode: recoveryCode })
    expect(refused.status).toBe(400)
    expect(await codesLeft()).toBe(10)

    const moved = await move({
      code: currentTotpCode(fresh, t.clock.now()),
      currentCode: recoveryCode,
    })
    expect(moved.status).toBe(200)
    expect((await t.request('/me', { token: elsewhere })).status).toBe(401)

    // Used up: it moves nothing a second time.
    const again = await startMove()
    t.clock.advance(60_000)
    const reused = await move({
      code: currentTotpCode(again, t.clock.now()),
      currentCode: recoveryCode,
    })
    expect(reused.status).toBe(400)
    expect(await errorCode(reused)).toBe('invalid_code')
  })

  test('an administrator can move, and the session that moved stays verified for the console', async () => {
    await t.db.database.db.update(users).set({ role: 'admin' }).where(eq(users.id, account.userId))
    const fresh = await startMove()
    t.clock.advance(60_000)
    const moved = await move({
      code: currentTotpCode(fresh, t.clock.now()),
      currentCode: currentTotpCode(account.secret, t.clock.now()),
    })
    expect(moved.status).toBe(200)
    expect((await t.request('/admin/users', { token: account.token })).status).toBe(200)
  })
})

describe('POST /me/two-factor/enable while two-factor is off', () => {
  test('refuses a current code, as there is none, and leaves two-factor off', async () => {
    const { token } = await signUp(t, 'grace@example.com')
    const setup = await t.request('/me/two-factor/setup', { json: {}, token })
    const { secret } = (await setup.json()) as { secret: string }

    const refused = await t.request('/me/two-factor/enable', {
      json: {
        password: testPassword,
        code: currentTotpCode(secret, t.clock.now()),
        currentCode: '123456',
      },
      token,
    })
    expect(refused.status).toBe(400)
    expect(await errorCode(refused)).toBe('two_factor_not_enabled')
    const me = await t.request('/me', { token })
    const { user } = (await me.json()) as { user: { twoFactorEnabled: boolean } }
    expect(user.twoFactorEnabled).toBe(false)
  })
})
