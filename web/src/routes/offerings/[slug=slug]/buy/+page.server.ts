import { error, fail, redirect } from '@sveltejs/kit'
import { achDebitWording } from '@tenor/api/purchases/authorization'
import { parseDollars, unreadableAmount } from '#lib/amount.ts'
import { formatDollarsInput, formatUsd } from '#lib/format.ts'
import { type Bank, type BankAccount, fundingAccounts, listBanks } from '#lib/server/banks.ts'
import { noFailure, readFields, readForm, rejectForm } from '#lib/server/forms.ts'
import { requireUser } from '#lib/server/guards.ts'
import {
  findOffering,
  type Offering,
  type PayoutPreview,
  previewPayout,
} from '#lib/server/offerings.ts'
import {
  buyNote,
  createIdempotencyKey,
  findPurchase,
  readIdempotencyKey,
} from '#lib/server/purchases.ts'
import { checkReadiness } from '#lib/server/readiness.ts'
import type { Actions, PageServerLoad } from './$types'

/** An account the investor can pay from, as the form lists it. */
interface FundingChoice {
  id: string
  name: string
  mask: string | null
  bankName: string
  institutionName: string | null
}

function toChoice({ bank, account }: { bank: Bank; account: BankAccount }): FundingChoice {
  return {
    id: account.id,
    name: account.name,
    mask: account.mask,
    bankName: bank.institutionName ?? 'Your bank',
    institutionName: bank.institutionName,
  }
}

export const load: PageServerLoad = async (event) => {
  const { locals, params, url } = event
  const user = requireUser(event)
  const [offering, banks] = await Promise.all([
    findOffering(locals.api, params.slug),
    listBanks(locals.api),
  ])
  if (!offering) error(404, 'We cannot find that offering.')

  const choices = fundingAccounts(banks).map(toChoice)
  const readiness = checkReadiness(user, banks, url.pathname + url.search)
  const amount = (
    url.searchParams.get('amount') ?? formatDollarsInput(offering.minPurchaseCents)
  ).slice(0, 40)
  const accountId = url.searchParams.get('account') ?? choices[0]?.id ?? ''
  const noErrors: Record<string, string> = {}
  const reviewing = url.searchParams.get('step') === 'review'
  // The key names one order: made for the amount step's form and carried in the review's
  // address, so the review shown again (Back after buying, a reload) buys under the same key,
  // which replays the purchase already made instead of making a second.
  const orderKey = reviewing ? readIdempotencyKey(url.searchParams.get('key')) : null
  if (reviewing && !orderKey) {
    const keyed = new URLSearchParams(url.searchParams)
    keyed.set('key', createIdempotencyKey())
    redirect(303, `${url.pathname}?${keyed}`)
  }
  const choose = {
    offering,
    readiness,
    choices,
    amount,
    accountId,
    orderKey: orderKey ?? createIdempotencyKey(),
    review: null,
  }

  const ready =
    readiness.every((step) => step.done) && offering.openForPurchase && !offering.soldOut
  if (!ready || !reviewing) return { ...choose, errors: noErrors }

  const checked = await checkOrder(event.locals, offering, amount, choices, accountId)
  // Back on the amount step, a changed order is a new one: a fresh key, whatever the old did.
  if (!checked.ok) return { ...choose, orderKey: createIdempotencyKey(), errors: checked.errors }

  // The form carries the order's key: pressing "Buy" twice, the browser resending the form, or
  // buying again from this review after Back, replays this one purchase instead of another.
  const { amountCents, account } = checked.order
  // The API keeps this same sentence, from the same function and rows, as the debit's proof.
  const authorization = achDebitWording({
    amountCents,
    accountName: account.name,
    accountMask: account.mask,
    institutionName: account.institutionName,
    issuer: offering.issuer,
  })
  return {
    ...choose,
    errors: noErrors,
    review: {
      ...checked.order,
      authorization,
      idempotencyKey: choose.orderKey,
      declined: await declinedReason(locals, url.searchParams.get('declined')),
    },
  }
}

/**
 * The review of the order in this address under a new key, after the bank declined the one
 * made from it (`declined`: that purchase).
 */
function newOrder(url: URL, declined: string): string {
  const again = new URLSearchParams({
    amount: url.searchParams.get('amount') ?? '',
    account: url.searchParams.get('account') ?? '',
    step: 'review',
    key: createIdempotencyKey(),
    declined,
  })
  return `${url.pathname}?${again}`
}

/**
 * Why the bank declined the order this review replaces (`declined` in its address, set when
 * the confirm action starts a new order after a decline), in the purchase's own words.
 */
async function declinedReason(locals: App.Locals, purchaseId: string | null) {
  if (!purchaseId || !/^[0-9a-f-]{36}$/.test(purchaseId)) return null
  const found = await findPurchase(locals.api, purchaseId)
  if (found?.purchase.state !== 'failed') return null

  return found.purchase.failure?.reason ?? 'Your bank did not approve this debit. No money moved.'
}

