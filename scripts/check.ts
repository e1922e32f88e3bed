/**
 * Every check Tenor has, in one run: lockfile, format and lint, strict typecheck of each
 * workspace, unit and integration tests, end-to-end tests in Chromium, a soak of the running
 * stack. Ends with one line, "N passed, N failed", counting each test and each non-test check
 * once.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { findChromium } from './chromium.ts'

type Tally = { passed: number; failed: number; names?: string[] }
const root = join(import.meta.dir, '..')
const only = process.argv.slice(2)
const totals: Tally = { passed: 0, failed: 0 }
// What failed, named again at the end so the last lines of a long run say what to look at.
const failures: string[] = []
const scratch = mkdtempSync(join(tmpdir(), 'tenor-check-'))

async function run(cmd: string[], env: Record<string, string> = {}): Promise<number> {
  const child = Bun.spawn(cmd, {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, ...env },
  })
  return child.exited
}

async function check(name: string, step: () => Promise<Tally>) {
  if (only.length > 0 && !only.includes(name)) return
  console.log(`\n── ${name} ${'─'.repeat(Math.max(0, 70 - name.length))}`)
  const started = performance.now()
  const tally = await step()
  totals.passed += tally.passed
  totals.failed += tally.failed
  if (tally.failed > 0) {
    const names = tally.names?.length ? tally.names : ['(see above)']
    failures.push(...names.map((test) => `${name}: ${test}`))
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1)
  console.log(`── ${name}: ${tally.passed} passed, ${tally.failed} failed (${seconds}s)`)
}

const single = async (cmd: string[], env?: Record<string, string>): Promise<Tally> =>
  (await run(cmd, env)) === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 }

await check('lockfile', async () => {
  // --frozen-lockfile can miss a dependency that was already in the lock transitively.
  if ((await run(['bun', 'install', '--silent'])) !== 0) return { passed: 0, failed: 1 }
  if (!existsSync(join(root, '.git'))) return { passed: 1, failed: 0 }
  return single(['git', 'diff', '--exit-code', '--stat', 'bun.lock'])
})

await check('format and lint', () => single(['bun', 'x', 'biome', 'ci', '.']))

await check('typecheck', async () => {
  const tally = { passed: 0, failed: 0 }
  for (const workspace of ['db', 'api', 'workers', 'tests', 'web']) {
    const ok = (await run(['bun', 'run', '--filter', `@tenor/${workspace}`, 'typecheck'])) === 0
    tally[ok ? 'passed' : 'failed'] += 1
  }
  return tally
})

await check('unit and integration tests', async () => {
  const report = join(scratch, 'junit.xml')
  const code = await run([
    'bun',
    'test',
    '--timeout',
    '60000',
    '--reporter=junit',
    `--reporter-outfile=${report}`,
  ])
  const counts = readJunit(report)
  if (code !== 0 && counts.failed === 0) counts.failed = 1
  return counts
})

await check('end-to-end tests', async () => {
  const chromium = await findChromium()
  if (!chromium) return { passed: 0, failed: 1 }
  if ((await run(['bun', 'run', '--filter', '@tenor/web', 'build'])) !== 0) {
    return { passed: 0, failed: 1 }
  }
  const report = join(scratch, 'playwright.json')
  const code = await run(['bun', 'run', '--filter', '@tenor/tests', 'e2e'], {
    CHROMIUM_PATH: chromium,
    PLAYWRIGHT_JSON_OUTPUT_NAME: report,
  })
  const counts = readPlaywright(report)
  if (code !== 0 && counts.failed === 0) counts.failed = 1
  return counts
})

// A bounded soak of the running stack (about two minutes; TENOR_SOAK_SECONDS runs it longer).
await check('soak', () => single(['bun', 'tests/soak/main.ts']))

if (failures.length > 0) console.log(`\nfailed:\n${failures.map((f) => `  ${f}`).join('\n')}`)
console.log(`\n${totals.passed} passed, ${totals.failed} failed`)
process.exit(totals.failed === 0 ? 0 : 1)

function readJunit(path: string): Tally {
  if (!existsSync(path)) return { passed: 0, failed: 1 }
  const head = readFileSync(path, 'utf8').match(/<testsuites[^>]*>/)?.[0] ?? ''
  const attr = (name: string) => Number(head.match(new RegExp(`${name}="(\\d+)"`))?.[1] ?? 0)
  const failed = attr('failures') + attr('errors')
  return { passed: attr('tests') - failed - attr('skipped'), failed, names: junitFailures(path) }
}

/** The tests a JUnit report marks failed, as "file › name". */
function junitFailures(path: string): string[] {
  const xml = readFileSync(path, 'utf8')
  const names: string[] = []
  for (const match of xml.matchAll(/<testcase\b([^>]*?)(?:\/>|>([\s\S]*?)<\/testcase>)/g)) {
    if (!/<(failure|error)\b/.test(match[2] ?? '')) continue
    const attr = (key: string) => match[1]?.match(new RegExp(`\\s${key}="([^"]*)"`))?.[1] ?? ''
    const title = [attr('classname'), attr('name')].filter(Boolean).join(' › ')
    names.push(`${attr('file')} › ${unescapeXml(title)}`)
  }
  return names
}

// A declaration, not a constant: the summary above runs before a constant here would exist.
function unescapeXml(text: string): string {
  return text
    .replaceAll('&quot;', '"')
    .replaceAll('&apos;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&')
}

type PlaywrightSuite = {
  title: string
  file?: string
  suites?: PlaywrightSuite[]
  specs?: { title: string; file: string; ok: boolean }[]
}

function readPlaywright(path: string): Tally {
  if (!existsSync(path)) return { passed: 0, failed: 1 }
  const report = JSON.parse(readFileSync(path, 'utf8')) as {
    stats: Record<string, number>
    suites?: PlaywrightSuite[]
  }
  const names: string[] = []
  const walk = (suite: PlaywrightSuite) => {
    for (const spec of suite.specs ?? []) if (!spec.ok) names.push(`${spec.file} › ${spec.title}`)
    for (const child of suite.suites ?? []) walk(child)
  }
  for (const suite of report.suites ?? []) walk(suite)
  return {
    passed: (report.stats.expected ?? 0) + (report.stats.flaky ?? 0),
    failed: report.stats.unexpected ?? 0,
    names,
  }
}
