/**
 * A query built once per database handle and then only run. Drizzle builds a query's SQL from
 * its parts on every call; on the reads every signed-in page makes (the session, the holdings)
 * that building cost more than SQLite answering. `build` gets the handle and returns the
 * `.prepare()`d query, with `sql.placeholder`s for what changes between calls.
 */
export function preparedPerHandle<Handle extends object, Query>(
  build: (handle: Handle) => Query,
): (handle: Handle) => Query {
  const built = new WeakMap<Handle, Query>()
  return (handle) => {
    let query = built.get(handle)
    if (query === undefined) {
      query = build(handle)
      built.set(handle, query)
    }
    return query
  }
}
