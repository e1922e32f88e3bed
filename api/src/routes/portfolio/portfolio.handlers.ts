import type { RouteHandler } from '@hono/zod-openapi'
import { businessDateOf } from '@tenor/db/domain'
import type { AppDeps, AuthedEnv } from '../../context.ts'
import { readPortfolio } from '../../purchases/portfolio.ts'
import { writeStatement } from '../../purchases/statement.ts'
import type * as routes from './portfolio.routes.ts'

export function createPortfolioHandlers(deps: AppDeps) {
  const { database, clock, env } = deps
  const today = () => businessDateOf(clock.now(), env.businessTimeZone)

  const get: RouteHandler<typeof routes.getPortfolio, AuthedEnv> = async (c) => {
    const portfolio = await readPortfolio(database.db, c.get('user').id, {
      today: today(),
      timeZone: env.businessTimeZone,
    })

    return c.json({ portfolio }, 200)
  }

  const statement: RouteHandler<typeof routes.getStatement, AuthedEnv> = async (c) => {
    const date = today()
    const csv = await writeStatement(database.db, {
      userId: c.get('user').id,
      today: date,
      timeZone: env.businessTimeZone,
    })
    c.header('Content-Type', 'text/csv; charset=utf-8')
    c.header('Content-Disposition', `attachment; filename="tenor-statement-${date}.csv"`)
    c.header('Cache-Control', 'no-store')

    return c.body(csv, 200)
  }

  return { get, statement }
}
