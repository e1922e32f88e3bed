// The same shape the API accepts, so an id given to the site is passed on unchanged.
const acceptedId = /^[A-Za-z0-9._-]{8,64}$/

/** The caller's request id when it looks like one (a proxy's, or a test's), otherwise a new one. */
export function readRequestId(headers: Headers): string {
  const given = headers.get('x-request-id')
  if (given && acceptedId.test(given)) return given
  return crypto.randomUUID()
}
