/**
 * `bun run bench`: starts its own servers on loopback, measures every figure against a ceiling
 * measured in the same run (interleaved rounds, medians), prints a table, writes the same
 * figures as JSON, and stops everything it started.
 *   bun run bench [--rounds 3] [--seconds 5] [--only NAME]
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { type BenchFigure, formatTable } from './figures.ts'
import { root } from './harness.ts'
import { benchLoginFlood } from './login-flood-figure.ts'
import { benchMaturityRun } from './maturity-run.ts'
import { benchPortfolioSsr } from './portfolio-ssr.ts'
import { benchPublicRead } from './public-read.ts'
import { benchPurchaseOverHttp } from './purchase-http.ts'
import { benchWritePath } from './write-path.ts'

const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: {
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '5' },
    only: { type: 'string' },
  },
})
const rounds = Math.max(3, Number(values.rounds))
const seconds = Math.max(1, Number(values.seconds))

const benches: Record<string, () => Promise<BenchFigure[]>> = {
  'public-read': () => benchPublicRead(rounds, seconds),
  'login-flood': () => benchLoginFlood(rounds, seconds),
  'write-path': () => benchWritePath(rounds),
  'purchase-http': () => benchPurchaseOverHttp(),
  'portfolio-ssr': () => benchPortfolioSsr(rounds, seconds),
  'maturity-run': () => benchMaturityRun(rounds),
}

const figures: BenchFigure[] = []
for (const [name, run] of Object.entries(benches)) {
  if (values.only && values.only !== name) continue
  console.log(`measuring ${name} …`)
  figures.push(...(await run()))
}

console.log(`\n${formatTable(figures)}\n`)
const outDir = join(root, 'bench-results')
mkdirSync(outDir, { recursive: true })
const report = {
  measuredAt: new Date().toISOString(),
  machine: { cpus: navigator.hardwareConcurrency, bun: Bun.version, platform: process.platform },
  rounds,
  seconds,
  figures,
}
writeFileSync(join(outDir, 'bench.json'), `${JSON.stringify(report, null, 2)}\n`)
console.log(`figures written to bench-results/bench.json`)