/** The order a review was used for, when its address is opened again with another amount. */
export interface PlacedOrder {
  id: string
  amountCents: number
  offeringName: string
}

type CheckedOrder =
  | { ok: true; order: { amountCents: number; account: FundingChoice; preview: PayoutPreview } }
  | { ok: false; errors: Record<string, string> }

/** Checks the amount and account before the review step; the API checks again when buying. */
async function checkOrder(
  locals: App.Locals,
  offering: Offering,
  amount: string,
  choices: FundingChoice[],
  accountId: string,
): Promise<CheckedOrder> {
  const errors: Record<string, string> = {}
  const account = choices.find((choice) => choice.id === accountId)
  if (!account) errors.account = 'Choose the account to pay from.'

  const cents = parseDollars(amount)
  if (cents === null) {
    errors.amount = unreadableAmount(amount, offering.maxPurchaseCents)
    return { ok: false, errors }
  }
  // Above the largest single purchase, that limit is the one to name (the API names it).
  if (cents <= offering.maxPurchaseCents && cents > offering.remainingCents) {
    errors.amount = `Only ${formatUsd(offering.remainingCents)} of this offering is left to buy.`
    return { ok: false, errors }
  }

  const preview = await previewPayout(locals.api, offering.slug, cents)
  if (!preview) error(404, 'We cannot find that offering.')
  if (preview.kind === 'refused') errors.amount = preview.message
  if (!account || preview.kind !== 'preview') return { ok: false, errors }

  return { ok: true, order: { amountCents: cents, account, preview: preview.preview } }
}

export const actions: Actions = {
  confirm: async (event) => {
    const { locals, params, request, url } = event
    requireUser(event)

    const data = await readForm(request)
    const fields = readFields(data, ['idempotencyKey', 'amountCents', 'bankAccountId', 'rateBps'])
    if (data.get('consent') !== 'yes') {
      return rejectForm(400, {
        form: 'confirm',
        errors: { consent: 'Tick the box to authorize the debit, or go back to change the order.' },
      })
    }
    const amountCents = /^[1-9][0-9]{0,11}$/.test(fields.amountCents)
      ? Number(fields.amountCents)
      : null
    const rateBps = /^[0-9]{1,6}$/.test(fields.rateBps) ? Number(fields.rateBps) : null
    // Only a key as the review makes them: anything else (an edited form) could not even be
    // sent as a header, and would fail the request instead of being refused.
    const idempotencyKey = readIdempotencyKey(fields.idempotencyKey)
    if (!idempotencyKey || !fields.bankAccountId || amountCents === null || rateBps === null) {
      return rejectForm(400, { form: 'confirm', message: 'Review your purchase again, then buy.' })
    }

    const offering = await findOffering(locals.api, params.slug)
    if (!offering) error(404, 'We cannot find that offering.')

    const outcome = await buyNote(locals.api, idempotencyKey, {
      offeringId: offering.id,
      bankAccountId: fields.bankAccountId,
      amountCents,
      rateBps,
    })
    if (outcome.kind === 'bought') {
      const { purchaseId, replayed } = outcome
      locals.log.info(replayed ? 'purchase shown again' : 'purchase made', { purchaseId })
      redirect(303, `/purchases/${purchaseId}${replayed ? '?already=bought' : ''}`)
    }

    const { problem, purchaseId } = outcome
    // An order was placed from this review before, unless the bank declined it, when buying
    // from here is a new order (below). The same amount and account (its terms changed since):
    // show that one. Another (the review's address opened again with another amount): nothing
    // is bought from a review already used; the page names that order and offers a new one,
    // which starts from the amount step under a key of its own.
    if (problem.code === 'idempotency_key_reused' && purchaseId) {
      const made = (await findPurchase(locals.api, purchaseId))?.purchase
      if (made && made.state !== 'failed') {
        if (made.amountCents === amountCents && made.bankAccountId === fields.bankAccountId) {
          redirect(303, `/purchases/${purchaseId}?already=bought`)
        }
        const placed: PlacedOrder = {
          id: made.id,
          amountCents: made.amountCents,
          offeringName: made.offeringName,
        }
        return fail(409, { ...noFailure('confirm'), placed })
      }
    }
    if (problem.code === 'idempotency_key_reused' && !purchaseId) {
      return rejectForm(409, {
        form: 'confirm',
        message: 'This order was already placed. Change the amount or account to start a new one.',
      })
    }
    // The bank declined a purchase that was made, and the order's key keeps that answer: trying
    // again from this review is a new order, under a new key, with the decline said on it.
    if (purchaseId) {
      locals.log.info('purchase declined', { code: problem.code, purchaseId })
      redirect(303, newOrder(url, purchaseId))
    }
    const message = problem.issues.map((issue) => issue.message).join(' ') || problem.message
    locals.log.info('purchase refused', { code: problem.code })
    return rejectForm(problem.status, { form: 'confirm', message })
  },
}
