/**
 * One simulated investor: signs up the way the site does it (register, confirm the email from the
 * mailbox, identity check approved by the admin, a sandbox bank linked), then keeps doing what
 * investors do, one request after another: reads offerings, the portfolio and purchases, buys
 * notes, cancels one now and then, chooses what happens at maturity, signs in again. After a 429
 * it honours Retry-After for that action, as a well-behaved client does.
 */
import type { Admin } from './admin.ts'
import { type Answer, json } from './traffic.ts'
import { pick, pickWeighted, type World } from './world.ts'

const password = 'quiet harbour lanterns at dusk 42'
const names = [
  'Morgan Lee',
  'Priya Raman',
  'Tomas Ortega',
  'Hana Kato',
  'Ada Okafor',
  'Lena Fischer',
]
const instructions = ['payout', 'rollover_all', 'rollover_principal'] as const
// The sandbox's institutions: a bank is recognised by institution, so each new link needs another.
const institutions = ['ins_109508', 'ins_109509', 'ins_109510', 'ins_109511']

interface Holding {
  id: string
  state: string
  cancellable: boolean
}

interface PurchaseView extends Holding {
  amountCents: number
}

const actions = {
  offerings: 14,
  portfolio: 12,
  statement: 2,
  purchases: 10,
  purchase: 6,
  buy: 12,
  cancel: 4,
  instruction: 3,
  account: 4,
  signInAgain: 2,
  sitePortfolio: 6,
} as const
type Action = keyof typeof actions

export class Investor {
  readonly email: string
  /** The address Fly's proxy would report: each investor has its own. */
  readonly address: string
  private readonly legalName: string
  private token = ''
  private bankAccountId = ''
  private banksLinked = 0
  private readonly holdings = new Map<string, Holding>()
  private readonly heldOff = new Map<Action, number>()

  constructor(
    private readonly world: World,
    private readonly admin: Admin,
    n: number,
  ) {
    this.email = `investor${n}@example.com`
    this.address = `198.18.${(n >> 8) & 255}.${n & 255}`
    this.legalName = names[n % names.length] ?? 'Morgan Lee'
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { authorization: `Bearer ${this.token}`, 'fly-client-ip': this.address, ...extra }
  }

  private get(kind: string, path: string, expected = { 200: [] }): Promise<Answer> {
    const { traffic, api } = this.world
    return traffic.send(kind, `${api}${path}`, { headers: this.headers() }, expected)
  }

  private post(kind: string, path: string, body: unknown, expected: Record<number, string[]>) {
    const { traffic, api } = this.world
    return traffic.send(kind, `${api}${path}`, json('POST', body, this.headers()), expected)
  }

  /** Signs up and gets ready to buy; false when a step was refused (a rate limit). */
  async join(): Promise<boolean> {
    const anonymous = { 'fly-client-ip': this.address }
    const { traffic, api } = this.world
    const registered = await traffic.send(
      'POST /auth/register',
      `${api}/auth/register`,
      json('POST', { email: this.email, password, legalName: this.legalName }, anonymous),
      { 202: [] },
    )
    if (registered.status !== 202) return false

    const mailbox = await traffic.send(
      'GET /dev/mailbox',
      `${api}/dev/mailbox?to=${encodeURIComponent(this.email)}`,
      { headers: anonymous },
      { 200: [] },
    )
    const messages = (mailbox.body?.messages ?? []) as { kind: string; text: string }[]
    const link = messages.find((m) => m.kind === 'verify_email')?.text ?? ''
    const token = link.match(/[?&]token=([A-Za-z0-9_-]+)/)?.[1]
    if (!token) {
      traffic.flag('GET /dev/mailbox', mailbox.status, `no confirmation email for ${this.email}`)
      return false
    }
    const verified = await traffic.send(
      'POST /auth/verify-email',
      `${api}/auth/verify-email`,
      json('POST', { token }, anonymous),
      { 200: [] },
    )
    if (verified.status !== 200) return false

    const userId = await this.signIn()
    if (!userId) return false
    const submitted = await this.post('POST /kyc', '/kyc', this.identity(), { 202: [] })
    const profile = submitted.body?.profile as { submittedAt?: string } | null | undefined
    const sentAt = profile?.submittedAt
    if (submitted.status !== 202 || !sentAt || !(await this.admin.approveKyc(userId, sentAt))) {
      return false
    }

    return this.linkBank()
  }

