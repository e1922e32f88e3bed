/** One benchmark figure: a measured value as a ratio to a ceiling measured in the same run. */
export interface BenchFigure {
  name: string
  value: number
  unit: string
  ceiling: number | null
  ceilingName: string | null
  ratio: number | null
  /** The ratio the figure should reach; null where only a report is asked for. */
  goal: number | null
  met: boolean | null
  extra: Record<string, number | string>
}

export function figure(input: {
  name: string
  value: number
  unit: string
  ceiling?: number
  ceilingName?: string
  goal?: number
  /** True when smaller is better (latencies): the ratio is then value / ceiling, goal a maximum. */
  lowerIsBetter?: boolean
  extra?: Record<string, number | string>
}): BenchFigure {
  const ratio =
    input.ceiling === undefined || input.ceiling === 0 ? null : input.value / input.ceiling
  const met =
    ratio === null || input.goal === undefined
      ? null
      : input.lowerIsBetter
        ? ratio <= input.goal
        : ratio >= input.goal
  return {
    name: input.name,
    value: round(input.value),
    unit: input.unit,
    ceiling: input.ceiling === undefined ? null : round(input.ceiling),
    ceilingName: input.ceilingName ?? null,
    ratio: ratio === null ? null : round(ratio, 3),
    goal: input.goal ?? null,
    met,
    extra: input.extra ?? {},
  }
}

function round(value: number, digits = 1): number {
  const scale = 10 ** digits
  return Math.round(value * scale) / scale
}

/** The figures as a plain table for the terminal. */
export function formatTable(figures: BenchFigure[]): string {
  const rows = figures.map((f) => [
    f.name,
    `${f.value} ${f.unit}`,
    f.ceiling === null ? '—' : `${f.ceiling} ${f.unit} (${f.ceilingName})`,
    f.ratio === null ? '—' : `${f.ratio}×`,
    f.goal === null ? '—' : `${f.goal}×`,
    f.met === null ? 'report' : f.met ? 'met' : 'MISSED',
    Object.entries(f.extra)
      .map(([k, v]) => `${k}=${v}`)
      .join(' '),
  ])
  const header = ['figure', 'value', 'ceiling', 'ratio', 'goal', 'result', 'details']
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')
  return [line(header), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n')
}
