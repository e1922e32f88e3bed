import { error, redirect } from '@sveltejs/kit'
import { canPayTo } from '@tenor/api/plaid/account-use'
import { describeRolloverTarget, maturityChoices } from '#lib/offering-words.ts'
import { type Bank, fundingAccounts, listBanks } from '#lib/server/banks.ts'
import { moveBank } from '#lib/server/dev-clock.ts'
import { getEnv, hasDevTools } from '#lib/server/env.ts'
import { readFields, readForm, rejectForm, rejectWithProblem } from '#lib/server/forms.ts'
import { requireUser } from '#lib/server/guards.ts'
import { listOpenOfferings } from '#lib/server/offerings.ts'
import {
  cancelPurchase,
  chooseAtMaturity,
  findPurchase,
  type MaturityChoice,
  type Purchase,
  resendPayment,
} from '#lib/server/purchases.ts'
import type { Actions, PageServerLoad, RequestEvent } from './$types'

export const load: PageServerLoad = async (event) => {
  const { locals, params, depends } = event
  requireUser(event)
  // The page asks for this again while the purchase is moving, to follow it.
  depends('app:purchase')

  const [found, banks] = await Promise.all([
    findPurchase(locals.api, params.id),
    listBanks(locals.api),
  ])
  if (!found) error(404, 'We cannot find that purchase.')
  const { purchase, authorization } = found

  return {
    purchase,
    authorization,
    // Bought again from a review already used (Back after buying): the same purchase, said so.
    alreadyBought: event.url.searchParams.get('already') === 'bought',
    // What a form posted without JavaScript did, said after its redirect (`answered`).
    done: doneNotices.find((notice) => notice === event.url.searchParams.get('done')) ?? null,
    rolloverTargets: purchase.instructionChangeable
      ? await listRolloverTargets(locals, purchase)
      : [],
    fundedFrom: describeAccount(banks, purchase.bankAccountId),
    paidTo: describeAccount(banks, purchase.payment?.bankAccountId ?? null),
    // Where held money can be sent: the same accounts that could pay for a purchase.
    receivingAccounts:
      purchase.payment?.stage === 'held'
        ? fundingAccounts(banks).map(({ bank, account }) => ({
            id: account.id,
            name: account.name,
            mask: account.mask,
            bankName: bank.institutionName ?? 'your bank',
          }))
        : [],
  }
}

/** The offerings open today that the note could roll over into, as choices. */
async function listRolloverTargets(locals: App.Locals, purchase: Purchase) {
  const offerings = await listOpenOfferings(locals.api)
  // Before the debit settles the maturity date is the estimate, from when it should settle.
  const maturityDate = purchase.maturityDate ?? purchase.payout?.maturityDate ?? ''

  // A rollover happens on the maturity date, so only offerings still selling then are offered.
  return offerings
    .filter((offering) => offering.closesOn >= maturityDate)
    .map((offering) => ({
      value: offering.slug,
      label: describeRolloverTarget(offering),
      rateBps: offering.rateBps,
    }))
}

/** The choice the form sent, or what is missing from it. */
function readMaturityChoice(
  values: Record<'instruction' | 'rolloverOfferingSlug', string>,
  form: FormData,
):
  | { ok: true; choice: MaturityChoice }
  | { ok: false; message?: string; errors?: Record<string, string> } {
  const instruction = maturityChoices.find((choice) => choice.value === values.instruction)?.value
  if (!instruction) return { ok: false, message: 'Choose what happens at maturity.' }
  if (instruction === 'payout') return { ok: true, choice: { instruction } }

  const slug = values.rolloverOfferingSlug
  if (!slug) {
    return {
      ok: false,
      errors: { rolloverOfferingSlug: 'Choose the offering to roll over into.' },
    }
  }

  // The rate shown beside the chosen offering, sent with the form, so a change is caught.
  const shown = form.get(`rate:${slug}`)
  const rolloverRateBps =
    typeof shown === 'string' && /^[0-9]{1,6}$/.test(shown) ? Number(shown) : undefined
  return { ok: true, choice: { instruction, rolloverOfferingSlug: slug, rolloverRateBps } }
}

/**
 * An account by its name, last digits and bank, and whether a payout can be sent to it: not
 * closed, on a connection not ended (as the worker judges it); null when it is no longer linked.
 */