  private identity() {
    return {
      legalName: this.legalName,
      dateOfBirth: '1984-05-17',
      address: { line1: '1 Harbour Street', city: 'Portland', region: 'ME', postalCode: '04101' },
      taxIdKind: 'ssn',
      taxId: '123-45-6789',
      attestation: true,
    }
  }

  /** Signs in with a new session and answers the user id; the old session is signed out. */
  private async signIn(): Promise<string | null> {
    const { traffic, api } = this.world
    const answer = await traffic.send(
      'POST /auth/login',
      `${api}/auth/login`,
      json('POST', { email: this.email, password }, { 'fly-client-ip': this.address }),
      { 200: [] },
    )
    const token = answer.body?.token
    const user = answer.body?.user as { id?: string } | undefined
    if (answer.status !== 200 || typeof token !== 'string' || !user?.id) {
      this.holdOff('signInAgain', answer)
      return null
    }
    if (this.token) await this.post('POST /auth/logout', '/auth/logout', {}, { 200: [] })
    this.token = token

    return user.id
  }

  private async linkBank(): Promise<boolean> {
    const institutionId = institutions[this.banksLinked++]
    if (!institutionId) return false
    const created = await this.post('POST /banks/link-token', '/banks/link-token', {}, { 200: [] })
    const linkToken = created.body?.linkToken
    if (typeof linkToken !== 'string') return false
    const completed = await this.post(
      'POST /dev/plaid/link',
      '/dev/plaid/link',
      { linkToken, institutionId, username: 'user_good', password: 'pass_good' },
      { 200: [] },
    )
    const link = completed.body as {
      publicToken?: string
      institution?: { id: string }
      accounts?: { name: string; mask: string | null }[]
    } | null
    if (!link?.publicToken || !link.institution || !link.accounts) return false
    const linked = await this.post(
      'POST /banks',
      '/banks',
      {
        publicToken: link.publicToken,
        institutionId: link.institution.id,
        accounts: link.accounts,
      },
      { 201: [] },
    )
    const bank = linked.body?.bank as
      | { accounts: { id: string; subtype: string | null; canFund: boolean }[] }
      | undefined
    const account = bank?.accounts.find((a) => a.subtype === 'checking' && a.canFund)
    if (!account) return false
    this.bankAccountId = account.id

    return true
  }

  /** One thing an investor does, chosen by weight among those not held off. */
  async act(): Promise<void> {
    const now = performance.now()
    const weights = { ...actions } as Record<Action, number>
    for (const [action, until] of this.heldOff) if (until > now) weights[action] = 0
    if (!this.world.site) weights.sitePortfolio = 0
    const action = pickWeighted(weights)
    await this[action]()
  }

  private holdOff(action: Action, answer: Answer) {
    if (answer.status !== 429) return
    const seconds = Number(answer.headers.get('retry-after') ?? '60')
    this.heldOff.set(action, performance.now() + seconds * 1000)
  }

  private async offerings() {
    const slug = pick(this.world.publicSlugs) ?? this.world.roomy.slug
    const kind = pickWeighted({ list: 2, one: 1, preview: 1 })
    if (kind === 'list') await this.get('GET /offerings', '/offerings')
    if (kind === 'one') await this.get('GET /offerings/:slug', `/offerings/${slug}`)
    if (kind === 'preview') {
      await this.get(
        'GET /offerings/:slug/preview',
        `/offerings/${slug}/preview?amountCents=100000`,
      )
    }
  }

  private async portfolio() {
    await this.get('GET /portfolio', '/portfolio')
  }

  private async statement() {
    await this.get('GET /portfolio/statement.csv', '/portfolio/statement.csv')
  }

  private async purchases() {
    const answer = await this.get('GET /purchases', '/purchases')
    for (const view of (answer.body?.purchases ?? []) as PurchaseView[]) this.remember(view)
  }

  private async purchase() {
    const holding = pick([...this.holdings.values()])
    if (!holding) return this.purchases()
    const answer = await this.get('GET /purchases/:id', `/purchases/${holding.id}`)
    const view = answer.body?.purchase as PurchaseView | undefined
    if (view) this.remember(view)
  }

  private remember(view: Holding) {
    this.holdings.set(view.id, { id: view.id, state: view.state, cancellable: view.cancellable })
  }

