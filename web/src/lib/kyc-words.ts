/** Plain words for the identity check (KYC), for the KYC page, settings and the admin console. */

export type KycStatus = 'none' | 'submitted' | 'approved' | 'rejected'

const statusLabels: Record<KycStatus, string> = {
  none: 'Not started',
  submitted: 'Submitted, under review',
  approved: 'Verified',
  rejected: 'Not approved',
}

export function describeKycStatus(status: KycStatus): string {
  return statusLabels[status]
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
