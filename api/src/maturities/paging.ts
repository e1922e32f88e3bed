/**
 * Every row `readPage` finds, a page at a time in id order, so memory stays flat however many
 * there are. `readPage(after)` answers up to `size` rows whose ids come after `after` ('' for
 * the first page), ordered by id.
 */
export async function* pagesById<Row extends { id: string }>(
  size: number,
  readPage: (after: string) => Promise<Row[]>,
): AsyncGenerator<Row[]> {
  let after = ''
  for (;;) {
    const page = await readPage(after)
    if (page.length > 0) yield page
    const last = page.at(-1)
    if (!last || page.length < size) return
    after = last.id
  }
}
