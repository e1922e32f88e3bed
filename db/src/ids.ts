/** Row ids: random UUIDv7, so ids sort by creation time and reveal nothing else. */
export function newId(): string {
  return Bun.randomUUIDv7()
}
