import { parseArgs } from 'node:util'
import { newId, openDatabase } from '@tenor/db'
import { loadEnv } from '@tenor/db/env'
import { users } from '@tenor/db/schema'
import { eq } from 'drizzle-orm'
import { checkNewPassword, hashPassword, passwordProblemMessages } from '../lib/passwords.ts'
import { email as emailSchema, legalName as nameSchema } from '../routes/auth/auth.schemas.ts'

/**
 * Creates an administrator, or makes an existing account one. The only way an admin comes to
 * exist: self-registration always makes investors. The password is read from standard input so
 * it never lands in shell history. The admin sets up two-factor at first sign-in.
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
const existing = await database.db.query.users.findFirst({ where: eq(users.email, email.data) })

if (existing) {
  await database.db.update(users).set({ role: 'admin' }).where(eq(users.id, existing.id))
  console.warn(`${email.data} is now an administrator.`)
} else {
  const password = (await Bun.stdin.text()).replace(/\r?\n$/, '')
  const problem = checkNewPassword(password, [email.data, name.data])
  if (problem) {
    console.error(passwordProblemMessages[problem])
    process.exit(2)
  }
  await database.db.insert(users).values({
    id: newId(),
    email: email.data,
    legalName: name.data,
    passwordHash: await hashPassword(password),
    role: 'admin',
    emailVerifiedAt: new Date(),
  })
  console.warn(`Created administrator ${email.data}. Set up two-factor at first sign-in.`)
}
database.close()
