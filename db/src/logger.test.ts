import { describe, expect, test } from 'bun:test'
import { createLogger } from './logger.ts'

function capture(level: 'debug' | 'info' | 'warn' | 'error' | 'silent' = 'debug') {
  const lines: string[] = []
  const log = createLogger(level, { component: 'test' }, (line) => lines.push(line))
  const parsed = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>)

  return { log, lines, parsed }
}

describe('createLogger', () => {
  test('writes one JSON line with level, time, event, base and fields', () => {
    const { log, parsed } = capture()

    log.info('request handled', { status: 200, route: '/offerings' })

    const [line] = parsed()
    expect(line).toEqual({
      level: 'info',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      event: 'request handled',
      component: 'test',
      status: 200,
      route: '/offerings',
    })
  })

  test('drops lines below its level', () => {
    const { log, lines } = capture('warn')

    log.debug('noise')
    log.info('noise')
    log.warn('kept')

    expect(lines).toHaveLength(1)
    expect(JSON.parse(lines[0] as string).event).toBe('kept')
  })

  test('redacts secret-looking fields at any depth, in the base too', () => {
    const { log, lines } = capture()

    log.child({ sessionToken: 'tok_live_1' }).error('failed', {
      body: { password: 'hunter22', nested: { accountNumber: '1111222233334444' } },
      headers: [{ authorization: 'Bearer abc' }],
    })

    const text = lines.join('\n')
    for (const secret of ['tok_live_1', 'hunter22', '1111222233334444', 'Bearer abc']) {
      expect(text).not.toContain(secret)
    }
    expect(JSON.parse(text).body.password).toBe('[redacted]')
  })

  test('a child adds its fields to every line, and a line may override them', () => {
    const { log, parsed } = capture()
    const child = log.child({ requestId: 'r1', component: 'api' })

    child.info('first')
    child.info('second', { requestId: 'r2' })

    expect(parsed().map((line) => [line.component, line.requestId])).toEqual([
      ['api', 'r1'],
      ['api', 'r2'],
    ])
  })

  test('turns errors into plain objects with their code and cause', () => {
    const { log, parsed } = capture()
    const cause = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' })

    log.error('write failed', { error: new Error('could not reserve', { cause }) })

    const error = parsed()[0]?.error as Record<string, unknown>
    expect(error.message).toBe('could not reserve')
    expect(error.cause).toMatchObject({ message: 'database is locked', code: 'SQLITE_BUSY' })
  })

  test("keeps a failed query's statement but never its values", () => {
    const { log, lines } = capture()
    const failed = new Error(
      'Failed query: insert into bank_items (id, access_token) values (?, ?)\nparams: b1,v1.k1.c2VhbGVkIHRva2Vu',
      { cause: new Error('UNIQUE constraint failed: bank_items.plaid_item_id') },
    )

    log.error('link failed', { error: failed })

    expect(lines.join('\n')).not.toContain('c2VhbGVkIHRva2Vu')
    expect(lines.join('\n')).toContain('insert into bank_items')
    expect(lines.join('\n')).toContain('params: [withheld]')
    expect(lines.join('\n')).toContain('UNIQUE constraint failed')
  })

  test('escapes event names and values so every line stays one valid JSON line', () => {
    const { log, lines } = capture()

    log.info('quote " and\nnewline', { note: 'tab\tand "quotes"' })

    expect(lines[0]).not.toContain('\n')
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      event: 'quote " and\nnewline',
      note: 'tab\tand "quotes"',
    })
  })
})