function describeAccount(banks: Bank[], accountId: string | null) {
  const bank = banks.find((b) => b.accounts.some((a) => a.id === accountId))
  const account = bank?.accounts.find((a) => a.id === accountId)
  if (!bank || !account) return null

  return {
    name: account.name,
    mask: account.mask,
    bankName: bank.institutionName ?? 'your bank',
    receives: canPayTo(account, bank),
  }
}

const doneNotices = ['cancelled', 'saved'] as const

/**
 * A form posted without JavaScript leaves the browser at the action's address, where a reload
 * would post it again: it is answered with a redirect to the page, which says what was done. A
 * form the page's script sent keeps its answer, and the page stays where it was.
 */
function answered<T>(event: RequestEvent, answer: T, notice?: (typeof doneNotices)[number]): T {
  if (event.request.headers.get('x-sveltekit-action') === 'true') return answer
  redirect(303, `/purchases/${event.params.id}${notice ? `?done=${notice}` : ''}`)
}

const bankMoves = {
  transfer: ['debit', 'payout'],
  event: ['posted', 'settled', 'returned'],
} as const

export const actions: Actions = {
  /** Chooses what happens to the note at maturity: paid to the bank, or rolled over. */
  instruction: async (event) => {
    const { locals, params, request } = event
    requireUser(event)
    const form = await readForm(request)
    const values = readFields(form, ['instruction', 'rolloverOfferingSlug'])
    const read = readMaturityChoice(values, form)
    if (!read.ok) {
      const { message = null, errors = {} } = read
      return rejectForm(400, { form: 'instruction', message, errors, values })
    }

    const chosen = await chooseAtMaturity(locals.api, params.id, read.choice)
    if (chosen.ok) {
      const { instruction } = read.choice
      locals.log.info('maturity instruction chosen', { purchaseId: params.id, instruction })
      return answered(event, { form: 'instruction', saved: true } as const, 'saved')
    }
    if (chosen.problem.status === 404) error(404, 'We cannot find that purchase.')
    return rejectWithProblem(chosen.problem, 'instruction', ['rolloverOfferingSlug'], values)
  },
  /** Sends the note's held payment to the account the investor chose. */
  resend: async (event) => {
    const { locals, params, request } = event
    requireUser(event)
    const { bankAccountId } = readFields(await readForm(request), ['bankAccountId'])
    if (!bankAccountId) {
      return rejectForm(400, { form: 'resend', message: 'Choose the account to send it to.' })
    }

    const sent = await resendPayment(locals.api, params.id, bankAccountId)
    if (sent.ok) {
      locals.log.info('held payment sent again', { purchaseId: params.id })
      return answered(event, { form: 'resend', resent: true } as const)
    }
    if (sent.problem.status === 404) error(404, 'We cannot find that purchase.')
    return rejectForm(sent.problem.status, { form: 'resend', message: sent.problem.message })
  },
  /** Development only: the bank posts, settles or returns this purchase's debit or payment. */
  bank: async (event) => {
    const { locals, params, request } = event
    requireUser(event)
    if (!hasDevTools(getEnv())) error(404, 'Not found')
    // The signed-in investor's own purchase, or nothing.
    if (!(await findPurchase(locals.api, params.id))) error(404, 'We cannot find that purchase.')

    const fields = readFields(await readForm(request), ['transfer', 'event'])
    const transfer = bankMoves.transfer.find((value) => value === fields.transfer)
    const move = bankMoves.event.find((value) => value === fields.event)
    if (!transfer || !move) return rejectForm(400, { form: 'bank', message: 'Choose a move.' })

    const moved = await moveBank(locals.api, params.id, { transfer, event: move })
    if (moved.ok) return answered(event, { form: 'bank', moved: true } as const)
    return rejectForm(moved.problem.status, { form: 'bank', message: moved.problem.message })
  },
  cancel: async (event) => {
    const { locals, params } = event
    requireUser(event)

    const cancelled = await cancelPurchase(locals.api, params.id)
    if (cancelled.ok) {
      locals.log.info('purchase cancelled', { purchaseId: params.id })
      return answered(event, { form: 'cancel', cancelled: true } as const, 'cancelled')
    }

    const { problem } = cancelled
    if (problem.status === 404) error(404, 'We cannot find that purchase.')
    return rejectForm(problem.status, { form: 'cancel', message: problem.message })
  },
}
