import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'

/**
 * Password rules after NIST SP 800-63B rev. 4: length only, no composition rules, checked
 * against common and breached passwords and words from the user's own context. Passwords are
 * compared exactly as typed; length counts Unicode code points.
 */

export const passwordMinLength = 15
export const passwordMaxLength = 256

const blocklist = new Set(
  readFileSync(resolve(import.meta.dir, '../../data/common-passwords.txt'), 'utf8')
    .split('\n')
    .filter((line) => line && !line.startsWith('#')),
)

export type PasswordProblem =
  | 'too_short'
  | 'too_long'
  | 'common'
  | 'repetitive'
  | 'predictable'
  | 'contains_context'

/** Why a new password is refused, or null when it is acceptable. */
export function checkNewPassword(password: string, context: string[] = []): PasswordProblem | null {
  const length = [...password].length
  if (length < passwordMinLength) return 'too_short'
  if (length > passwordMaxLength) return 'too_long'

  // Spaces and punctuation between the letters of a listed password do not make it another.
  const folded = fold(password)
  const tokens = folded.split(/[^\p{L}\p{N}]+/u).filter(Boolean)
  const stripped = tokens.join('')
  if (blocklist.has(folded) || blocklist.has(stripped)) return 'common'
  if (isRepetitive(folded) || length - countRepeatedLetters(tokens) < passwordMinLength) {
    return 'repetitive'
  }
  if (length - countRunLetters(tokens) < passwordMinLength) return 'predictable'

  const whole = context.map(fold).filter((value) => value.length >= 4)
  if (whole.some((value) => folded.includes(value)) || fewLettersBeyond(stripped, context)) {
    return 'contains_context'
  }
  return null
}

/**
 * Whether taking out every word of the user's own (name, email) leaves fewer than six letters
 * and digits: "zedzedson example" for Zed Zedson at zed@example.com is their words and no more.
 * Longer words go first, so a short one inside a longer one does not hide it.
 */
function fewLettersBeyond(stripped: string, context: string[]): boolean {
  const words = [...new Set(context.flatMap((value) => fold(value).split(/[^\p{L}\p{N}]+/u)))]
    .filter((word) => word.length >= 3)
    .sort((a, b) => b.length - a.length)
  if (words.length === 0) return false
  const left = words.reduce((rest, word) => rest.replaceAll(word, ''), stripped)
  return left.length < 6 && left.length < stripped.length
}

/** Lower case without accents, so "Élodie" and "elodie" are one word to every check. */
function fold(value: string): string {
  return value.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase()
}

export const passwordProblemMessages: Record<PasswordProblem, string> = {
  too_short: `Use at least ${passwordMinLength} characters. A few unrelated words make a strong, memorable password.`,
  too_long: `Use at most ${passwordMaxLength} characters.`,
  common: 'This password is too common or appears in known breaches. Choose another.',
  repetitive:
    'This password repeats itself, which makes it easy to guess. A few unrelated words make a strong, memorable password.',
  predictable:
    'This password is mostly a run of letters or digits in order (like 12345 or abcde), which makes it easy to guess. A few unrelated words make a strong, memorable password.',
  contains_context: 'This password is too close to your name or email address. Choose another.',
}

// The whole password one character or one pattern repeated: as weak as the pattern.
function isRepetitive(value: string): boolean {
  return repeatedUnit(value) !== value
}

/** The shortest unit a value repeats ("abcabcab" → "abc"), or the value itself. */
function repeatedUnit(value: string): string {
  for (let size = 1; size <= value.length / 2; size++) {
    const unit = value.slice(0, size)
    if (unit.repeat(Math.ceil(value.length / size)).slice(0, value.length) === value) return unit
  }
  return value
}

/**
 * How many letters and digits only repeat what came before, word by word: a word said again
 * ("password password"), a word that is one pattern repeated ("1111"), and an earlier word of
 * three letters or more at the start or end of a later one ("password password1"), and a word
 * said again within one ("passwordpassword1"). A word
 * that merely shares letters with another ("nation station") repeats nothing.
 */
function countRepeatedLetters(tokens: string[]): number {
  const seen: string[] = []
  let repeated = 0
  for (const token of tokens) {
    const unit = repeatedUnit(token)
    repeated += Math.max(token.length - unit.length, repeatsAtEnds(token))
    const earlier = seen
      .filter((word) => word.length >= 3 && (unit.startsWith(word) || unit.endsWith(word)))
      .reduce((longest, word) => Math.max(longest, word.length), 0)
    repeated += earlier
    seen.push(unit)
  }
  return repeated
}

/** The shortest straight run ("1234", "abcd", "9876") whose letters count as predictable. */
const shortestRun = 4

/**
 * How many letters and digits only continue a straight run, word by word: each one after the
 * first of four or more in a row that go up or down one at a time ("password123456789" has eight,
 * "abcdefghijklmnop" fifteen). Runs of three ("rst" in "first") are ordinary words.
 */
function countRunLetters(tokens: string[]): number {
  let predictable = 0
  for (const token of tokens) {
    const points = [...token].map((letter) => letter.codePointAt(0) ?? 0)
    let run = 1
    let step = 0
    for (let index = 1; index < points.length; index++) {
      const difference = (points[index] ?? 0) - (points[index - 1] ?? 0)
      if (Math.abs(difference) === 1 && (run === 1 || difference === step)) {
        run++
        step = difference
        continue
      }
      if (run >= shortestRun) predictable += run - 1
      // The letter that broke a run may start another with the one before it ("1232345").
      run = Math.abs(difference) === 1 ? 2 : 1
      step = difference
    }
    if (run >= shortestRun) predictable += run - 1
  }
  return predictable
}

/**
 * Letters a word repeats at its start or end, when the rest of it is not a repetition:
 * "passwordpassword1" repeats eight ("password" said twice), "1dragondragon" six.
 */
function repeatsAtEnds(token: string): number {
  const repeatedFromStart = (value: string) => {
    let most = 0
    for (let size = 1; size * 2 <= value.length; size++) {
      const unit = value.slice(0, size)
      let times = 1
      while (value.startsWith(unit, times * size)) times++
      most = Math.max(most, (times - 1) * size)
    }
    return most
  }
  return Math.max(repeatedFromStart(token), repeatedFromStart([...token].reverse().join('')))
}

export function hashPassword(password: string): Promise<string> {
  return Bun.password.hash(password, { algorithm: 'argon2id', memoryCost: 65536, timeCost: 2 })
}

export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return Bun.password.verify(password, hash)
}

// Verifying against this keeps a login for an unknown email as slow as one for a known email.
let decoyHash: Promise<string> | undefined
export function verifyDecoy(password: string): Promise<boolean> {
  decoyHash ??= hashPassword('decoy password that no account can have')
  return decoyHash.then((hash) => Bun.password.verify(password, hash)).then(() => false)
}
