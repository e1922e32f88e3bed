/** Plain words for a purchase's recorded state changes, as the admin console shows them. */

// The API records a rolled-over note's first state with the note it came from, by id.
const rolledOverFrom = /^rolled over from matured note (\S+?);/

/** The matured note whose rollover paid for this one, from its recorded history; null if none. */
export function findRolledFromPurchase(history: readonly { reason: string }[]): string | null {
  for (const change of history) {
    const id = rolledOverFrom.exec(change.reason)?.[1]
    if (id) return id
  }

  return null
}

// Codes the API records when it sets an active note to be repaid early.
const reasonWords: Record<string, string> = {
  refund: 'Set to be repaid early: a refund was approved',
  offering_cancelled: 'Set to be repaid early: its offering was cancelled',
}

/**
 * Why a state changed, in words, and the note it links to: a rolled-over note names the
 * matured note it came from, for a link to that note's page. Other reasons read as recorded.
 */
export function describeStateChange(reason: string): { text: string; rolledFrom: string | null } {
  const rolledFrom = rolledOverFrom.exec(reason)?.[1] ?? null
  if (rolledFrom) return { text: 'Rolled over from a matured note; no ACH debit', rolledFrom }

  return { text: reasonWords[reason] ?? reason, rolledFrom: null }
}
