/** Plain words for the audit trail's actions and the before/after snapshots it keeps. */

const actionWords: Record<string, string> = {
  'user.disable': 'Disabled an account',
  'user.enable': 'Enabled an account',
  'user.role.admin': 'Made an administrator',
  'user.role.investor': 'Revoked the admin role',
  'kyc.approve': 'Approved an identity check',
  'kyc.reject': 'Rejected an identity check',
  'offering.create': 'Created a draft offering',
  'offering.edit': 'Edited a draft offering',
  'offering.publish': 'Published an offering',
  'offering.closed': 'Closed an offering early',
  'offering.cancel.requested': 'Asked to cancel an offering',
  'offering.rate.requested': 'Asked to change a rate',
  'offering.cancel.approved': 'Approved cancelling an offering',
  'offering.cancel.rejected': 'Turned down cancelling an offering',
  'offering.rate.approved': 'Approved a rate change',
  'offering.rate.rejected': 'Turned down a rate change',
  'offering.rate.changed': 'Changed a rate',
  'offering.cancelled': 'Cancelled an offering',
}

/** An action code in words; codes without words yet read as themselves. */
export function describeAuditAction(action: string): string {
  return actionWords[action] ?? action
}

/**
 * A JSON snapshot as "key: value" lines, for the before and after columns. Whatever is not a
 * JSON object is shown as it was stored.
 */
export function describeSnapshot(json: string | null): string[] {
  if (json === null) return []

  let value: unknown
  try {
    value = JSON.parse(json)
  } catch {
    return [json]
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [json]

  return Object.entries(value).map(
    ([key, item]) => `${key}: ${typeof item === 'string' ? item : JSON.stringify(item)}`,
  )
}
