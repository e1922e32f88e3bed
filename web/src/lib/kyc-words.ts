/** Plain words for the identity check (KYC), for the KYC page, settings and the admin console. */

export type KycStatus = 'none' | 'submitted' | 'approved' | 'rejected'

/**
 * One set of words for each side: the investor's identity is verified or not verified (as the
 * emails about it say); the console's check is approved or rejected (as its own Approve and
 * Reject buttons and audit trail say).
 */
const statusLabels: Record<KycStatus, string> = {
  none: 'Not started',
  submitted: 'Submitted, under review',
  approved: 'Verified',
  rejected: 'Not verified',
}

const adminStatusLabels: Record<KycStatus, string> = {
  none: 'Not sent',
  submitted: 'Waiting for review',
  approved: 'Approved',
  rejected: 'Rejected',
}

/** The status as the investor's pages say it. */
export function describeKycStatus(status: KycStatus): string {
  return statusLabels[status]
}

/** Every status, in the order a check moves through them. */
export const kycStatuses = Object.keys(adminStatusLabels) as KycStatus[]

/** The status as the admin console says it. */
export function describeAdminKycStatus(status: KycStatus): string {
  return adminStatusLabels[status]
}

/** How a status badge looks: done, waiting on someone, or needing the investor. */
export function kycTone(status: KycStatus): 'ok' | 'warn' | 'bad' | 'neutral' {
  if (status === 'approved') return 'ok'
  if (status === 'submitted') return 'warn'
  if (status === 'rejected') return 'bad'
  return 'neutral'
}

export function describeTaxIdKind(kind: 'ssn' | 'itin'): string {
  return kind === 'ssn' ? 'Social Security number' : 'ITIN'
}
