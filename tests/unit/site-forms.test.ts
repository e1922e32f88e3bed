import { describe, expect, test } from 'bun:test'
import { readForm, rejectWithProblem } from '../../web/src/lib/server/forms.ts'

describe('site forms', () => {
  test('a rate limit says how long the API asks to wait, not a fixed minute', () => {
    const failure = rejectWithProblem(
      {
        status: 429,
        code: 'rate_limited',
        message: 'Too many attempts. Try again in 45 minutes.',
        requestId: 'req-1',
        issues: [],
      },
      'register',
      ['email'],
      { email: 'ada@example.com' },
    )
    expect(failure.status).toBe(429)
    expect(failure.data).toMatchObject({
      form: 'register',
      message: 'Too many attempts. Try again in 45 minutes.',
      values: { email: 'ada@example.com' },
    })
  })

  test('a body that is not a readable form is refused with 400', async () => {
    const broken = new Request('http://127.0.0.1/login', {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
      body: 'garbage',
    })
    await expect(readForm(broken)).rejects.toMatchObject({ status: 400 })
    const good = new Request('http://127.0.0.1/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'email=ada%40example.com',
    })
    expect((await readForm(good)).get('email')).toBe('ada@example.com')
  })
})
