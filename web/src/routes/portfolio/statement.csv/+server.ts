import { requireUser } from '#lib/server/guards.ts'
import { fetchStatement } from '#lib/server/purchases.ts'
import type { RequestHandler } from './$types'

/** The API's CSV statement, passed through so the browser only ever talks to the site. */
export const GET: RequestHandler = async (event) => {
  requireUser(event)

  const { csv, disposition } = await fetchStatement(event.locals.api)
  return new Response(csv, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': disposition,
      'cache-control': 'private, no-store',
    },
  })
}
