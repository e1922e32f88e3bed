/**
 * Sends sign-in attempts at a steady rate, each from its own client address (as Fly reports it)
 * and for an unknown account, so every attempt costs a full password hash and none is cut short
 * by a rate limit or a lockout. Runs until killed.
 *   bun tests/bench/login-flood.ts URL PER_SECOND
 */
export {}

const [url, perSecond] = Bun.argv.slice(2)
const intervalMs = 1000 / Number(perSecond ?? '5')
let n = 0

setInterval(() => {
  n++
  fetch(`${url}/auth/login`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-forwarded-proto': 'https',
      'fly-client-ip': `198.51.100.${n % 250}`,
    },
    body: JSON.stringify({
      email: `flood${n}@example.com`,
      password: 'a wrong passphrase entirely',
    }),
  }).catch(() => undefined)
}, intervalMs)
