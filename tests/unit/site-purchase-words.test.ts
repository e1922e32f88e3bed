import { describe, expect, test } from 'bun:test'
import { explainPurchaseState } from '../../web/src/lib/purchase-words.ts'

describe('a matured note explained on its page', () => {
  test('follows its payment: never "on its way" while the money is held or in review', () => {
    expect(explainPurchaseState('matured', 'on_its_way')).toContain('on its way to your bank')
    expect(explainPurchaseState('matured', null)).toContain('on its way to your bank')

    const held = explainPurchaseState('matured', 'held')
    expect(held).toContain('could not reach your bank')
    expect(held).not.toContain('on its way')
    const inReview = explainPurchaseState('matured', 'in_review')
    expect(inReview).toContain('under review')
    expect(inReview).not.toContain('on its way')
  })
})
