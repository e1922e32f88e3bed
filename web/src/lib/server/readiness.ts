import type { SessionUser } from './api.ts'
import { type Bank, banksNeedingReconnect, fundingAccounts } from './banks.ts'

/** One thing an investor needs before buying, and whether it is done. */
export interface ReadinessStep {
  key: 'sign-in' | 'email' | 'kyc' | 'bank'
  done: boolean
  /** Not done, but nothing for the investor to do: it waits on us (an identity check in review). */
  waiting?: boolean
  label: string
  /** What to do next, in plain words; empty once the step is done. */
  detail: string
  /** `reload`: the page opens Plaid Link, whose script needs that page's own security policy. */
  action: { href: string; label: string; reload?: boolean } | null
}

/**
 * The steps between a visitor and a purchase: signed in, email confirmed, identity approved
 * (KYC), and a bank account that can fund it. The API stays the judge when buying; this only
 * says up front what is missing.
 */
export function checkReadiness(
  user: SessionUser | null,
  banks: Bank[],
  here: string,
): ReadinessStep[] {
  if (!user) {
    return [
      {
        key: 'sign-in',
        done: false,
        label: 'Log in or open an account',
        detail: 'Buying a note needs a Tenor account.',
        action: { href: `/login?next=${encodeURIComponent(here)}`, label: 'Log in' },
      },
    ]
  }

  return [
    {
      key: 'email',
      done: user.emailVerified,
      label: 'Confirm your email address',
      detail: user.emailVerified ? '' : 'Open the link we emailed you when you registered.',
      action: user.emailVerified ? null : { href: '/settings', label: 'Send the email again' },
    },
    kycStep(user.kycStatus),
    bankStep(banks),
  ]
}

function kycStep(status: SessionUser['kycStatus']): ReadinessStep {
  const base = { key: 'kyc', label: 'Verify your identity (KYC)' } as const
  switch (status) {
    case 'approved':
      return { ...base, done: true, detail: '', action: null }
    case 'submitted':
      return {
        ...base,
        done: false,
        waiting: true,
        detail:
          'KYC pending review. We are checking your details; you can buy once they are verified.',
        action: { href: '/kyc', label: 'See what you sent' },
      }
    case 'rejected':
      return {
        ...base,
        done: false,
        detail: 'We could not verify your identity. See why, then send corrected details.',
        action: { href: '/kyc', label: 'Review your identity check' },
      }
    case 'none':
      return {
        ...base,
        done: false,
        detail: 'Purchases stay disabled until your identity is verified. It takes a few minutes.',
        action: { href: '/kyc', label: 'Verify your identity' },
      }
  }
}

function bankStep(banks: Bank[]): ReadinessStep {
  const base = { key: 'bank', label: 'Link a bank account to pay from' } as const
  if (fundingAccounts(banks).length > 0) return { ...base, done: true, detail: '', action: null }

  if (banksNeedingReconnect(banks).length > 0) {
    return {
      ...base,
      done: false,
      detail: 'Your bank needs you to sign in again before it can pay for a purchase.',
      action: { href: '/banks', label: 'Reconnect your bank' },
    }
  }
  return {
    ...base,
    done: false,
    detail: 'Purchases are paid by ACH debit from a checking or savings account.',
    action: { href: '/banks/link', label: 'Link a bank', reload: true },
  }
}
