import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** The end-to-end suite's own ports, apart from the ones `bun run start` uses. */
export const e2ePorts = { api: 3310, web: 5310, plaid: 4310 }
export const e2eUrls = {
  api: `http://127.0.0.1:${e2ePorts.api}`,
  web: `http://127.0.0.1:${e2ePorts.web}`,
  plaid: `http://127.0.0.1:${e2ePorts.plaid}`,
}

/**
 * Where `serve.ts` keeps the run's database and the Plaid stand-in's state file. Fixed (the
 * ports are too, so two runs cannot share a machine anyway) so that stories can read the
 * stand-in's state, which holds the access tokens the browser never sees.
 */
export const e2eStateDir = join(tmpdir(), `tenor-e2e-${e2ePorts.web}`)
export const e2ePaths = {
  database: join(e2eStateDir, 'tenor.db'),
  plaidState: join(e2eStateDir, 'plaid.json'),
}
