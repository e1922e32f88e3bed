import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { JWK } from 'jose'
import type {
  AccountBase,
  Owner,
  PlaidError,
  Products,
  Transfer,
  TransferAuthorization,
  TransferEvent,
  TransferSweep,
} from 'plaid'

/** An ES256 key pair; the private half is kept because this is a local test double. */
export interface SigningKey {
  kid: string
  privateJwk: JWK
  publicJwk: JWK
  createdAt: number
  expiredAt: number | null
}

export interface LinkTokenRecord {
  expiresAt: string
  clientUserId: string
  webhook: string | null
  products: Products[]
  /** Set in update mode: the Item the token repairs. */
  accessToken: string | null
  /** Where an OAuth institution returns the user to finish Link; older state files lack it. */
  redirectUri?: string | null
}

export interface PublicTokenRecord {
  itemId: string
  expiresAt: string
}

export interface ItemRecord {
  itemId: string
  accessToken: string
  institutionId: string
  webhook: string | null
  products: Products[]
  createdAt: string
  error: PlaidError | null
  removed: boolean
  accounts: AccountBase[]
  owners: Owner[]
}

export interface AuthorizationRecord {
  authorization: TransferAuthorization
  accessToken: string
  transferId: string | null
}

export interface LedgerRecord {
  id: string
  name: string
  /** The business checking account that deposits are swept from. */
  fundingAccountId: string
  availableCents: number
  pendingCents: number
}

export interface StandInState {
  version: 1
  keys: SigningKey[]
  linkTokens: Record<string, LinkTokenRecord>
  publicTokens: Record<string, PublicTokenRecord>
  items: Record<string, ItemRecord>
  /** access_token → item_id, kept after removal so a repeat call can answer ITEM_NOT_FOUND. */
  accessTokens: Record<string, string>
  authorizations: Record<string, AuthorizationRecord>
  /** idempotency_key → authorization id. */
  authorizationKeys: Record<string, string>
  transfers: Record<string, Transfer>
  events: TransferEvent[]
  ledger: LedgerRecord
  sweeps: Record<string, TransferSweep>
  /** idempotency_key → sweep id. */
  sweepKeys: Record<string, string>
  /** Plaid sets this in the Dashboard; here an option or a control call sets it. */
  transferWebhookUrl: string | null
}

export function createInitialState(ledgerCents: number, firstKey: SigningKey): StandInState {
  return {
    version: 1,
    keys: [firstKey],
    linkTokens: {},
    publicTokens: {},
    items: {},
    accessTokens: {},
    authorizations: {},
    authorizationKeys: {},
    transfers: {},
    events: [],
    ledger: {
      id: crypto.randomUUID(),
      name: 'Default Ledger',
      fundingAccountId: crypto.randomUUID(),
      availableCents: ledgerCents,
      pendingCents: 0,
    },
    sweeps: {},
    sweepKeys: {},
    transferWebhookUrl: null,
  }
}

/** Reads the state file, or answers null when there is none yet. A damaged file is an error. */
export function loadState(path: string): StandInState | null {
  if (!existsSync(path)) return null

  const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'))
  if (!isStateV1(parsed)) {
    throw new Error(`${path} is not a Plaid stand-in state file (version 1)`)
  }

  return parsed
}

let writeCount = 0

/** Writes a temporary file beside the target, then renames it, so a crash never leaves half a file. */
export function saveState(path: string, state: StandInState): void {
  mkdirSync(dirname(path), { recursive: true })
  writeCount += 1
  const temporary = `${path}.${process.pid}.${writeCount}.tmp`
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`)
  renameSync(temporary, path)
}

/** Writes the state file after a change: at once, or at most once per interval. */
export interface StateSaver {
  save(): void
  /** Writes a change still waiting for its interval. */
  flush(): void
}

/**
 * By default every change is written before the call that made it answers. A long benchmark
 * run gives an interval instead: the whole file is rewritten on each write, which makes a run
 * of thousands of calls quadratic. Stopping the stand-in flushes.
 */
export function createStateSaver(path: string, state: StandInState, intervalMs = 0): StateSaver {
  let timer: ReturnType<typeof setTimeout> | undefined
  const flush = () => {
    if (timer === undefined) return
    clearTimeout(timer)
    timer = undefined
    saveState(path, state)
  }

  return {
    save() {
      if (intervalMs <= 0) return saveState(path, state)
      timer ??= setTimeout(flush, intervalMs)
    },
    flush,
  }
}

/** Drops link and public tokens past their expiry, which nothing can use any more. */
export function pruneExpiredTokens(state: StandInState, now: Date): void {
  const cutoff = now.toISOString()
  for (const [token, record] of Object.entries(state.linkTokens)) {
    if (record.expiresAt < cutoff) delete state.linkTokens[token]
  }
  for (const [token, record] of Object.entries(state.publicTokens)) {
    if (record.expiresAt < cutoff) delete state.publicTokens[token]
  }
}

// The file is our own output; checking the version and the top-level collections is enough to
// catch a wrong path or an old format without re-validating every record.
function isStateV1(value: unknown): value is StandInState {
  if (typeof value !== 'object' || value === null) return false

  const record: Record<string, unknown> = { ...value }
  const collections = ['items', 'transfers', 'authorizations', 'ledger']

  return (
    record.version === 1 &&
    Array.isArray(record.keys) &&
    Array.isArray(record.events) &&
    collections.every((name) => typeof record[name] === 'object' && record[name] !== null)
  )
}
