import { error, type RequestEvent, redirect } from '@sveltejs/kit'
import { listApprovals, listAudit } from '#lib/server/admin-governance.ts'
import {
  closeOffering,
  editOffering,
  findOffering,
  requestCancellation,
  requestPublish,
  requestRateChange,
} from '#lib/server/admin-offerings.ts'
import { readFields, readForm, rejectForm, rejectWithProblem } from '#lib/server/forms.ts'
import { requireAdmin } from '#lib/server/guards.ts'
import {
  offeringFields,
  offeringFormValues,
  parsePercent,
  rateProblem,
  readOfferingTerms,
  withReadErrors,
} from '#lib/server/offering-form.ts'
import type { Actions, PageServerLoad } from './$types'

export const load: PageServerLoad = async (event) => {
  requireAdmin(event)

  const { api } = event.locals
  const offeringId = event.params.id
  const [found, waiting, history] = await Promise.all([
    findOffering(api, offeringId),
    listApprovals(api, 'pending'),
    listAudit(api, { targetId: offeringId, limit: 20 }),
  ])
  if (!found) error(404, 'There is no offering with that id.')

  return {
    ...found,
    values: offeringFormValues(found.offering),
    waiting: waiting.filter((approval) => approval.targetId === offeringId),
    history,
    done: doneOf(event.url.searchParams.get('done')),
  }
}

// What a form on this page did, said on the page it lands on. Each success is sent on there
// (303), so reloading it, or going back to it, sends nothing again.
const outcomes = [
  'created',
  'saved',
  'publish_requested',
  'closed',
  'rate_requested',
  'cancel_requested',
] as const
type Outcome = (typeof outcomes)[number]

function doneOf(given: string | null): Outcome | null {
  return outcomes.find((outcome) => outcome === given) ?? null
}

function done(event: RequestEvent<{ id: string }>, outcome: Outcome): never {
  redirect(303, `/admin/offerings/${event.params.id}?done=${outcome}`)
}

export const actions: Actions = {
  edit: async (event) => {
    requireAdmin(event)

    const values = readFields(await readForm(event.request), offeringFields)
    const { terms, errors } = readOfferingTerms(values)

    const outcome = await editOffering(event.locals.api, event.params.id, terms)
    if (outcome.ok) done(event, 'saved')
    return rejectWithProblem(
      withReadErrors(outcome.problem, errors),
      'terms',
      offeringFields,
      values,
    )
  },

  publish: async (event) => {
    requireAdmin(event)

    const outcome = await requestPublish(event.locals.api, event.params.id)
    if (outcome.ok) done(event, 'publish_requested')
    // Incomplete terms come back as issues; listed together, they say what to fix first.
    return rejectWithProblem(outcome.problem, 'status', [])
  },

  close: async (event) => {
    requireAdmin(event)

    const outcome = await closeOffering(event.locals.api, event.params.id)
    if (outcome.ok) done(event, 'closed')
    return rejectWithProblem(outcome.problem, 'status', [])
  },

  rate: async (event) => {
    requireAdmin(event)

    const { rate } = readFields(await readForm(event.request), ['rate'])
    const rateBps = parsePercent(rate)
    if (rateBps === null) {
      return rejectForm(422, {
        form: 'rate',
        values: { rate },
        errors: { rate: rateProblem(rate, 'the new rate', '5.50') },
      })
    }

    const outcome = await requestRateChange(event.locals.api, event.params.id, rateBps)
    if (outcome.ok) done(event, 'rate_requested')
    return rejectWithProblem(outcome.problem, 'rate', ['rateBps'], { rate })
  },

  cancel: async (event) => {
    requireAdmin(event)

    const { reason } = readFields(await readForm(event.request), ['reason'])
    const outcome = await requestCancellation(event.locals.api, event.params.id, reason)
    if (outcome.ok) done(event, 'cancel_requested')
    return rejectWithProblem(outcome.problem, 'cancel', ['reason'], { reason })
  },
}
