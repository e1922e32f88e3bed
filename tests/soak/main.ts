/**
 * `bun run soak`: a bounded soak of the whole stack on loopback. Starts Tenor on its own ports
 * and its own libSQL file, sends a steady mix of investor, visitor, admin and bank traffic while
 * the worker loops and the business clock moves, then checks that nothing failed, that memory
 * held, and that the books balance.
 *   bun run soak [--seconds 90] [--rate 40] [--no-site] [--keep]
 * TENOR_SOAK_SECONDS sets the traffic time too (the flag wins): run it for an hour locally.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { Admin } from './admin.ts'
import { Bank } from './bank.ts'
import { type Books, countUnprocessedWebhooks, oversold, readBooks } from './books.ts'
import { Investor } from './investor.ts'
import { canReadRss, judgeMemory, type MemoryBound, sampleRss } from './memory.ts'
import { printSummary } from './report.ts'
import { ensureSiteBuilt, soakUrls, startStack } from './stack.ts'
import { json, Traffic } from './traffic.ts'
import { Visitor } from './visitor.ts'
import { pause, type World } from './world.ts'

const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: {
    seconds: { type: 'string', default: process.env.TENOR_SOAK_SECONDS ?? '90' },
    rate: { type: 'string', default: '40' },
    'no-site': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
})
const seconds = Math.max(60, Number(values.seconds) || 90)
const rate = Math.max(1, Number(values.rate) || 40)
const write = (text: string) => process.stdout.write(`${text}\n`)

// The shape of the traffic: a first cohort of investors signs up at once, one more joins every
// 15 s, the business clock moves 32 days every 20 s (so one-month notes mature and are paid
// while traffic runs), and a few anonymous visitors read the public pages.
const firstInvestors = 8
const joinEveryMs = 15_000
const clockEveryMs = 20_000
const clockStepDays = 32
const visitors = 3

/**
 * The memory bound, for the API and the worker. Warm-up is the first third of the run (at least
 * 30 s): the first cohort signs up, the first clock move brings the first maturities and payouts,
 * code is compiled and caches fill. After it, the lower quartile of the resident set in the last
 * third may exceed that of the first third by 24 MiB or 15%, whichever is larger (`judgeMemory`
 * says why the lower quartile). Without a leak, 90 s runs on a busy 2-core machine moved it by
 * -11 to +5 MiB (API) and -9 to +1 MiB (worker), so the bound sits well clear of that noise; a
 * leak injected into the API grew it 22 MiB at 12 KiB per request and 66 MiB at 32 KiB. A 90 s
 * run thus catches leaks from about 15 KiB per request; longer runs catch proportionally less.
 */
const memoryBound: MemoryBound = {
  warmupMs: Math.max(30_000, (seconds * 1000) / 3),
  allowedMiB: 24,
  allowedShare: 0.15,
}
const judgedParts = ['api', 'worker'] as const

const withSite = !values['no-site'] && ensureSiteBuilt()
write(
  `soak: ${seconds} s of mixed traffic at up to ${rate} requests/s on loopback` +
    `${withSite ? '' : ' (without the site)'}`,
)
const stack = await startStack({ site: withSite }).catch((error: unknown) => {
  write(`soak FAILED: the stack did not start: ${error instanceof Error ? error.message : error}`)
  process.exit(1)
})
const traffic = new Traffic(rate)
const problems: string[] = []
let stopping = false
let clockMoves = 0
let investorsJoined = 0
let sampler: ReturnType<typeof sampleRss> | null = null

try {
  const admin = await Admin.signIn({ traffic, api: soakUrls.api })
  const checker = await Admin.signInChecker({ traffic, api: soakUrls.api })
  const roomy = await admin.openOffering(checker, {
    slug: 'soak-one-month',
    name: 'Soak One-Month Note',
    termMonths: 1,
    capacityCents: 5_000_000_000,
    minPurchaseCents: 100,
    maxPurchaseCents: 2_500_000,
    incrementCents: 1,
  })
  const scarce = await admin.openOffering(checker, {
    slug: 'soak-scarce',
    name: 'Soak Scarce Note',
    termMonths: 3,
    capacityCents: 300_000,
    minPurchaseCents: 10_000,
    maxPurchaseCents: 100_000,
    incrementCents: 10_000,
  })
  const listed = await traffic.send('GET /offerings', `${soakUrls.api}/offerings`, {}, { 200: [] })
  const publicSlugs = ((listed.body?.offerings ?? []) as { slug: string }[]).map((o) => o.slug)
  const world: World = {
    traffic,
    api: soakUrls.api,
    site: stack.hasSite ? soakUrls.site : null,
    plaid: soakUrls.plaid,
    roomy,
    scarce,
    publicSlugs,
    clockMoves: () => clockMoves,
    stopping: () => stopping,
  }

  const pids = Object.fromEntries(
    Object.entries(stack.pids).filter((entry): entry is [string, number] => entry[1] !== undefined),
  )
  sampler = sampleRss(pids)
  const bank = new Bank(world)
  const actors: Promise<void>[] = []
  let next = 0
  const investor = async () => {
    const one = new Investor(world, admin, next++)
    if (!(await one.join())) return
    investorsJoined++
    while (!stopping) await one.act()
  }
  for (let n = 0; n < firstInvestors; n++) actors.push(investor())
  for (let n = 0; n < visitors; n++) {
    const visitor = new Visitor(world, n)
    actors.push(
      (async () => {
        while (!stopping) await visitor.act()
      })(),
    )
  }
  actors.push(
    every(joinEveryMs, async () => {
      actors.push(investor())
    }),
    every(1000, () => bank.step()),
    every(10_000, () => admin.look()),
    every(clockEveryMs, async () => {
      const moved = await traffic.send(
        'POST /dev/clock',
        `${soakUrls.api}/dev/clock`,
        json('POST', { advanceDays: clockStepDays }),
        { 200: [] },
      )
      if (moved.status === 200) clockMoves++
    }),
    every(1000, async () => {
      const gone = stack.exited()
      if (gone) {
        problems.push(`the ${gone} process exited during the soak`)
        stopping = true
      }
    }),
  )

  await pause(world, seconds * 1000)
  stopping = true
  // Actors finish the request they are in; actors started while stopping return at once.
  while (actors.length > 0) await Promise.all(actors.splice(0))
  await traffic.idle()
  sampler.stop()
  await quiesce()
} catch (error) {
  problems.push(`the soak could not run: ${error instanceof Error ? error.message : error}`)
} finally {
  sampler?.stop()
  await stack.stop()
}

