import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * The end-to-end suite's own ports, apart from the ones `bun run start` uses. Each can be moved
 * (`TENOR_E2E_API_PORT`, `TENOR_E2E_WEB_PORT`, `TENOR_E2E_PLAID_PORT`) when another run or
 * service holds it.
 */
export const e2ePorts = {
  api: portFrom(process.env.TENOR_E2E_API_PORT, 3310),
  web: portFrom(process.env.TENOR_E2E_WEB_PORT, 5310),
  plaid: portFrom(process.env.TENOR_E2E_PLAID_PORT, 4310),
}
export const e2eUrls = {
  api: `http://127.0.0.1:${e2ePorts.api}`,
  web: `http://127.0.0.1:${e2ePorts.web}`,
  plaid: `http://127.0.0.1:${e2ePorts.plaid}`,
}

/**
 * Where `serve.ts` keeps the run's database and the Plaid stand-in's state file. Named by the
 * site's port, so runs on different ports keep apart, and fixed for a run so that stories can
 * read the stand-in's state, which holds the access tokens the browser never sees.
 */
export const e2eStateDir = join(tmpdir(), `tenor-e2e-${e2ePorts.web}`)
export const e2ePaths = {
  database: join(e2eStateDir, 'tenor.db'),
  plaidState: join(e2eStateDir, 'plaid.json'),
}

function portFrom(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback
  const port = Number(value)
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new Error(`${value} is not a port number`)
  }

  return port
}
