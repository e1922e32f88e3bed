const base62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

function randomBase62(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length))
  let text = ''
  for (const byte of bytes) text += base62[byte % 62]

  return text
}

/** Plaid's request ids are short opaque strings such as "saKrIBuEB9qJZno". */
export function createRequestId(): string {
  return randomBase62(15)
}

/** item_id and account_id are 37-character base62 strings in Plaid's answers. */
export function createPlaidObjectId(): string {
  return randomBase62(37)
}

/** Tokens read `[type]-[environment]-[uuid]`, as Plaid's glossary describes them. */
export function createToken(kind: 'link' | 'public' | 'access'): string {
  return `${kind}-sandbox-${crypto.randomUUID()}`
}
