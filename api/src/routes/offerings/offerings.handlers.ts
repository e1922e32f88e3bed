import type { RouteHandler } from '@hono/zod-openapi'
import {
  businessDateOf,
  type CalendarDate,
  calculateApy,
  compareDates,
  defaultMaturityInstruction,
  describeDayCount,
  nextBankingDay,
  type OfferingTerms,
  toCalendarDate,
} from '@tenor/db/domain'
import { offerings } from '@tenor/db/schema'
import { and, asc, eq, gte, lte, ne } from 'drizzle-orm'
import type { AppDeps, AppEnv } from '../../context.ts'
import { ApiError, notFound } from '../../lib/errors.ts'
import { type JsonText, sendJsonText, toJsonText } from '../../lib/json-text.ts'
import { createTtlCache } from '../../lib/ttl-cache.ts'
import { isOpenForPurchase } from '../../purchases/preconditions.ts'
import { checkPurchaseAmount, parseAmountCents, quotePayout } from './offerings.amounts.ts'
import type * as routes from './offerings.routes.ts'

type OfferingRow = typeof offerings.$inferSelect

const termsOf = (row: OfferingRow): OfferingTerms => ({
  rateBps: row.rateBps,
  rateType: row.rateType,
  compounding: row.compounding,
  dayCount: row.dayCount,
  termMonths: row.termMonths,
})

/** What investors see of an offering; its APY is for a note starting today. */
function toOfferingView(row: OfferingRow, today: CalendarDate) {
  if (row.status === 'draft') throw new Error(`Draft offering ${row.id} must not be shown`)

  const dayCount = describeDayCount(row.dayCount)
  const { apyBps, apyDisplay } = calculateApy({ terms: termsOf(row), startDate: today })

  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    issuer: row.issuer,
    description: row.description,
    status: row.status,
    openForPurchase: isOpenForPurchase(row, today),
    salesEnded: row.status !== 'open' || today > row.closesOn,
    rateBps: row.rateBps,
    rateType: row.rateType,
    compounding: row.compounding,
    dayCount: row.dayCount,
    dayCountName: dayCount.name,
    dayCountDescription: dayCount.description,
    termMonths: row.termMonths,
    minPurchaseCents: row.minPurchaseCents,
    maxPurchaseCents: row.maxPurchaseCents,
    incrementCents: row.incrementCents,
    capacityCents: row.capacityCents,
    remainingCents: row.capacityCents - row.reservedCents,
    soldOut: row.capacityCents - row.reservedCents < row.minPurchaseCents,
    opensOn: row.opensOn,
    closesOn: row.closesOn,
    apyBps,
    apyDisplay,
    // What a new note gets: an offering stored with a rollover default pays out all the same.
    defaultMaturityInstruction,
  }
}

type OfferingView = ReturnType<typeof toOfferingView>

/** The shared 422 envelope for one invalid amount. */
const invalidAmount = (message: string) =>
  new ApiError(422, 'validation_failed', 'Some fields are missing or invalid.', {
    issues: [{ path: 'amountCents', message }],
  })

export function createOfferingHandlers(deps: AppDeps) {
  const { database, clock, env } = deps
  const today = () => businessDateOf(clock.now(), env.businessTimeZone)
  // The public list is the busiest read. In staging and production its JSON is kept for a
  // second: the remaining capacity shown may lag by that much, while a purchase always
  // reserves capacity atomically against the database.
  const cachedList = createTtlCache<JsonText<{ offerings: OfferingView[] }>>(
    env.isProduction ? 1000 : 0,
  )

  async function findVisible(slug: string): Promise<OfferingRow> {
    const row = await database.db.query.offerings.findFirst({
      where: and(eq(offerings.slug, slug), ne(offerings.status, 'draft')),
    })
    // A draft answers exactly as a missing slug, so drafts cannot be discovered.
    if (!row) throw notFound('offering')

    return row
  }

  const list: RouteHandler<typeof routes.listOfferings, AppEnv> = async (c) => {
    const date = today()
    const body = await cachedList(date, async () => {
      const rows = await database.db
        .select()
        .from(offerings)
        .where(
          and(
            eq(offerings.status, 'open'),
            lte(offerings.opensOn, date),
            gte(offerings.closesOn, date),
          ),
        )
        .orderBy(asc(offerings.termMonths), asc(offerings.slug))
      return toJsonText({ offerings: rows.map((row) => toOfferingView(row, date)) })
    })

    return sendJsonText(c, body)
  }

  const get: RouteHandler<typeof routes.getOffering, AppEnv> = async (c) => {
    const row = await findVisible(c.req.valid('param').slug)

    return c.json({ offering: toOfferingView(row, today()) }, 200)
  }

  const preview: RouteHandler<typeof routes.previewOffering, AppEnv> = async (c) => {
    const row = await findVisible(c.req.valid('param').slug)
    const amountCents = parseAmountCents(c.req.valid('query').amountCents)
    if (amountCents === null) throw invalidAmount('Enter a whole number of cents.')
    const problem = checkPurchaseAmount(row, amountCents)
    if (problem) throw invalidAmount(problem)

    // Interest starts when the debit settles: on the next banking day for one sent today, or,
    // for an offering not open yet, on its opening day.
    const date = today()
    const opensOn = toCalendarDate(row.opensOn)
    const firstSale = compareDates(opensOn, date) > 0 ? opensOn : date
    const startDate = nextBankingDay(firstSale)
    const quote = quotePayout(termsOf(row), amountCents, startDate)
    if (!quote.ok) throw invalidAmount(quote.problem)

    return c.json({ preview: { startDate, ...quote.payout } }, 200)
  }

  return { list, get, preview }
}
