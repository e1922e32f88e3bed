/**
 * Someone not signed in, looking around: the public offering reads of the API and, when the site
 * runs, its public pages (which ask the API in turn).
 */
import { pick, pickWeighted, type World } from './world.ts'

export class Visitor {
  private readonly address: string

  constructor(
    private readonly world: World,
    n: number,
  ) {
    this.address = `198.19.0.${n + 1}`
  }

  async act(): Promise<void> {
    const { traffic, api, site, publicSlugs } = this.world
    const slug = pick(publicSlugs) ?? this.world.roomy.slug
    const init = { headers: { 'fly-client-ip': this.address } }
    const page = pickWeighted({
      offerings: 4,
      offering: 2,
      preview: 2,
      health: 1,
      siteHome: site ? 2 : 0,
      siteOfferings: site ? 1 : 0,
      siteOffering: site ? 2 : 0,
    })
    const ok = { 200: [] }
    if (page === 'offerings') await traffic.send('GET /offerings', `${api}/offerings`, init, ok)
    if (page === 'offering') {
      await traffic.send('GET /offerings/:slug', `${api}/offerings/${slug}`, init, ok)
    }
    if (page === 'preview') {
      const url = `${api}/offerings/${slug}/preview?amountCents=100000`
      await traffic.send('GET /offerings/:slug/preview', url, init, ok)
    }
    if (page === 'health') await traffic.send('GET /health', `${api}/health`, init, ok)
    if (page === 'siteHome') await traffic.send('site GET /', `${site}/`, init, ok)
    if (page === 'siteOfferings') {
      await traffic.send('site GET /offerings', `${site}/offerings`, init, ok)
    }
    if (page === 'siteOffering') {
      await traffic.send('site GET /offerings/:slug', `${site}/offerings/${slug}`, init, ok)
    }
  }
}
