import { describe, expect, test } from 'bun:test'
import { email } from './auth.schemas.ts'

function problem(input: string): string | undefined {
  const result = email.safeParse(input)
  return result.success ? undefined : result.error.issues[0]?.message
}

describe('email', () => {
  test('an empty address asks for one, spaces alone included', () => {
    expect(problem('')).toBe('Enter your email address.')
    expect(problem('   ')).toBe('Enter your email address.')
    expect(email.safeParse('').error?.issues).toHaveLength(1)
  })

  test('an address that is not one says so', () => {
    expect(problem('ada')).toBe('Enter a valid email address.')
    expect(problem('ada@')).toBe('Enter a valid email address.')
    expect(problem(`${'a'.repeat(250)}@example.com`)).toBe('Enter a valid email address.')
  })

  test('an address is kept in one canonical form', () => {
    expect(email.parse('  Ada@Example.COM ')).toBe('ada@example.com')
  })
})
