/**
 * Mirrors `passwordMinLength` in api/src/lib/passwords.ts, which stays the judge: this number
 * only lets the form say the rule before the first attempt.
 */
export const passwordMinLength = 15

/**
 * The rule said beside a new password, until an attempt is refused: every refusal gives its own
 * advice (the length rule again, when that was the problem), so the two are not read one after
 * the other.
 */
export function newPasswordHint(error: string | undefined): string | undefined {
  if (error) return undefined

  return `At least ${passwordMinLength} characters. A few unrelated words make a strong password.`
}
