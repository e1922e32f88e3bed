import { e2eUrls } from '../../ports.ts'

async function setClock(body: { advanceDays: number } | { reset: true }): Promise<void> {
  const response = await fetch(new URL('/dev/clock', e2eUrls.api), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  if (!response.ok) throw new Error(`the clock answered ${response.status}`)
}

/** Moves the shared business clock (API and worker) forward by whole days. */
export const moveClock = (days: number) => setClock({ advanceDays: days })

/** Puts the shared clock back, whatever the story did, so later stories run on real time. */
export const resetClock = () => setClock({ reset: true })
