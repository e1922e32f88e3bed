import { createControlHandler } from './control.ts'
import {
  type ActiveFault,
  type CallRecord,
  createCallLog,
  createFaultBook,
  type FaultSpec,
} from './faults.ts'
import { createSigningKey, currentSigningKey, rotateSigningKey } from './keys.ts'
import { createFetchHandler } from './server.ts'
import { createInitialState, createStateSaver, loadState, pruneExpiredTokens } from './state.ts'
import { parseAmountCents } from './values.ts'
import { createWebhookSender, type Logger, type WebhookDelivery } from './webhooks.ts'

export type { ActiveFault, CallRecord, FaultMode, FaultSpec } from './faults.ts'
export type { LogEntry, Logger, WebhookDelivery } from './webhooks.ts'
export { hashWebhookBody, serializeWebhookBody } from './webhooks.ts'

export interface PlaidStandInOptions {
  /** 0 picks a free port. The stand-in binds 127.0.0.1 only. */
  port?: number
  /** JSON file that keeps Items, transfers, the Ledger and the signing keys across restarts. */
  statePath: string
  clock?: () => Date
  /** Starting Ledger balance for a new state file; Plaid's Sandbox starts at $100. */
  ledgerBalance?: string
  /** Where TRANSFER_EVENTS_UPDATE goes (Plaid sets this in its Dashboard). */
  transferWebhookUrl?: string | null
  /** Hosts besides loopback that webhooks may be sent to. */
  webhookHosts?: string[]
  webhookTimeoutMs?: number
  /** Structured log lines; silent unless given. */
  log?: Logger
  /** Write the state file at most this often instead of after every change (benchmarks). */
  saveIntervalMs?: number
}

export interface PlaidStandIn {
  url: string
  port: number
  stop(): Promise<void>
  /** Makes a new signing key and marks the old one expired; answers the new kid. */
  rotateWebhookKey(): string
  setTransferWebhook(url: string | null): void
  injectFault(fault: FaultSpec): ActiveFault
  clearFaults(): void
  calls(path?: string): CallRecord[]
  resetCalls(): void
  webhookDeliveries(): WebhookDelivery[]
  /** Resolves once every webhook queued so far has been delivered or has failed. */
  settleWebhooks(): Promise<void>
}

/** Starts a local HTTP server that answers the official `plaid` SDK as Plaid's Sandbox would. */
export async function startPlaidStandIn(options: PlaidStandInOptions): Promise<PlaidStandIn> {
  const clock = options.clock ?? (() => new Date())
  const log = options.log ?? (() => {})
  const { statePath } = options
  const ledgerCents = parseAmountCents('ledgerBalance', options.ledgerBalance ?? '1000000.00')
  const state = loadState(statePath) ?? createInitialState(ledgerCents, createSigningKey(clock()))
  pruneExpiredTokens(state, clock())
  if (options.transferWebhookUrl !== undefined)
    state.transferWebhookUrl = options.transferWebhookUrl
  const saver = createStateSaver(statePath, state, options.saveIntervalMs)
  saver.save()
  saver.flush()

  const webhooks = createWebhookSender({
    signingKey: () => currentSigningKey(state),
    clock,
    log,
    timeoutMs: options.webhookTimeoutMs ?? 10_000,
    allowedHosts: options.webhookHosts ?? [],
  })
  const faults = createFaultBook()
  const calls = createCallLog()
  const stopping = new AbortController()

  function rotateWebhookKey(): string {
    const key = rotateSigningKey(state, clock())
    saver.save()

    return key.kid
  }
  function setTransferWebhook(url: string | null): void {
    state.transferWebhookUrl = url
    saver.save()
  }

  const control = createControlHandler({
    state,
    saver,
    clock,
    faults,
    calls,
    webhooks,
    rotateWebhookKey,
    setTransferWebhook,
  })
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: options.port ?? 0,
    // Held replies (fault injection) may outlast Bun's default 10 s idle limit.
    idleTimeout: 0,
    fetch: createFetchHandler({
      state,
      saver,
      clock,
      log,
      webhooks,
      faults,
      calls,
      stopping: stopping.signal,
      control,
    }),
  })
  const port = server.port ?? 0

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    async stop() {
      stopping.abort()
      await server.stop(true)
      await webhooks.settle()
      saver.flush()
    },
    rotateWebhookKey,
    setTransferWebhook,
    injectFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    calls: (path) => calls.list(path),
    resetCalls: () => calls.reset(),
    webhookDeliveries: () => webhooks.deliveries(),
    settleWebhooks: () => webhooks.settle(),
  }
}
