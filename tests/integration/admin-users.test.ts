import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { resolve } from 'node:path'
import { auditEvents, users } from '@tenor/db/schema'
import { and, eq, inArray } from 'drizzle-orm'
import { type TestApp, tokenFromEmail } from '../support/app.ts'
import { openWithTwoAdmins, signUp, signUpAdmin } from '../support/users.ts'

let t: TestApp
let maker: { token: string; userId: string }
let checker: { token: string; userId: string }

beforeEach(async () => {
  ;({ t, maker, checker } = await openWithTwoAdmins())
})
afterEach(() => t.close())

describe('user administration', () => {
  test('disabling an account ends its sessions at once; enabling lets it sign in again', async () => {
    const investor = await signUp(t, 'ada@example.com')
    // A reason is asked for, and kept in the audit trail.
    const unsaid = await t.request(`/admin/users/${investor.userId}/disable`, {
      json: {},
      token: maker.token,
    })
    expect(unsaid.status).toBe(422)
    expect((await t.request('/me', { token: investor.token })).status).toBe(200)
    const res = await t.request(`/admin/users/${investor.userId}/disable`, {
      json: { reason: 'Asked us to close the account.' },
      token: maker.token,
    })
    expect(res.status).toBe(200)
    expect((await t.request('/me', { token: investor.token })).status).toBe(401)
    const [audited] = await t.db.database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.targetId, investor.userId))
    expect(audited?.action).toBe('user.disable')
    expect(JSON.stringify(audited?.after)).toContain('Asked us to close the account.')
    await t.request(`/admin/users/${investor.userId}/enable`, { json: {}, token: maker.token })
    const login = await t.request('/auth/login', {
      json: { email: 'ada@example.com', password: 'a long and unusual passphrase 42' },
    })
    expect(login.status).toBe(200)
  })

  test('asking for what already holds ends no session and writes no audit entry', async () => {
    const investor = await signUp(t, 'ada@example.com')
    const audited = async () =>
      (await t.db.database.db.select().from(auditEvents)).filter(
        (event) => event.targetId === investor.userId,
      )
    const already = await t.request(`/admin/users/${investor.userId}/role`, {
      json: { role: 'investor' },
      token: maker.token,
    })
    expect(already.status).toBe(200)
    const active = await t.request(`/admin/users/${investor.userId}/enable`, {
      json: {},
      token: maker.token,
    })
    expect(active.status).toBe(200)
    expect((await t.request('/me', { token: investor.token })).status).toBe(200)
    expect(await audited()).toHaveLength(0)
  })

  test('enabling an active account lifts a sign-in pause, and the audit says so', async () => {
    const investor = await signUp(t, 'ada@example.com')
    await t.db.database.db
      .update(users)
      .set({ failedLoginCount: 4 })
      .where(eq(users.id, investor.userId))
    const res = await t.request(`/admin/users/${investor.userId}/enable`, {
      json: {},
      token: maker.token,
    })
    expect(res.status).toBe(200)
    const [entry] = (await t.db.database.db.select().from(auditEvents)).filter(
      (event) => event.targetId === investor.userId,
    )
    expect(JSON.parse(entry?.before ?? '{}')).toMatchObject({ failedLoginCount: 4 })
    expect(JSON.parse(entry?.after ?? '{}')).toMatchObject({ failedLoginCount: 0 })
  })

  test('links mailed before an account was disabled do not work on it', async () => {
    const investor = await signUp(t, 'ada@example.com')
    await t.request('/auth/forgot-password', { json: { email: 'ada@example.com' } })
    await t.request('/me/email', {
      json: { newEmail: 'mallory@example.com', password: 'a long and unusual passphrase 42' },
      token: investor.token,
    })
    const [reset] = (await t.mailbox('ada@example.com')).filter((m) => m.kind === 'password_reset')
    const [change] = await t.mailbox('mallory@example.com')
    expect(reset && change).toBeTruthy()
    await t.request(`/admin/users/${investor.userId}/disable`, {
      json: { reason: 'Suspected fraud.' },
      token: maker.token,
    })

    const moved = await t.request('/auth/verify-email', {
      json: { token: tokenFromEmail(change?.text ?? '') },
    })
    expect(moved.status).toBe(400)
    const reset1 = await t.request('/auth/reset-password', {
      json: {
        token: tokenFromEmail(reset?.text ?? ''),
        password: 'an entirely fresh passphrase 7',
      },
    })
    expect(reset1.status).toBe(400)
    const row = await t.db.database.db.query.users.findFirst({
      where: eq(users.id, investor.userId),
    })
    expect(row?.email).toBe('ada@example.com')
  })

  const roleOf = async (userId: string) =>
    (await t.db.database.db.query.users.findFirst({ where: eq(users.id, userId) }))?.role

  test('a grant is not carried out for an account whose address changed after it was asked', async () => {
    const investor = await signUp(t, 'ada@example.com')
    const grant = await t.request(`/admin/users/${investor.userId}/role`, {
      json: { role: 'admin' },
      token: maker.token,
    })
    const { approvalId } = (await grant.json()) as { approvalId: string }
    await t.db.database.db
      .update(users)
      .set({ email: 'ada.new@example.com' })
      .where(eq(users.id, investor.userId))

    const approved = await t.request(`/admin/approvals/${approvalId}/approve`, {
      json: {},
      token: checker.token,
    })
    expect(((await approved.json()) as { result: string }).result).toBe(
      "not applied: the account's email changed from ada@example.com to ada.new@example.com since the request; ask again",
    )
    expect(await roleOf(investor.userId)).toBe('investor')
  })

  test('bun run admin:create makes an administrator, new or existing, and the audit trail says so', async () => {
    const investor = await signUp(t, 'ada@example.com')
    const run = async (email: string, name: string) => {
      const child = Bun.spawn(
        [process.execPath, 'api/src/cli/create-admin.ts', '--email', email, '--name', name],
        {
          cwd: resolve(import.meta.dir, '../..'),
          env: { ...process.env, APP_ENV: 'test', DATABASE_URL: t.db.url },
          stdin: new TextEncoder().encode('violet harbor lanterns at dawn\n'),
          stdout: 'pipe',
          stderr: 'pipe',
        },
      )
      expect(await child.exited).toBe(0)
    }

    await run('ops@example.com', 'Ops Person')
    await run('ada@example.com', 'Ada Lovelace')
    // An administrator already: nothing to record.
    await run('ops@example.com', 'Ops Person')

    const made = await t.db.database.db.query.users.findFirst({
      where: eq(users.email, 'ops@example.com'),
    })
    expect(made?.role).toBe('admin')
    expect(await roleOf(investor.userId)).toBe('admin')
    const entries = await t.db.database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, 'user.role.admin.command_line'))
    expect(entries.map((entry) => [entry.targetId, entry.adminId, entry.before])).toEqual(
      expect.arrayContaining([
        [made?.id, made?.id, null],
        [investor.userId, investor.userId, JSON.stringify({ role: 'investor' })],
      ]),
    )
    expect(entries).toHaveLength(2)
  })

  test('a request whose asker is no longer an administrator can be turned down, not approved', async () => {
    const investor = await signUp(t, 'ada@example.com')
    const grant = await t.request(`/admin/users/${investor.userId}/role`, {
      json: { role: 'admin' },
      token: maker.token,
    })
    const { approvalId } = (await grant.json()) as { approvalId: string }
    await t.db.database.db.update(users).set({ role: 'investor' }).where(eq(users.id, maker.userId))

    const approved = await t.request(`/admin/approvals/${approvalId}/approve`, {
      json: {},
      token: checker.token,
    })
    expect(approved.status).toBe(409)
    expect(await approved.json()).toMatchObject({ error: { code: 'requester_not_admin' } })
    expect(await roleOf(investor.userId)).toBe('investor')
    const rejected = await t.request(`/admin/approvals/${approvalId}/reject`, {
      json: {},
      token: checker.token,
    })
    expect(rejected.status).toBe(200)
  })

  test('grants (with a second admin) and revokes the admin role, never on oneself or the last admin', async () => {
    const investor = await signUp(t, 'ada@example.com')
    const grant = await t.request(`/admin/users/${investor.userId}/role`, {
      json: { role: 'admin' },
      token: maker.token,
    })
    // A new administrator needs a second one: the grant waits for approval.
    expect(grant.status).toBe(202)
    const { approvalId } = (await grant.json()) as { approvalId: string }
    expect(await roleOf(investor.userId)).toBe('investor')
    const byMaker = await t.request(`/admin/approvals/${approvalId}/approve`, {
      json: {},
      token: maker.token,
    })
    expect(byMaker.status).toBe(409)
    const approved = await t.request(`/admin/approvals/${approvalId}/approve`, {
      json: {},
      token: checker.token,
    })
    expect(((await approved.json()) as { result: string }).result).toBe(
      'administrator role granted',
    )
    expect(await roleOf(investor.userId)).toBe('admin')
    const own = await t.request(`/admin/users/${maker.userId}/role`, {
      json: { role: 'investor' },
      token: maker.token,
    })
    expect(own.status).toBe(409)
    await t.db.database.db
      .update(users)
      .set({ role: 'investor' })
      .where(eq(users.id, investor.userId))
    await t.request(`/admin/users/${checker.userId}/role`, {
      json: { role: 'investor' },
      token: maker.token,
    })
    const last = await t.request(`/admin/users/${maker.userId}/disable`, {
      json: { reason: 'Leaving the company.' },
      token: maker.token,
    })
    expect(last.status).toBe(409)
  })
  test('an approved request whose action fails is recorded as failed, and can be asked again', async () => {
    const investor = await signUp(t, 'grace@example.com')
    const ask = async () => {
      const grant = await t.request(`/admin/users/${investor.userId}/role`, {
        json: { role: 'admin' },
        token: maker.token,
      })
      expect(grant.status).toBe(202)
      return ((await grant.json()) as { approvalId: string }).approvalId
    }
    const first = await ask()
    // The action's own audit line cannot be written: its transaction fails and rolls back.
    const { client } = t.db.database
    await client.execute(`create trigger refuse_role_audit before insert on audit_events
      when new.action = 'user.role.admin' begin select raise(abort, 'audit refused'); end`)
    const approved = await t.request(`/admin/approvals/${first}/approve`, {
      json: {},
      token: checker.token,
    })
    expect(approved.status).toBe(200)
    const outcome = (await approved.json()) as { state: string; result: string }
    expect(outcome.state).toBe('failed')
    expect(outcome.result).not.toContain('audit refused')
    expect(await roleOf(investor.userId)).toBe('investor')
    const listed = await t.request('/admin/approvals?state=failed', { token: maker.token })
    const { approvals } = (await listed.json()) as {
      approvals: { id: string; decidedBy: string; executedAt: string | null }[]
    }
    expect(approvals.map((a) => a.id)).toEqual([first])
    expect(approvals[0]?.decidedBy).toBe(checker.userId)
    expect(approvals[0]?.executedAt).not.toBeNull()

    await client.execute('drop trigger refuse_role_audit')
    const again = await t.request(`/admin/approvals/${await ask()}/approve`, {
      json: {},
      token: checker.token,
    })
    expect(((await again.json()) as { state: string }).state).toBe('executed')
    expect(await roleOf(investor.userId)).toBe('admin')
  })

  test('disabling an administrator takes the role too: enabled again, they are an investor', async () => {
    const third = await signUpAdmin(t, 'third@example.com')
    const disabled = await t.request(`/admin/users/${third.userId}/disable`, {
      json: { reason: 'Leaving the company.' },
      token: maker.token,
    })
    expect(disabled.status).toBe(200)
    expect(((await disabled.json()) as { user: { role: string } }).user.role).toBe('investor')
    const enabled = await t.request(`/admin/users/${third.userId}/enable`, {
      json: {},
      token: maker.token,
    })
    expect(((await enabled.json()) as { user: { role: string } }).user.role).toBe('investor')
    const row = await t.db.database.db.query.users.findFirst({ where: eq(users.id, third.userId) })
    expect(row).toMatchObject({ role: 'investor', status: 'active' })
    // An administrator disabled before the role went with the account comes back an investor.
    await t.db.database.db
      .update(users)
      .set({ role: 'admin', status: 'disabled' })
      .where(eq(users.id, third.userId))
    await t.request(`/admin/users/${third.userId}/enable`, { json: {}, token: maker.token })
    const again = await t.db.database.db.query.users.findFirst({
      where: eq(users.id, third.userId),
    })
    expect(again).toMatchObject({ role: 'investor', status: 'active' })
  })

  test('two administrators removing each other at once leave one of them', async () => {
    for (const action of ['disable', 'role'] as const) {
      const [a, b] =
        action === 'disable'
          ? [maker, checker]
          : [await signUpAdmin(t, 'fourth@example.com'), await signUpAdmin(t, 'fifth@example.com')]
      if (action === 'role') {
        // Only these two are active administrators now.
        await t.db.database.db
          .update(users)
          .set({ status: 'disabled' })
          .where(inArray(users.id, [maker.userId, checker.userId]))
      }
      const remove = (by: typeof a, of: typeof b) =>
        t.request(`/admin/users/${of.userId}/${action}`, {
          json: action === 'role' ? { role: 'investor' } : { reason: 'Leaving the company.' },
          token: by.token,
        })
      const answers = await Promise.all([remove(a, b), remove(b, a)])
      // The second is refused: as the last administrator, or, when its session was read after
      // the first ended it, as signed out.
      const statuses = answers.map((res) => res.status)
      expect(statuses.filter((status) => status === 200)).toHaveLength(1)
      expect(statuses.filter((status) => status === 409 || status === 401)).toHaveLength(1)
      const active = await t.db.database.db.$count(
        users,
        and(eq(users.role, 'admin'), eq(users.status, 'active')),
      )
      expect(active).toBe(1)
    }
  })
})
