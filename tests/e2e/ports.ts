/** The end-to-end suite's own ports, apart from the ones `bun run start` uses. */
export const e2ePorts = { api: 3310, web: 5310, plaid: 4310 }
export const e2eUrls = {
  api: `http://127.0.0.1:${e2ePorts.api}`,
  web: `http://127.0.0.1:${e2ePorts.web}`,
  plaid: `http://127.0.0.1:${e2ePorts.plaid}`,
}
