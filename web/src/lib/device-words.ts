/**
 * A browser's user agent in a few words ("Firefox on Windows"), for the sessions list. A
 * guess, good enough to tell one's own devices apart; the raw string is kept as a title.
 */
export function describeDevice(userAgent: string | null): string {
  if (!userAgent) return 'Unknown browser'

  const browser = firstMatch(userAgent, [
    [/Edg\//, 'Edge'],
    [/OPR\//, 'Opera'],
    [/Firefox\//, 'Firefox'],
    [/HeadlessChrome\//, 'Headless Chrome'],
    [/Chrom(e|ium)\//, 'Chrome'],
    [/Safari\//, 'Safari'],
  ])
  const system = firstMatch(userAgent, [
    [/iPhone|iPad|iPod/, 'iOS'],
    [/Android/, 'Android'],
    [/Windows/, 'Windows'],
    [/Mac OS X|Macintosh/, 'macOS'],
    [/CrOS/, 'ChromeOS'],
    [/Linux/, 'Linux'],
  ])
  if (!browser && !system) return 'Unknown browser'
  if (!system) return browser ?? 'Unknown browser'

  return `${browser ?? 'A browser'} on ${system}`
}

function firstMatch(text: string, rules: [RegExp, string][]): string | null {
  return rules.find(([pattern]) => pattern.test(text))?.[1] ?? null
}
