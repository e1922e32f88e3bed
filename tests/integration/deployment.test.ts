import { describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseEnv } from '@tenor/db/env'
import { parse } from 'yaml'

const root = join(import.meta.dir, '../..')
const read = (path: string) => readFileSync(join(root, path), 'utf8')

interface Step {
  uses?: string
  run?: string
  env?: Record<string, string>
  with?: Record<string, unknown>
}
interface Job {
  'runs-on': string
  needs?: string | string[]
  if?: string
  environment?: string
  container?: string
  steps: Step[]
}
interface Workflow {
  on: Record<string, unknown>
  permissions?: Record<string, string>
  jobs: Record<string, Job>
}

const workflow = (name: string) => parse(read(`.github/workflows/${name}.yml`)) as Workflow
const runs = (job: Job | undefined) => (job?.steps ?? []).map((step) => step.run ?? '').join('\n')

describe('GitHub Actions workflows', () => {
  test('CI runs the README test command on every push and pull request, with caching', () => {
    const ci = workflow('ci')
    expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push'])
    expect(ci.permissions).toEqual({ contents: 'read' })
    const check = ci.jobs.check
    expect(runs(check)).toContain('sh scripts/check.sh')
    expect(check?.steps.some((step) => step.uses?.startsWith('actions/cache@'))).toBe(true)
    expect(check?.container).toContain('bookworm')
  })

  test('staging deploys only after CI succeeds on main', () => {
    const staging = workflow('deploy-staging')
    expect(staging.on.workflow_run).toEqual({
      workflows: ['ci'],
      types: ['completed'],
      branches: ['main'],
    })
    const deploy = staging.jobs.deploy
    expect(deploy?.if).toContain("conclusion == 'success'")
    expect(deploy?.environment).toBe('staging')
    expect(runs(deploy)).toContain('--app tenor-staging')
  })

  test('production deploys a release tag after the checks and a manual approval', () => {
    const production = workflow('deploy-production')
    expect(production.on.push).toEqual({ tags: ['v*.*.*'] })
    const deploy = production.jobs.deploy
    expect(deploy?.needs).toBe('check')
    // Required reviewers are set on the GitHub environment named here.
    expect(deploy?.environment).toBe('production')
    expect(runs(production.jobs.check)).toContain('sh scripts/check.sh')
  })

  test('no workflow prints a secret; secrets reach commands only through env', () => {
    for (const name of ['ci', 'deploy-staging', 'deploy-production']) {
      const text = read(`.github/workflows/${name}.yml`)
      for (const job of Object.values(workflow(name).jobs)) {
        for (const step of job.steps) {
          expect(step.run ?? '').not.toContain('secrets.')
        }
      }
      expect(text).not.toMatch(/echo[^\n]*secrets\./)
      expect(text).not.toMatch(/set -x/)
    }
  })
})

describe('fly.toml', () => {
  const fly = Bun.TOML.parse(read('fly.toml')) as {
    deploy: { release_command: string }
    processes: Record<string, string>
    services: {
      processes: string[]
      ports: { force_https?: boolean }[]
      http_checks: { path: string }[]
    }[]
    http_service: { processes: string[]; force_https: boolean }
  }

  test('runs the API, the site and the worker from one image with migrations on release', () => {
    expect(fly.deploy.release_command).toBe('bun db/src/cli/migrate.ts')
    expect(fly.processes.api).toBe('bun api/src/server.ts')
    expect(fly.processes.web).toBe('bun web/build/index.js')
    expect(fly.processes.worker).toBe('bun workers/src/main.ts')
  })

  test('forces HTTPS and checks /health and /ready on the API', () => {
    const api = fly.services.find((service) => service.processes.includes('api'))
    expect(api?.ports.some((port) => port.force_https)).toBe(true)
    expect(api?.http_checks.map((check) => check.path).sort()).toEqual(['/health', '/ready'])
    expect(fly.http_service.force_https).toBe(true)
    expect(fly.http_service.processes).toEqual(['web'])
  })

  test('the Dockerfile builds the site and installs production dependencies only', () => {
    const dockerfile = read('Dockerfile')
    expect(dockerfile).toContain('bun run --filter @tenor/web build')
    expect(dockerfile).toContain('bun install --frozen-lockfile --production')
    expect(dockerfile).not.toMatch(/SECRET|TOKEN|PASSWORD/)
  })
})

describe('the settings a deployed app is given', () => {
  /** The names deploy/secrets.template asks for (commented lines are optional). */
  const templateNames = read('deploy/secrets.template')
    .split('\n')
    .filter((line) => /^[A-Z_]+=/.test(line))
    .map((line) => line.slice(0, line.indexOf('=')))

  test('fly.toml, the image and the secrets template together give every required setting', () => {
    const fly = Bun.TOML.parse(read('fly.toml')) as { env: Record<string, string> }
    const image = Object.fromEntries(
      [...read('Dockerfile').matchAll(/^ENV ([A-Z_]+)=(\S+)/gm)].map((m) => [m[1], m[2]]),
    )
    const filled = Object.fromEntries(
      templateNames.map((name) => [name, exampleValues[name] ?? 'a-value-of-its-own-0123456789']),
    )
    for (const appEnv of ['staging', 'production']) {
      expect(() => parseEnv({ ...image, ...fly.env, ...filled, APP_ENV: appEnv })).not.toThrow()
    }
    // And none of it is optional: a template line left empty stops the script.
    expect(templateNames).toContain('PLAID_WEBHOOK_URL')
  })
})

// Values the settings' own checks accept, for the names that have a shape.
const exampleValues: Record<string, string> = {
  DATABASE_URL: 'libsql://tenor-example.turso.io',
  SESSION_KEYS: 'k1:c2Vzc2lvbi1rZXktb2YtaXRzLW93bi0wMTIzNDU2Nzg=',
  ENCRYPTION_KEYS: 'k1:ZW5jcnlwdGlvbi1rZXktb2YtaXRzLW93bi0wMTIzNDU=',
  PLAID_ENV: 'sandbox',
  POSTMARK_FROM: 'notes@tenor.example',
  SUPPORT_EMAIL: 'support@tenor.example',
  SENTRY_DSN: 'https://public@o0.ingest.sentry.io/0',
  PUBLIC_URL: 'https://tenor.example',
  PLAID_WEBHOOK_URL: 'https://api.tenor.example/webhooks/plaid',
}
