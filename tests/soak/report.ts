/** The soak's summary: requests by kind and status, memory, the books, and the verdict. */
import type { Books } from './books.ts'
import type { MemoryBound, MemoryVerdict } from './memory.ts'
import type { Traffic } from './traffic.ts'

export interface Summary {
  write(text: string): void
  traffic: Traffic
  rate: number
  investorsJoined: number
  clockMoves: number
  clockStepDays: number
  memory: { name: string; judged: boolean; verdict: MemoryVerdict | null }[]
  memoryBound: MemoryBound
  books: Books | null
  emailsDelivered: number
  errorLines: { part: string; line: string }[]
  problems: string[]
}

export function printSummary(s: Summary): void {
  const { write, traffic } = s
  const total = traffic.total()
  const limited = traffic.total((status) => status === 429)
  const elapsed = traffic.elapsedSeconds()
  const perSecond = elapsed > 0 ? total / elapsed : 0
  write(
    `\nrequests: ${total} in ${elapsed.toFixed(0)} s (${perSecond.toFixed(1)}/s, bound ${s.rate}/s); ` +
      `${limited} rate-limited (429); ${s.investorsJoined} investors signed up; ` +
      `clock moved ${s.clockMoves} × ${s.clockStepDays} days`,
  )
  const kinds = [...traffic.counts.entries()].sort(([a], [b]) => a.localeCompare(b))
  const width = Math.max(...kinds.map(([kind]) => kind.length))
  for (const [kind, byStatus] of kinds) {
    const statuses = [...byStatus.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, n]) => `${status === 0 ? 'no answer' : status}×${n}`)
      .join('  ')
    write(`  ${kind.padEnd(width)}  ${statuses}`)
  }
  for (const u of traffic.unexpected.slice(0, 20)) {
    write(`  unexpected: ${u.kind} → ${u.status} ${u.code ?? ''} ${u.detail}`)
  }

  const b = s.memoryBound
  write(
    `\nmemory (VmRSS, MiB; after ${(b.warmupMs / 1000).toFixed(0)} s of warm-up the lower quartile of the last third may exceed that of the first third by ${b.allowedMiB} MiB or ${b.allowedShare * 100}%, whichever is larger)`,
  )
  write(
    `  ${'process'.padEnd(8)}  samples  first   last   peak  early  late  growth  bound   result`,
  )
  for (const { name, judged, verdict: v } of s.memory) {
    if (!v) {
      write(`  ${name.padEnd(8)}  too few samples`)
      continue
    }
    const cells = [v.firstMiB, v.lastMiB, v.peakMiB, v.earlyMiB, v.lateMiB].map((n) =>
      n.toFixed(0).padStart(5),
    )
    const result = judged ? (v.ok ? 'held' : 'GREW') : 'reported'
    write(
      `  ${name.padEnd(8)}  ${String(v.count).padStart(7)}  ${cells.join('  ')}  ${v.growthMiB.toFixed(1).padStart(6)}  ${v.limitMiB.toFixed(1).padStart(5)}   ${result}`,
    )
  }

  if (s.books) printBooks(write, s.books, s.emailsDelivered)
  for (const e of s.errorLines.slice(0, 10)) write(`  ${e.part} logged: ${e.line}`)

  write(
    s.problems.length === 0
      ? '\nsoak held: no 5xx, no unexpected answer, memory within its bound, the books balance'
      : `\nsoak FAILED:\n${s.problems.map((p) => `  - ${p}`).join('\n')}`,
  )
}

function printBooks(write: (text: string) => void, books: Books, emailsDelivered: number) {
  const list = (counts: Record<string, number>) =>
    Object.entries(counts)
      .map(([key, n]) => `${key} ${n}`)
      .join(', ') || 'none'
  write(
    `\nbooks: ledger ${books.violations.length === 0 ? 'clean' : `${books.violations.length} violations`}`,
  )
  for (const v of books.violations.slice(0, 10)) write(`  ${v.rule}: ${v.message}`)
  for (const o of books.offerings) {
    write(
      `  ${o.slug.padEnd(16)} capacity ${cents(o.capacityCents)}, reserved ${cents(o.reservedCents)}, held by live purchases ${cents(o.heldCents)}`,
    )
  }
  write(`  purchases: ${list(books.purchasesByState)}`)
  write(`  payouts: ${list(books.payoutsByState)}`)
  write(`  emails: ${list(books.emailsByStatus)}; ${emailsDelivered} reached Postmark`)
  write(
    `  worker: ${books.jobRuns} job runs, ${books.failedJobs.length} failed; ${books.unprocessedWebhooks} webhooks unprocessed`,
  )
  for (const f of books.failedJobs.slice(0, 5)) write(`  failed run of ${f.job}: ${f.error}`)
}

function cents(value: number): string {
  return `$${(value / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })}`
}
