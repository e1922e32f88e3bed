import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { logsAt } from '@tenor/db/logger'
import { type LogEntry, startPlaidStandIn } from './index.ts'

// bun tests/standins/plaid/main.ts --port 4010 --state data/plaid-standin.json
const usage =
  'usage: bun tests/standins/plaid/main.ts [--port 4010] [--state data/plaid-standin.json] [--transfer-webhook URL] [--ledger-balance 1000000.00] [--webhook-host HOST]... [--save-interval-ms 0]'

const levels = ['debug', 'info', 'warn', 'error', 'silent'] as const
const requested = process.env.LOG_LEVEL
// LOG_LEVEL as every part reads it: `npm run start` asks for warnings only.
const threshold = levels.find((level) => level === requested) ?? 'info'

function writeLine(entry: LogEntry): void {
  if (!logsAt(threshold, entry.level)) return
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`)
}

function readOptions() {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '4010' },
      state: { type: 'string', default: 'data/plaid-standin.json' },
      'transfer-webhook': { type: 'string' },
      'ledger-balance': { type: 'string' },
      'webhook-host': { type: 'string', multiple: true },
      'save-interval-ms': { type: 'string', default: '0' },
      help: { type: 'boolean', default: false },
    },
  })
  const port = Number(values.port)
  const saveIntervalMs = Number(values['save-interval-ms'])
  const valid =
    Number.isInteger(port) && port >= 0 && port <= 65_535 && Number.isInteger(saveIntervalMs)
  if (values.help || !valid || saveIntervalMs < 0) {
    console.error(usage)
    process.exit(values.help ? 0 : 2)
  }

  return { ...values, port, saveIntervalMs }
}

async function main(): Promise<void> {
  const options = readOptions()
  const statePath = resolve(options.state)
  const standIn = await startPlaidStandIn({
    port: options.port,
    statePath,
    transferWebhookUrl: options['transfer-webhook'],
    ledgerBalance: options['ledger-balance'],
    webhookHosts: options['webhook-host'],
    saveIntervalMs: options.saveIntervalMs,
    log: writeLine,
  })
  writeLine({ level: 'info', msg: 'plaid stand-in listening', url: standIn.url, statePath })

  async function shutDown(signal: string): Promise<void> {
    writeLine({ level: 'info', msg: 'plaid stand-in stopping', signal })
    await standIn.stop()
    process.exit(0)
  }
  process.on('SIGINT', () => void shutDown('SIGINT'))
  process.on('SIGTERM', () => void shutDown('SIGTERM'))
}

await main()
