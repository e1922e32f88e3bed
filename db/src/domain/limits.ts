/**
 * The bounds every amount the money rules handle stays within, so each calculation is exact in
 * whole cents and every payment fits the rail that carries it.
 */

/**
 * The largest single purchase, $1,000,000: the most one Same Day ACH payment may carry, above
 * which Plaid Transfer refuses the authorization on that rail. It also keeps every payout far
 * inside the exact range of the interest calculations.
 */
export const MAX_PURCHASE_CENTS = 100_000_000

/** The most one ACH entry can carry: Nacha's amount field holds ten digits, $99,999,999.99. */
export const MAX_ACH_ENTRY_CENTS = 9_999_999_999

/**
 * An amount (interest, a payout, an APY) too large to work out in exact whole numbers: the
 * terms or the principal asked for lie beyond what the money rules can state.
 */
export class AmountOutOfRangeError extends RangeError {
  override name = 'AmountOutOfRangeError'
}
