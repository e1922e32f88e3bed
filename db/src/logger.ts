/**
 * Structured JSON-line logs. Fields whose names look secret are replaced before writing, so a
 * careless `log.info('…', { body })` cannot leak a password, token or account number.
 */
import { writeSync } from 'node:fs'

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

// Lines written in one turn of the event loop leave in one write: a write per line cost a
// busy API a sixth of its CPU. What is still pending when the process exits is written
// synchronously, so the last lines before a crash or `process.exit` are kept.
let pending = ''
let scheduled = false

function flushLines(): void {
  scheduled = false
  const out = pending
  pending = ''
  if (out) process.stdout.write(out)
}

const stdoutSink: LogSink = (line) => {
  pending += `${line}\n`
  if (!scheduled) {
    scheduled = true
    setImmediate(flushLines)
  }
}

process.on('exit', () => {
  if (pending) writeSync(1, pending)
  pending = ''
})

/** Whether a logger set to `threshold` writes lines of `level`. */
export function logsAt(threshold: LogLevel | 'silent', level: LogLevel): boolean {
  return order[level] >= order[threshold]
}

export function createLogger(
  level: LogLevel | 'silent',
  base: LogFields = {},
  sink: LogSink = stdoutSink,
): Logger {
  // The base fields (component, request id) are redacted and serialised once per logger, not
  // once per line: a request logger writes its line on every request.
  let baseJson: string | undefined
  const write = (lvl: LogLevel, event: string, fields?: LogFields) => {
    if (!logsAt(level, lvl)) return
    baseJson ??= members(base)
    const time = new Date().toISOString()
    // Fields named again override earlier ones: JSON readers keep the last of repeated names.
    const rest = fields ? members(fields) : ''
    sink(`{"level":"${lvl}","time":"${time}","event":${JSON.stringify(event)}${baseJson}${rest}}`)
  }
  return {
    debug: (event, fields) => write('debug', event, fields),
    info: (event, fields) => write('info', event, fields),
    warn: (event, fields) => write('warn', event, fields),
    error: (event, fields) => write('error', event, fields),
    child: (fields) => createLogger(level, { ...base, ...fields }, sink),
  }
}

/** An object's redacted members as JSON text after a comma, ready to join a line. */
function members(fields: LogFields): string {
  const json = JSON.stringify(redact(fields))

  return json.length > 2 ? `,${json.slice(1, -1)}` : ''
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

/**
 * An error message without the values of a failed query. drizzle words a failed statement as
 * `Failed query: <sql>\nparams: <values>`, and the values are a row's: sealed tokens, emails,
 * account ids. The statement is kept, as it is what diagnoses the fault.
 */
export function withoutQueryValues(message: string): string {
  const at = message.indexOf('\nparams: ')
  return at === -1 ? message : `${message.slice(0, at)}\nparams: [withheld]`
}

/** Copies a value, replacing secret-looking fields and turning errors into plain objects. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6) return '[depth]'
  if (value instanceof Error) {
    const code = (value as Error & { code?: unknown }).code
    return {
      name: value.name,
      message: withoutQueryValues(value.message),
      ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
      // The stack begins with the message, values and all.
      stack: value.stack
        ?.replace(value.message, withoutQueryValues(value.message))
        .split('\n')
        .slice(0, 6),
      // The underlying failure (a driver error under a wrapper) is what diagnoses a fault.
      ...(value.cause === undefined ? {} : { cause: redact(value.cause, depth + 1) }),
    }
  }
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1))
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [key, inner] of Object.entries(value)) {
      if (isSecretName(key)) out[key] = '[redacted]'
      else out[key] = inner !== null && typeof inner === 'object' ? redact(inner, depth + 1) : inner
    }
    return out
  }
  return value
}
