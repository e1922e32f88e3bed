import { type Env, loadEnv } from '@tenor/db/env'

let loaded: Env | undefined

/**
 * The site's settings, read from the environment once through the shared `loadEnv()`.
 *
 * Lazy rather than a module constant because `vite build` imports server modules to analyse
 * them; reading the environment there would judge the build machine's settings, not the
 * server's. `hooks.server.ts` calls this from `init`, so bad settings still stop the server at
 * start rather than on the first request.
 */
export function getEnv(): Env {
  loaded ??= loadEnv()
  return loaded
}

/** The development mailbox and other local tools exist only outside staging and production. */
export function hasDevTools(env: Env): boolean {
  return env.appEnv === 'development' || env.appEnv === 'test'
}
