/** What every simulated actor shares: the traffic, the addresses of the stack, the offerings. */
import type { Traffic } from './traffic.ts'

export interface SoakOffering {
  id: string
  slug: string
}

export interface World {
  traffic: Traffic
  api: string
  /** The site, when it runs. */
  site: string | null
  plaid: string
  /** A one-month note with room for every purchase: matures at each clock move. */
  roomy: SoakOffering
  /** A small note that sells out and refills as purchases fail, are cancelled or returned. */
  scarce: SoakOffering
  /** Slugs of every public offering, the seeded ones included, for reads. */
  publicSlugs: string[]
  /** How often the business clock has moved so far. */
  clockMoves(): number
  /** True once traffic should stop: actors finish what they are doing and return. */
  stopping(): boolean
}

export function pick<T>(items: readonly T[]): T | undefined {
  return items[Math.floor(Math.random() * items.length)]
}

/** Picks a key with probability proportional to its weight. */
export function pickWeighted<K extends string>(weights: Record<K, number>): K {
  const entries = Object.entries(weights) as [K, number][]
  const total = entries.reduce((sum, [, weight]) => sum + weight, 0)
  let roll = Math.random() * total
  for (const [key, weight] of entries) {
    roll -= weight
    if (roll < 0) return key
  }
  return (entries.at(-1) as [K, number])[0]
}

/** Sleeps up to `ms`, waking early when the soak is stopping. */
export async function pause(world: Pick<World, 'stopping'>, ms: number): Promise<void> {
  const until = performance.now() + ms
  while (!world.stopping() && performance.now() < until) {
    await Bun.sleep(Math.min(250, until - performance.now()))
  }
}
