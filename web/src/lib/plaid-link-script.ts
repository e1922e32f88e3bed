/**
 * Plaid Link in the browser. Plaid requires its script to come straight from its CDN, never
 * bundled; it is loaded only on the pages that link or reconnect a bank, whose content
 * security policy allows it (see `$lib/server/csp.ts`).
 */

export const plaidLinkScriptUrl = 'https://cdn.plaid.com/link/v2/stable/link-initialize.js'

/** The little of Plaid's global that Tenor uses. */
interface PlaidGlobal {
  create(options: {
    token: string
    receivedRedirectUri?: string
    onSuccess: (publicToken: string, metadata: PlaidSuccessMetadata) => void
    onExit: (error: PlaidLinkError | null) => void
  }): { open(): void; destroy(): void }
}

interface PlaidSuccessMetadata {
  institution: { institution_id: string; name: string } | null
  accounts: { name: string; mask: string | null }[]
}

interface PlaidLinkError {
  error_code: string
  display_message: string | null
}

export interface LinkSuccess {
  publicToken: string
  institutionId: string | null
  accounts: { name: string; mask: string | null }[]
}

export interface LinkCallbacks {
  onSuccess: (result: LinkSuccess) => void
  /** Called when the investor leaves Link without finishing; the message says why, if known. */
  onExit: (message: string | null) => void
  /** Back from an OAuth bank: the address it returned to, so Link picks up where it was. */
  receivedRedirectUri?: string
}

/**
 * What an OAuth bank's return needs to finish Link: the link token it was opened with, and the
 * page whose `finish` action takes Link's answer. Kept in this browser's local storage, never in
 * an address, as a bank's app may return the investor in a new tab; it goes once Link finishes
 * or is left, or the investor logs out, and is read only for the investor who opened it (a
 * shared browser's next user does not take it up) within the token's four hours.
 */
export interface PendingLink {
  linkToken: string
  finishPath: string
  userId: string
}

const pendingKey = 'tenor.plaid-link'
const linkTokenLifeMs = 4 * 60 * 60 * 1000

export function rememberPendingLink(pending: PendingLink): void {
  localStorage.setItem(pendingKey, JSON.stringify({ ...pending, savedAt: Date.now() }))
}

export function forgetPendingLink(): void {
  localStorage.removeItem(pendingKey)
}

export function readPendingLink(userId: string): PendingLink | null {
  const saved = localStorage.getItem(pendingKey)
  if (!saved) return null
  try {
    const { linkToken, finishPath, savedAt, ...rest } = JSON.parse(saved) as Record<string, unknown>
    if (typeof linkToken !== 'string' || typeof finishPath !== 'string') return null
    if (typeof savedAt !== 'number' || Date.now() - savedAt > linkTokenLifeMs) return null
    if (rest.userId !== userId) return null
    // Only a page of this site's banks may take the answer.
    return finishPath.startsWith('/banks/') ? { linkToken, finishPath, userId } : null
  } catch {
    return null
  }
}

let loading: Promise<PlaidGlobal> | undefined

function loadPlaid(): Promise<PlaidGlobal> {
  loading ??= new Promise<PlaidGlobal>((resolve, reject) => {
    const script = document.createElement('script')
    script.src = plaidLinkScriptUrl
    script.async = true
    script.onload = () => {
      const plaid = (window as unknown as { Plaid?: PlaidGlobal }).Plaid
      if (plaid) resolve(plaid)
      else reject(new Error('Plaid Link loaded without its Plaid global'))
    }
    script.onerror = () => reject(new Error('Plaid Link script failed to load'))
    document.head.append(script)
  }).catch((error: unknown) => {
    // Let a later attempt try again rather than keep the failure.
    loading = undefined
    throw error
  })
  return loading
}

/** Loads Plaid's script if needed and opens Link with the API's link token. */
export async function openPlaidLink(token: string, callbacks: LinkCallbacks): Promise<void> {
  const plaid = await loadPlaid()
  const handler = plaid.create({
    token,
    ...(callbacks.receivedRedirectUri
      ? { receivedRedirectUri: callbacks.receivedRedirectUri }
      : {}),
    onSuccess: (publicToken, metadata) => {
      callbacks.onSuccess({
        publicToken,
        institutionId: metadata.institution?.institution_id ?? null,
        accounts: metadata.accounts.map((account) => ({
          name: account.name,
          mask: account.mask ?? null,
        })),
      })
      handler.destroy()
    },
    onExit: (error) => {
      callbacks.onExit(
        error ? (error.display_message ?? 'Linking did not finish. You can try again.') : null,
      )
      handler.destroy()
    },
  })
  handler.open()
}
