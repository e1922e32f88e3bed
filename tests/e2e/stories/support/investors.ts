import { parseEnv } from '@tenor/db/env'
import { signForwardedAddress } from '../../../../api/src/lib/rate-limit-address.ts'
import { e2eUrls } from '../../ports.ts'
import { adminApiToken, postJson } from './admin.ts'

export interface Investor {
  email: string
  password: string
  legalName: string
  /** The API session token, for the site's session cookie. */
  sessionToken: string
}

const password = 'a calm orange kayak drifting north'
// The same settings serve.ts gives the API, so the site's signing key is the one it checks.
const sessionKeys = parseEnv({ ...process.env, APP_ENV: 'development' }).sessionKeys

/**
 * A new investor with a confirmed email address and a session, made through the API the way
 * the site would: register, follow the emailed link, log in. Each story gets its own, so no
 * story sees another's banks or purchases.
 *
 * Each arrives from an address of its own (TEST-NET-2, vouched for as the site vouches for a
 * visitor's), so the API's per-address limits on sign-ups count each story apart.
 */
export async function createInvestor(name = 'Story Investor'): Promise<Investor> {
  const email = `story-${Date.now()}-${crypto.randomUUID().slice(0, 8)}@example.com`
  const address = `198.51.100.${1 + Math.floor(Math.random() * 254)}`
  await callApi(address, '/auth/register', { email, password, legalName: name }, 202)

  const token = await findVerificationToken(email)
  await callApi(address, '/auth/verify-email', { token }, 200)

  const session = (await callApi(address, '/auth/login', { email, password }, 200)) as {
    token: string
  }
  return { email, password, legalName: name, sessionToken: session.token }
}

/**
 * Identity details that pass the API's checks; the SSN's last four are 6789. Its first five
 * digits are drawn at random, so stories' investors do not all share one number (the console
 * warns of a number sent from two accounts).
 */
export function sampleKyc(legalName: string) {
  const [area = 0, group = 0] = crypto.getRandomValues(new Uint16Array(2))
  return {
    legalName,
    dateOfBirth: '1985-04-12',
    address: { line1: '12 Harbor Street', city: 'Portland', region: 'ME', postalCode: '04101' },
    taxIdKind: 'ssn',
    taxId: `${200 + (area % 400)}-${10 + (group % 90)}-6789`,
    attestation: true,
  }
}

/**
 * Approves the investor's identity check the way it really happens: the investor sends their
 * details (POST /kyc) and the demo admin, signed in with two-factor, approves them. Both go
 * through the API, so stories about buying do not spend a browser on the review.
 */
export async function approveKyc(investor: Investor): Promise<void> {
  const sent = (await postJson('/kyc', investor.sessionToken, sampleKyc(investor.legalName))) as {
    profile: { submittedAt: string }
  }

  const session = await fetch(new URL('/auth/session', e2eUrls.api), {
    headers: { authorization: `Bearer ${investor.sessionToken}` },
  })
  const { user } = (await session.json()) as { user: { id: string } }
  await postJson(`/admin/users/${user.id}/kyc`, await adminApiToken(), {
    decision: 'approve',
    submittedAt: sent.profile.submittedAt,
  })
}

/** A second API session for the investor, as if they had logged in on another device. */
export async function startAnotherSession(investor: Investor): Promise<string> {
  const address = `198.51.100.${1 + Math.floor(Math.random() * 254)}`
  const session = (await callApi(
    address,
    '/auth/login',
    { email: investor.email, password: investor.password },
    200,
  )) as { token: string }
  return session.token
}

async function findVerificationToken(email: string): Promise<string> {
  const url = new URL('/dev/mailbox', e2eUrls.api)
  url.searchParams.set('to', email)
  const response = await fetch(url)
  const { messages } = (await response.json()) as { messages: { text: string }[] }
  const token = messages.map((m) => /verify-email\?token=([\w-]+)/.exec(m.text)?.[1]).find(Boolean)
  if (!token) throw new Error(`no verification email for ${email}`)

  return token
}

async function callApi(
  address: string,
  path: string,
  body: unknown,
  expected: number,
): Promise<unknown> {
  const response = await fetch(new URL(path, e2eUrls.api), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signForwardedAddress(sessionKeys, address) },
    body: JSON.stringify(body),
  })
  if (response.status !== expected) {
    throw new Error(`${path} answered ${response.status}: ${await response.text()}`)
  }
  return response.json()
}
