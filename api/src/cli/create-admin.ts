import { parseArgs } from 'node:util'
import { clockFor, newId, openDatabase } from '@tenor/db'
import { loadEnv } from '@tenor/db/env'
import { users } from '@tenor/db/schema'
import { eq } from 'drizzle-orm'
import { recordAudit } from '../admin/audit.ts'
import { checkNewPassword, hashPassword, passwordProblemMessages } from '../lib/passwords.ts'
import { email as emailSchema, legalName as nameSchema } from '../routes/auth/auth.schemas.ts'

/**
 * Creates an administrator, or makes an existing account one. The only way an admin comes to
 * exist: self-registration always makes investors. The password is read from standard input so
 * it never lands in shell history. The admin sets up two-factor at first sign-in. The audit
 * trail records it as done by that administrator, from the command line: it has no other actor.
 *
 *   echo "$PASSWORD" | bun run admin:create -- --email ops@example.com --name "Ops Person"
 */
const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: { email: { type: 'string' }, name: { type: 'string' } },
})

const email = emailSchema.safeParse(values.email ?? '')
const name = nameSchema.safeParse(values.name ?? '')
if (!email.success || !name.success) {
  console.error(
    'Usage: echo "$PASSWORD" | bun run admin:create -- --email EMAIL --name "FULL NAME"',
  )
  process.exit(2)
}

const env = loadEnv()
const database = openDatabase(env.database)
// The time the rest of the audit trail keeps (the development clock, where it was moved).
const clock = await clockFor(env.appEnv, database)
const existing = await database.db.query.users.findFirst({ where: eq(users.email, email.data) })

/** The role given and its audit entry, in one transaction. */
async function makeAdmin(
  userId: string,
  before: string | null,
  insert?: typeof users.$inferInsert,
) {
  await database.write(async (tx) => {
    if (insert) await tx.insert(users).values(insert)
    else await tx.update(users).set({ role: 'admin' }).where(eq(users.id, userId))
    await recordAudit(tx, {
      adminId: userId,
      action: 'user.role.admin.command_line',
      targetType: 'user',
      targetId: userId,
      before: before === null ? undefined : { role: before },
      after: { role: 'admin', email: email.data },
      at: clock.now(),
    })
  })
}

if (existing?.role === 'admin') {
  console.warn(`${email.data} is an administrator already; nothing changed.`)
} else if (existing) {
  await makeAdmin(existing.id, existing.role)
  console.warn(`${email.data} is now an administrator.`)
} else {
  const password = (await Bun.stdin.text()).replace(/\r?\n$/, '')
  const problem = checkNewPassword(password, [email.data, name.data])
  if (problem) {
    console.error(passwordProblemMessages[problem])
    process.exit(2)
  }
  const id = newId()
  await makeAdmin(id, null, {
    id,
    email: email.data,
    legalName: name.data,
    passwordHash: await hashPassword(password),
    role: 'admin',
    emailVerifiedAt: new Date(),
  })
  console.warn(`Created administrator ${email.data}. Set up two-factor at first sign-in.`)
}
database.close()
