import { invalidField, missingFields } from './errors.ts'

/** A parsed JSON request body, read field by field so each refusal names the field as Plaid does. */
export type RequestBody = Record<string, unknown>

export function isRecord(value: unknown): value is RequestBody {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isAbsent(value: unknown): boolean {
  return value === undefined || value === null || value === ''
}

/** Refuses with one MISSING_FIELDS error listing every absent field, the way Plaid reports them. */
export function requireFields(body: RequestBody, names: string[], prefix = ''): void {
  const missing = names.filter((name) => isAbsent(body[name])).map((name) => `${prefix}${name}`)
  if (missing.length > 0) throw missingFields(missing)
}

export function readString(body: RequestBody, name: string): string {
  const value = body[name]
  if (typeof value !== 'string' || value === '') throw missingOrWrongType(body, name, 'a string')

  return value
}

export function readOptionalString(body: RequestBody, name: string): string | null {
  const value = body[name]
  if (isAbsent(value)) return null
  if (typeof value !== 'string') throw invalidField(`${name} must be a string`)

  return value
}

export function readObject(body: RequestBody, name: string): RequestBody {
  const value = body[name]
  if (!isRecord(value)) throw missingOrWrongType(body, name, 'an object')

  return value
}

export function readOptionalObject(body: RequestBody, name: string): RequestBody | null {
  const value = body[name]
  if (value === undefined || value === null) return null
  if (!isRecord(value)) throw invalidField(`${name} must be an object`)

  return value
}

export function readOptionalInteger(body: RequestBody, name: string): number | null {
  const value = body[name]
  if (value === undefined || value === null) return null
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw invalidField(`${name} must be an integer`)
  }

  return value
}

export function readOptionalStringArray(body: RequestBody, name: string): string[] | null {
  const value = body[name]
  if (value === undefined || value === null) return null
  if (!Array.isArray(value) || !value.every((entry) => typeof entry === 'string')) {
    throw invalidField(`${name} must be an array of strings`)
  }

  return value
}

/** Reads a value that must be one of an SDK enum's members, e.g. `readEnum(body, 'type', TransferType)`. */
export function readEnum<T extends string>(
  body: RequestBody,
  name: string,
  members: Record<string, T>,
): T {
  const value = readString(body, name)
  const member = Object.values(members).find((candidate) => candidate === value)
  if (member === undefined) {
    throw invalidField(`${name} must be one of: ${Object.values(members).join(', ')}`)
  }

  return member
}

export function readOptionalEnum<T extends string>(
  body: RequestBody,
  name: string,
  members: Record<string, T>,
): T | null {
  if (isAbsent(body[name])) return null

  return readEnum(body, name, members)
}

function missingOrWrongType(body: RequestBody, name: string, kind: string) {
  if (isAbsent(body[name])) return missingFields([name])

  return invalidField(`${name} must be ${kind}`)
}
