import { defineParams } from '@sveltejs/kit/params'

/**
 * What a path segment must look like to name anything. Anything else gets the site's 404 page
 * without asking the API (which would refuse it as malformed).
 */
export const params = defineParams({
  /** Our ids (UUIDs, Plaid's item ids) as the API accepts them in a path. */
  id: (param) => (/^[A-Za-z0-9_-]{1,64}$/.test(param) ? param : undefined),
  /** An offering's slug, as offerings are created with one. */
  slug: (param) =>
    param.length <= 80 && /^[a-z0-9]+(-[a-z0-9]+)*$/.test(param) ? param : undefined,
})
