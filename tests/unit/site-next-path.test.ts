import { describe, expect, test } from 'bun:test'
import { safeNextPath } from '../../web/src/lib/server/next-path.ts'

describe('where to go after signing in', () => {
  test('a path on this site, kept with its query', () => {
    expect(safeNextPath('/offerings/series-a-6m/buy?amount=1,000')).toBe(
      '/offerings/series-a-6m/buy?amount=1,000',
    )
    expect(safeNextPath(null)).toBe('/portfolio')
  })

  test('never another site, however the path is dressed', () => {
    for (const next of [
      '//evil.example',
      '/\\evil.example',
      'https://evil.example/',
      '/.//evil.example',
      '/..//evil.example',
      '/%2e//evil.example',
      '/./\\evil.example',
    ]) {
      expect(safeNextPath(next)).toBe('/portfolio')
    }
  })
})
