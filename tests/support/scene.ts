import { createPlaidTestApp, type PlaidTestApp } from './plaid.ts'
import { addBuyer, addOffering, type Buyer } from './purchases.ts'

export type Offering = Awaited<ReturnType<typeof addOffering>>

/**
 * The usual scene of a money test: a fresh app with its own libSQL file and Plaid stand-in, one
 * open offering, and Ada, an approved investor with a linked bank. Close `t` after each test.
 */
export async function openScene(): Promise<{ t: PlaidTestApp; offering: Offering; ada: Buyer }> {
  const t = await createPlaidTestApp()
  return { t, offering: await addOffering(t), ada: await addBuyer(t, 'ada@example.com') }
}
