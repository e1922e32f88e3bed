import type { InValue, ResultSet, Transaction } from '@libsql/client'
import { type SQL, sql } from 'drizzle-orm'
import type { Tx } from './client.ts'

/**
 * Plain SQL for the hot write paths (the purchase reservation, the ledger): a statement with
 * `?` placeholders and its values. libSQL prepares every statement anew and the query builder
 * costs as much again, so these paths write their SQL once, by hand, and run it either on a
 * libSQL transaction as it is or inside a drizzle transaction through `asDrizzle`.
 */
export interface Statement {
  sql: string
  args: InValue[]
}

/** Runs one statement in whichever transaction the caller holds. */
export type Execute = (statement: Statement) => Promise<ResultSet>

/** The statement as drizzle SQL. Its text must hold no `?` other than the placeholders. */
export function asDrizzle(statement: Statement): SQL {
  const [first = '', ...rest] = statement.sql.split('?')
  if (rest.length !== statement.args.length) {
    throw new Error(`${rest.length} placeholders for ${statement.args.length} values`)
  }
  const chunks = [sql.raw(first)]
  rest.forEach((text, i) => {
    chunks.push(sql`${statement.args[i]}`, sql.raw(text))
  })

  return sql.join(chunks)
}

/** Statements run inside a drizzle write transaction. */
export const executeInTx =
  (tx: Tx): Execute =>
  (statement) =>
    tx.run(asDrizzle(statement))

/** Statements run on a libSQL transaction (`Database.writeSql`). */
export const executeInSql =
  (tx: Transaction): Execute =>
  (statement) =>
    tx.execute(statement)
