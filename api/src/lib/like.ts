import { type SQL, type SQLWrapper, sql } from 'drizzle-orm'

/**
 * `column` contains `text`, case-insensitively, with LIKE's wildcards in `text` matched as
 * themselves: an admin searching for "a_b" finds "a_b", not "axb".
 */
export function contains(column: SQLWrapper, text: string): SQL {
  const pattern = `%${text.toLowerCase().replace(/[\\%_]/g, '\\$&')}%`
  return sql`lower(${column}) like ${pattern} escape '\\'`
}
