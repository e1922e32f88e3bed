import type { Tx } from '@tenor/db'
import { users } from '@tenor/db/schema'
import { eq } from 'drizzle-orm'
import { bankLinked } from '../lib/emails.ts'
import { enqueueEmail } from '../lib/outbox.ts'
import { canFund, describeAccount, kindAndMask } from './account-use.ts'
import type { AccountRow, ItemRow } from './banks.ts'

/**
 * Tells the owner, in the caller's transaction, of bank accounts that can now fund purchases and
 * receive payouts: a new link, or accounts a reconnection added. Names them by kind and last
 * digits only; accounts that can do neither (a credit card, a loan) are not money's way out.
 */
export async function tellOfNewAccounts(
  tx: Tx,
  item: ItemRow,
  accounts: AccountRow[],
  input: { publicUrl: string; now: Date },
): Promise<void> {
  const usable = accounts.filter((account) => canFund(account, item))
  const first = usable[0]
  if (!first) return
  const owner = await tx.query.users.findFirst({
    where: eq(users.id, item.userId),
    columns: { email: true, legalName: true },
  })
  if (!owner) return

  await enqueueEmail(
    tx,
    {
      kind: 'bank_linked',
      dedupeKey: `bank_linked:${item.id}:${first.id}`,
      userId: item.userId,
      to: owner.email,
      ...bankLinked(owner.legalName, describeAccounts(item, usable), `${input.publicUrl}/banks`),
    },
    input.now,
  )
}

/** "Your Chase checking ending 0000", "Your Chase accounts (checking ending 0000 and …)". */
function describeAccounts(item: ItemRow, accounts: AccountRow[]): string {
  const [only] = accounts
  if (accounts.length === 1 && only) return `Your ${describeAccount(item.institutionName, only)}`
  const named = accounts.map(kindAndMask)
  const bank = item.institutionName ?? 'bank'
  return `Your ${bank} accounts (${named.slice(0, -1).join(', ')} and ${named.at(-1)})`
}
