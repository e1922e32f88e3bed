/**
 * Structured JSON-line logs. Fields whose names look secret are replaced before writing, so a
 * careless `log.info('…', { body })` cannot leak a password, token or account number.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'
const order: Record<LogLevel | 'silent', number> = {
  debug: 10,
  info: 20,
  warn: 30,
  error: 40,
  silent: 100,
}

const secretName =
  /pass(word)?|secret|token|authorization|cookie|ssn|tax_?id|account_?number|routing|totp|api_?key|private/i

export type LogFields = Record<string, unknown>

export interface Logger {
  debug(event: string, fields?: LogFields): void
  info(event: string, fields?: LogFields): void
  warn(event: string, fields?: LogFields): void
  error(event: string, fields?: LogFields): void
  child(fields: LogFields): Logger
}

export type LogSink = (line: string) => void

const stdoutSink: LogSink = (line) => {
  process.stdout.write(`${line}\n`)
}

export function createLogger(
  level: LogLevel | 'silent',
  base: LogFields = {},
  sink: LogSink = stdoutSink,
): Logger {
  const threshold = order[level]
  const write = (lvl: LogLevel, event: string, fields?: LogFields) => {
    if (order[lvl] < threshold) return
    const record = { level: lvl, time: new Date().toISOString(), event, ...base, ...fields }
    sink(JSON.stringify(redact(record)))
  }
  return {
    debug: (event, fields) => write('debug', event, fields),
    info: (event, fields) => write('info', event, fields),
    warn: (event, fields) => write('warn', event, fields),
    error: (event, fields) => write('error', event, fields),
    child: (fields) => createLogger(level, { ...base, ...fields }, sink),
  }
}

// Log lines repeat the same few field names, so each name is judged once.
const secretNames = new Map<string, boolean>()
function isSecretName(key: string): boolean {
  let secret = secretNames.get(key)
  if (secret === undefined) {
    secret = secretName.test(key)
    if (secretNames.size < 10_000) secretNames.set(key, secret)
  }
  return secret
}

/** Copies a value, replacing secret-looking fields and turning errors into plain objects. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6) return '[depth]'
  if (value instanceof Error) {
    const code = (value as Error & { code?: unknown }).code
    return {
      name: value.name,
      message: value.message,
      ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
      stack: value.stack?.split('\n').slice(0, 6),
      // The underlying failure (a driver error under a wrapper) is what diagnoses a fault.
      ...(value.cause === undefined ? {} : { cause: redact(value.cause, depth + 1) }),
    }
  }
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1))
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [key, inner] of Object.entries(value)) {
      out[key] = isSecretName(key) ? '[redacted]' : redact(inner, depth + 1)
    }
    return out
  }
  return value
}
