/**
 * What the portfolio figure runs: the site's production build (rebuilt only when its sources
 * changed since the last one) and a bare SvelteKit app, built fresh for each run from
 * `portfolio-bare/` with the site's own Svelte, Kit, Vite and adapter, whose one page renders
 * the given holdings from memory with the site's own formatting.
 */
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { root } from './harness.ts'

const web = join(root, 'web')

/**
 * Builds the site unless `web/build` is newer than every source and setting it comes from: its
 * own, and the API and database code it bundles (error reporting, the API's types and helpers).
 */
export function ensureSiteBuilt(): void {
  const built = join(web, 'build/index.js')
  const sources = [
    join(web, 'src'),
    join(web, 'static'),
    join(web, 'vite.config.ts'),
    join(root, 'api/src'),
    join(root, 'db/src'),
    join(root, 'bun.lock'),
  ]
  if (existsSync(built) && newestChange(sources) < statSync(built).mtimeMs) return

  console.log('building the site …')
  run(['bun', 'run', '--filter', '@tenor/web', 'build'], root, 'the site build')
}

function newestChange(paths: string[]): number {
  let newest = 0
  for (const path of paths) {
    if (!existsSync(path)) continue
    const stat = statSync(path)
    newest = Math.max(newest, stat.mtimeMs)
    if (!stat.isDirectory()) continue
    for (const name of readdirSync(path, { recursive: true })) {
      // A file removed while this looks is no newer than the build.
      const entry = statSync(join(path, String(name)), { throwIfNoEntry: false })
      newest = Math.max(newest, entry?.mtimeMs ?? 0)
    }
  }
  return newest
}

export interface BareApp {
  /** The adapter-node entry point. */
  entry: string
  remove(): void
}

/** Builds the bare app in a temporary folder; `holdings` become its in-memory rows. */
export function buildBareApp(holdings: unknown[]): BareApp {
  const dir = mkdtempSync(join(tmpdir(), 'tenor-bare-ssr-'))
  const remove = () => rmSync(dir, { recursive: true, force: true })
  try {
    cpSync(join(import.meta.dir, 'portfolio-bare'), dir, { recursive: true })
    for (const shared of ['format.ts', 'purchase-words.ts']) {
      cpSync(join(web, 'src/lib', shared), join(dir, 'src/lib', shared))
    }
    writeFileSync(join(dir, 'src/lib/holdings.json'), JSON.stringify(holdings))
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({
        name: 'bare-portfolio',
        private: true,
        type: 'module',
        imports: { '#lib/*': './src/lib/*' },
      }),
    )
    // The site's installed toolchain, so both sides render with the same versions.
    symlinkSync(join(web, 'node_modules'), join(dir, 'node_modules'), 'dir')
    run(
      ['bun', '--bun', 'node_modules/.bin/vite', 'build', '--logLevel', 'warn'],
      dir,
      'bare build',
    )
  } catch (error) {
    remove()
    throw error
  }
  return { entry: join(dir, 'build/index.js'), remove }
}

function run(cmd: string[], cwd: string, what: string): void {
  const result = Bun.spawnSync(cmd, { cwd, stdio: ['ignore', 'ignore', 'inherit'] })
  if (result.exitCode !== 0) throw new Error(`${what} failed`)
}