  private async buy() {
    const { roomy, scarce } = this.world
    const scarceOne = Math.random() < 0.25
    const body = {
      offeringId: scarceOne ? scarce.id : roomy.id,
      bankAccountId: this.bankAccountId,
      amountCents: scarceOne ? 10_000 * (1 + Math.floor(Math.random() * 10)) : roomyAmount(),
      consent: true,
    }
    const key = crypto.randomUUID()
    const send = (kind: string) =>
      this.world.traffic.send(
        kind,
        `${this.world.api}/purchases`,
        json('POST', body, this.headers({ 'idempotency-key': key })),
        { 201: [], 202: [], 409: ['sold_out', 'insufficient_capacity', 'bank_account_unusable'] },
      )
    const clockMoves = this.world.clockMoves()
    const answer = await send('POST /purchases')
    this.holdOff('buy', answer)
    const error = answer.body?.error as { code?: string } | undefined
    // An unauthorized-debit return (R10) closes the account to debits: link another bank.
    if (error?.code === 'bank_account_unusable' && !(await this.linkBank())) {
      this.heldOff.set('buy', Number.POSITIVE_INFINITY)
    }
    const view = answer.body?.purchase as PurchaseView | undefined
    if (!view) return
    this.remember(view)

    // Now and then the same request again, as from a client that lost the reply: the first
    // answer must come back, marked as a replay, and no second purchase be made (after a 202 the
    // retry asks the bank again, about the same purchase). Keys live a day of business time, so
    // a retry across a clock move (a month later) is a new purchase.
    if (Math.random() >= 0.1) return
    const again = await send('POST /purchases (replay)')
    const replayed = again.body?.purchase as PurchaseView | undefined
    if (replayed && replayed.id !== view.id) this.remember(replayed)
    const marked = again.headers.get('idempotent-replayed')
    const same =
      replayed?.id === view.id &&
      (answer.status === 202 || (again.status === answer.status && marked === 'true'))
    if (again.status !== 429 && !same && this.world.clockMoves() === clockMoves) {
      this.world.traffic.flag(
        'POST /purchases (replay)',
        again.status,
        `first ${answer.status} ${view.id}, again ${replayed?.id ?? 'none'} replayed=${marked}`,
      )
    }
  }

  private async cancel() {
    const holding = pick([...this.holdings.values()].filter((h) => h.cancellable))
    if (!holding) return this.purchases()
    const answer = await this.post(
      'POST /purchases/:id/cancel',
      `/purchases/${holding.id}/cancel`,
      {},
      { 200: [], 409: ['not_cancellable'] },
    )
    const view = answer.body?.purchase as PurchaseView | undefined
    if (view) this.remember(view)
    else holding.cancellable = false
  }

  private async instruction() {
    const holding = pick([...this.holdings.values()].filter((h) => h.state === 'active'))
    if (!holding) return this.purchases()
    const instruction = pick(instructions) ?? 'payout'
    const { traffic, api, roomy } = this.world
    const body =
      instruction === 'payout' ? { instruction } : { instruction, rolloverOfferingSlug: roomy.slug }
    await traffic.send(
      'PUT /purchases/:id/instruction',
      `${api}/purchases/${holding.id}/instruction`,
      json('PUT', body, this.headers()),
      {
        200: [],
        409: ['instruction_cutoff_passed', 'instruction_locked', 'rollover_offering_unavailable'],
      },
    )
  }

  private async account() {
    const path = pick(['/me', '/banks', '/auth/session', '/kyc']) ?? '/me'
    await this.get(`GET ${path}`, path)
  }

  private async signInAgain() {
    await this.signIn()
  }

  private async sitePortfolio() {
    const { traffic, site } = this.world
    if (!site) return
    await traffic.send(
      'site GET /portfolio',
      `${site}/portfolio`,
      { headers: { cookie: `tenor_session=${this.token}`, 'fly-client-ip': this.address } },
      { 200: [] },
    )
  }
}

/**
 * Mostly ordinary amounts; some are the sandbox's magic amounts, which the stand-in moves at once
 * and announces by webhook: $11.11 settles, $22.22 fails, $33.33 is returned (R01) after posting,
 * $66.66 is returned (R10) after settling.
 */
function roomyAmount(): number {
  const magic = pickWeighted({ none: 84, settles: 8, fails: 3, returned: 3, late: 2 })
  if (magic === 'settles') return 1111
  if (magic === 'fails') return 2222
  if (magic === 'returned') return 3333
  if (magic === 'late') return 6666
  return 10_000 + Math.floor(Math.random() * 240_000)
}
