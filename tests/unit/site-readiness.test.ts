import { describe, expect, test } from 'bun:test'
import type { SessionUser } from '../../web/src/lib/server/api.ts'
import { checkReadiness } from '../../web/src/lib/server/readiness.ts'

const investor = (kycStatus: SessionUser['kycStatus']) =>
  ({ emailVerified: true, kycStatus }) as SessionUser

const kycStep = (kycStatus: SessionUser['kycStatus']) =>
  checkReadiness(investor(kycStatus), [], '/offerings/series-a').find((step) => step.key === 'kyc')

describe('before you can buy', () => {
  test('an identity check in review waits on us, not on the investor', () => {
    expect(kycStep('submitted')).toMatchObject({ done: false, waiting: true })
    expect(kycStep('none')).toMatchObject({ done: false })
    expect(kycStep('none')?.waiting).toBeUndefined()
    expect(kycStep('rejected')?.waiting).toBeUndefined()
    expect(kycStep('approved')).toMatchObject({ done: true })
  })
})
