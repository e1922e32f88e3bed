/**
 * The demo administrator (two-factor on, as the seed makes it): opens the soak's offerings,
 * approves each new investor's identity check, and looks at operations now and then. A second
 * administrator, the checker, approves the publishing, as a draft goes live only so.
 */
import { demoAccounts } from '@tenor/api/cli/demo'
import { currentTotpCode } from '@tenor/api/lib/totp'
import { soakChecker } from './stack.ts'
import { json } from './traffic.ts'
import type { SoakOffering, World } from './world.ts'

const day = 24 * 60 * 60 * 1000
const address = '198.19.1.1'

export class Admin {
  private constructor(
    private readonly world: Pick<World, 'traffic' | 'api'>,
    private readonly token: string,
  ) {}

  /** The first step of signing in, the password; answers the session's token. */
  private static async logIn(
    world: Pick<World, 'traffic' | 'api'>,
    email: string,
    password: string,
  ): Promise<string> {
    const login = await world.traffic.send(
      'POST /auth/login',
      `${world.api}/auth/login`,
      json('POST', { email, password }, { 'fly-client-ip': address }),
      { 200: [] },
    )
    const token = login.body?.token
    if (login.status !== 200 || typeof token !== 'string') {
      throw new Error(`${email} could not sign in: ${login.status}`)
    }
    return token
  }

  static async signIn(world: Pick<World, 'traffic' | 'api'>): Promise<Admin> {
    const { email, password, totpSecret } = demoAccounts.admin
    const token = await Admin.logIn(world, email, password)
    const code = currentTotpCode(totpSecret, new Date())
    const verified = await world.traffic.send(
      'POST /auth/login/two-factor',
      `${world.api}/auth/login/two-factor`,
      json('POST', { code }, { authorization: `Bearer ${token}`, 'fly-client-ip': address }),
      { 200: [] },
    )
    if (verified.status !== 200) throw new Error(`two-factor failed: ${verified.status}`)

    return new Admin(world, token)
  }

  /**
   * The checker, made by `admin:create` without two-factor: signs in, then turns two-factor on,
   * which verifies the session, as the console asks of a new administrator.
   */
  static async signInChecker(world: Pick<World, 'traffic' | 'api'>): Promise<Admin> {
    const { email, password } = soakChecker
    const token = await Admin.logIn(world, email, password)
    const headers = { authorization: `Bearer ${token}`, 'fly-client-ip': address }
    const setup = await world.traffic.send(
      'POST /me/two-factor/setup',
      `${world.api}/me/two-factor/setup`,
      json('POST', {}, headers),
      { 200: [] },
    )
    const secret = setup.body?.secret
    if (typeof secret !== 'string') throw new Error(`two-factor setup failed: ${setup.status}`)
    const code = currentTotpCode(secret, new Date())
    const enabled = await world.traffic.send(
      'POST /me/two-factor/enable',
      `${world.api}/me/two-factor/enable`,
      json('POST', { code, password }, headers),
      { 200: [] },
    )
    if (enabled.status !== 200) throw new Error(`two-factor not enabled: ${enabled.status}`)

    return new Admin(world, token)
  }

  /** Approves a request another administrator made; throws unless it was carried out. */
  async approve(approvalId: string): Promise<void> {
    const { traffic, api } = this.world
    const decided = await traffic.send(
      'POST /admin/approvals/:id/approve',
      `${api}/admin/approvals/${approvalId}/approve`,
      json('POST', {}, this.headers()),
      { 200: [] },
    )
    const result = decided.body?.result
    if (decided.status !== 200 || typeof result !== 'string' || result.startsWith('not applied')) {
      throw new Error(`request not carried out: ${decided.text}`)
    }
  }

  private headers(): Record<string, string> {
    return { authorization: `Bearer ${this.token}`, 'fly-client-ip': address }
  }

  /**
   * Creates an offering and asks to publish it, which `checker` approves; terms not given are
   * those of a one-month note.
   */
  async openOffering(
    checker: Admin,
    terms: {
      slug: string
      name: string
      termMonths: number
      capacityCents: number
      minPurchaseCents: number
      maxPurchaseCents: number
      incrementCents: number
    },
  ): Promise<SoakOffering> {
    const { traffic, api } = this.world
    const created = await traffic.send(
      'POST /admin/offerings',
      `${api}/admin/offerings`,
      json(
        'POST',
        {
          ...terms,
          issuer: 'Tenor Funding I LLC',
          description: 'A note opened for the soak test.',
          rateBps: 600,
          rateType: 'simple',
          compounding: null,
          dayCount: 'act_365f',
          opensOn: isoDate(Date.now() - 7 * day),
          // Far enough that no number of clock moves closes it.
          closesOn: '2099-12-31',
          defaultMaturityInstruction: 'payout',
        },
        this.headers(),
      ),
      { 201: [] },
    )
    const offering = created.body?.offering as SoakOffering | undefined
    if (created.status !== 201 || !offering)
      throw new Error(`offering not created: ${created.text}`)
    const asked = await traffic.send(
      'POST /admin/offerings/:id/publish',
      `${api}/admin/offerings/${offering.id}/publish`,
      json('POST', {}, this.headers()),
      { 202: [] },
    )
    const approvalId = asked.body?.approvalId
    if (asked.status !== 202 || typeof approvalId !== 'string') {
      throw new Error(`publishing not asked: ${asked.text}`)
    }
    await checker.approve(approvalId)

    return { id: offering.id, slug: offering.slug }
  }

  /** Approves the details the investor sent at `submittedAt`, as the console would. */
  async approveKyc(userId: string, submittedAt: string): Promise<boolean> {
    const { traffic, api } = this.world
    const decided = await traffic.send(
      'POST /admin/users/:id/kyc',
      `${api}/admin/users/${userId}/kyc`,
      json('POST', { decision: 'approve', submittedAt }, this.headers()),
      { 200: [] },
    )
    return decided.status === 200
  }

  /** What an administrator glances at: operations, then the latest purchases. */
  async look(): Promise<void> {
    const { traffic, api } = this.world
    const init = { headers: this.headers() }
    await traffic.send('GET /admin/operations', `${api}/admin/operations`, init, { 200: [] })
    await traffic.send('GET /admin/purchases', `${api}/admin/purchases`, init, { 200: [] })
  }
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}
