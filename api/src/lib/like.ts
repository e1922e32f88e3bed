import { type SQL, type SQLWrapper, sql } from 'drizzle-orm'

/**
 * `column` contains `text`, in any case, with wildcards in `text` matched as themselves: an
 * admin searching for "a_b" finds "a_b", not "axb", and "élise" finds "Élise". SQLite's
 * `lower()` and `LIKE` fold ASCII letters only, so the pattern is a GLOB (case-sensitive) that
 * names both cases of every letter: "Él" is `*[Éé][Ll]*`.
 */
export function contains(column: SQLWrapper, text: string): SQL {
  return sql`${column} glob ${`*${[...text].map(globCharacter).join('')}*`}`
}

function globCharacter(char: string): string {
  const cases = new Set([char, char.toLowerCase(), char.toUpperCase()])
  // A letter whose other case is more than one character ("ß" is "SS") matches itself alone.
  const single = [...cases].filter((c) => [...c].length === 1)
  // GLOB's own characters are matched literally inside a class of one ("]" is literal outside).
  if (single.length === 1 && !'*?['.includes(char)) return char
  return `[${single.join('')}]`
}
