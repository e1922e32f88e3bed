/** A seeded source of choices, so a failing run can be replayed from its seed. */
export interface Chooser {
  /** A number in [0, 1). */
  next(): number
  /** True with the given probability. */
  chance(probability: number): boolean
  /** A whole number from `min` to `max`, both included. */
  between(min: number, max: number): number
  pick<T>(items: readonly T[]): T
  /** One of the items, each as likely as its weight. */
  weighted<T>(items: readonly { weight: number; item: T }[]): T
}

/** mulberry32: small and fast, and the same sequence for the same seed on every machine. */
export function seededChooser(seed: number): Chooser {
  let state = seed >>> 0
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let x = Math.imul(state ^ (state >>> 15), 1 | state)
    x ^= x + Math.imul(x ^ (x >>> 7), 61 | x)
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296
  }

  const chooser: Chooser = {
    next,
    chance: (probability) => next() < probability,
    between: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => {
      if (items.length === 0) throw new Error('nothing to pick from')
      return items[Math.floor(next() * items.length)] as (typeof items)[number]
    },
    weighted(items) {
      const total = items.reduce((sum, entry) => sum + entry.weight, 0)
      let point = next() * total
      for (const entry of items) {
        point -= entry.weight
        if (point < 0) return entry.item
      }
      return chooser.pick(items).item
    },
  }

  return chooser
}