const books: Books | null = await readBooks(stack.databaseUrl).catch((error: unknown) => {
  problems.push(`the database could not be read: ${error instanceof Error ? error.message : error}`)
  return null
})
const memory = Object.entries(sampler?.samples ?? {}).map(([name, samples]) => ({
  name,
  judged: (judgedParts as readonly string[]).includes(name),
  verdict: judgeMemory(name, samples, memoryBound),
}))
const errorLines = stack.errorLines()
judge()
printSummary({
  write,
  traffic,
  rate,
  investorsJoined,
  clockMoves,
  clockStepDays,
  memory,
  memoryBound,
  books,
  emailsDelivered: stack.postmark.received().length,
  errorLines,
  problems,
})
if (values.keep || problems.length > 0) {
  writeFileSync(join(stack.dir, 'rss.json'), `${JSON.stringify(sampler?.samples ?? {})}\n`)
  write(`logs, memory samples and database kept in ${stack.dir}`)
} else stack.remove()
process.exit(problems.length === 0 ? 0 : 1)

/** Runs `work` every `ms` until the soak stops; one run at a time. */
async function every(ms: number, work: () => Promise<unknown>): Promise<void> {
  for (;;) {
    await pause({ stopping: () => stopping }, ms)
    if (stopping) return
    await work()
  }
}

/** Waits until the worker has had two turns and every stored webhook has been applied. */
async function quiesce(): Promise<void> {
  await Bun.sleep(5000)
  for (let i = 0; i < 30; i++) {
    if ((await countUnprocessedWebhooks(stack.databaseUrl)) === 0) return
    await Bun.sleep(500)
  }
  problems.push('stored webhooks were still unprocessed 20 s after traffic stopped')
}

function judge() {
  const serverErrors = traffic.total((status) => status >= 500)
  if (serverErrors > 0) problems.push(`${serverErrors} answers were 5xx`)
  if (traffic.failures > 0) problems.push(`${traffic.failures} requests got no answer`)
  const unexpected = traffic.unexpected.filter((u) => u.status < 500 && u.status !== 0).length
  if (unexpected > 0) problems.push(`${unexpected} answers were not ones the request allows`)
  if (investorsJoined === 0) problems.push('no investor managed to sign up')
  if ((traffic.counts.get('POST /purchases')?.get(201) ?? 0) === 0) {
    problems.push('no purchase was made')
  }

  if (canReadRss()) {
    for (const { name, judged, verdict } of memory) {
      if (!judged) continue
      if (!verdict) problems.push(`too few memory samples of the ${name}`)
      else if (!verdict.ok) {
        problems.push(
          `the ${name}'s memory grew ${verdict.growthMiB.toFixed(1)} MiB after warm-up (bound ${verdict.limitMiB.toFixed(1)} MiB)`,
        )
      }
    }
  }

  if (books) {
    if (books.violations.length > 0) {
      problems.push(`the ledger check found ${books.violations.length} violations`)
    }
    for (const o of oversold(books)) {
      problems.push(
        `offering ${o.slug}: capacity ${o.capacityCents}, reserved ${o.reservedCents}, held by purchases ${o.heldCents}`,
      )
    }
    if (books.failedJobs.length > 0) problems.push(`${books.failedJobs.length} worker runs failed`)
  }
  const serverLogErrors = errorLines.filter((e) => e.part === 'api' || e.part === 'worker')
  if (serverLogErrors.length > 0) {
    problems.push(`the API and worker logged ${serverLogErrors.length} errors`)
  }
}
