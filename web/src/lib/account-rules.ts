/**
 * Mirrors `passwordMinLength` in api/src/lib/passwords.ts, which stays the judge: this number
 * only lets the form say the rule before the first attempt.
 */
export const passwordMinLength = 15
