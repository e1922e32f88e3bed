/**
 * Finds Debian's Chromium for the end-to-end tests, installing it with apt when it is missing
 * and we run as root. Never downloads a browser of its own.
 */
import { existsSync } from 'node:fs'

const candidates = ['/usr/bin/chromium', '/usr/bin/chromium-browser']

export async function findChromium(): Promise<string | null> {
  const found = candidates.find((path) => existsSync(path))
  if (found) return found

  if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    console.log("Chromium is missing; installing Debian's chromium package with apt-get ...")
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
    const update = Bun.spawnSync(['apt-get', 'update', '-qq'], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env,
    })
    const install = Bun.spawnSync(['apt-get', 'install', '-y', '-qq', 'chromium'], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env,
    })
    if (update.exitCode === 0 && install.exitCode === 0) {
      return candidates.find((path) => existsSync(path)) ?? null
    }
  }

  console.error(
    'End-to-end tests need Chromium. On Debian or Ubuntu run: sudo apt-get install chromium\n' +
      'Tenor never downloads a browser of its own.',
  )
  return null
}
