import { describe, expect, test } from 'bun:test'
import { createTtlCache } from './ttl-cache.ts'

describe('createTtlCache', () => {
  test('computes once within the time to live, shared by concurrent callers', async () => {
    let computed = 0
    const cached = createTtlCache<number>(1000)
    const compute = async () => ++computed
    const values = await Promise.all([cached('k', compute), cached('k', compute)])
    expect(values).toEqual([1, 1])
    expect(await cached('k', compute)).toBe(1)
    expect(await cached('other', compute)).toBe(2)
  })

  test('computes again after the time to live', async () => {
    let computed = 0
    const cached = createTtlCache<number>(5)
    await cached('k', async () => ++computed)
    await Bun.sleep(10)
    expect(await cached('k', async () => ++computed)).toBe(2)
  })

  test('forgets failures and is off with a zero time to live', async () => {
    const cached = createTtlCache<number>(1000)
    expect(cached('k', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
    await Bun.sleep(1)
    expect(await cached('k', async () => 7)).toBe(7)
    let computed = 0
    const off = createTtlCache<number>(0)
    await off('k', async () => ++computed)
    await off('k', async () => ++computed)
    expect(computed).toBe(2)
  })
})
