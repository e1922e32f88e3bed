import { describe, expect, test } from 'bun:test'
import { returnPath, safeNextPath } from '../../web/src/lib/server/next-path.ts'

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

describe('the page to come back to after signing in', () => {
  test('is the page itself, its query kept', () => {
    const url = new URL('http://site.test/offerings/series-a-6m/buy?amount=1%2C000&step=review')
    expect(returnPath(url)).toBe('/offerings/series-a-6m/buy?amount=1%2C000&step=review')
    expect(returnPath(new URL('http://site.test/portfolio'))).toBe('/portfolio')
  })

  test('leaves out the action a form was posted to, so it returns to the form', () => {
    const posted = new URL(
      'http://site.test/offerings/a/buy?amount=500&key=k1&step=review&/confirm',
    )
    const back = returnPath(posted)
    expect(back).toBe('/offerings/a/buy?amount=500&key=k1&step=review')
    expect(safeNextPath(back)).toBe(back)
    expect(returnPath(new URL('http://site.test/purchases/p1?/instruction'))).toBe('/purchases/p1')
  })
})
