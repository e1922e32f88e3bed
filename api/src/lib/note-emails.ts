import { describeCalendarDate } from '@tenor/db/domain/dates'
import { type RenderedEmail, renderEmail } from './emails.ts'

/*
 * The emails about an investor's notes and their money: purchases, maturities, repayments and
 * payouts. Amounts arrive formatted, dates as ISO dates; these do no money maths.
 */

/**
 * An offering's name as a note: "Series A" → "Series A note", while a name that already says
 * so ("Series A 6-Month Note") is left as it is.
 */
export function asNote(offeringName: string): string {
  return /\bnotes?$/i.test(offeringName.trim()) ? offeringName : `${offeringName} note`
}

/** Amounts arrive formatted ("$1,000.00") and dates as ISO dates; emails do no money maths. */
export interface PurchaseWords {
  offeringName: string
  amount: string
}

/** Carries a copy of the debit authorization the investor agreed to, word for word. */
export function purchaseReceived(
  name: string,
  p: PurchaseWords,
  authorization: string,
  url: string,
): RenderedEmail {
  return renderEmail({
    subject: `We received your purchase of ${p.offeringName}`,
    greeting: `Hello ${name},`,
    paragraphs: [
      `You asked to buy ${p.amount} of ${p.offeringName}. We are debiting your bank account by ACH, which usually takes one to three business days.`,
      'Interest starts on the day the payment settles; we will email you then with your maturity date and payout.',
      `For your records, the authorization you gave: "${authorization}"`,
    ],
    action: { label: 'See your purchase', url },
  })
}

export function purchaseActive(
  name: string,
  p: PurchaseWords & { settledOn: string; maturityDate: string; payout: string },
  url: string,
): RenderedEmail {
  return renderEmail({
    subject: `Your ${asNote(p.offeringName)} is active`,
    greeting: `Hello ${name},`,
    paragraphs: [
      `Your payment of ${p.amount} settled on ${describeCalendarDate(p.settledOn)}, so your note now earns interest from that day.`,
      `It matures on ${describeCalendarDate(p.maturityDate)}, when it pays ${p.payout} in principal and interest.`,
    ],
    action: { label: 'See your portfolio', url },
  })
}

export function purchaseStopped(
  name: string,
  p: PurchaseWords & {
    outcome: 'failed' | 'cancelled' | 'returned'
    reason: string
    /** It had been set to be repaid early, and the investor may have been told so. */
    wasToBeRepaid?: boolean
    /** It had matured, and the investor was told its payment was on the way. */
    hadMatured?: boolean
    /** Notes bought by rolling it over, undone with it. */
    rolledInto?: readonly PurchaseWords[]
  },
  url: string,
): RenderedEmail {
  const headline = {
    failed: `Your purchase of ${p.offeringName} did not go through`,
    cancelled: `Your purchase of ${p.offeringName} is cancelled`,
    returned: `Your payment for ${p.offeringName} was returned`,
  }[p.outcome]
  // The subject names the note too, but the body is read on its own as often.
  const undone =
    p.outcome === 'returned'
      ? `Your bank sent back the ${p.amount} payment for ${p.offeringName}, so the purchase is undone and earns no interest.`
      : `Your ${p.amount} purchase of ${p.offeringName} is undone and your bank account will not be debited for it.`

  return renderEmail({
    subject: headline,
    greeting: `Hello ${name},`,
    paragraphs: [
      undone,
      `The reason: ${p.reason}`,
      ...(p.wasToBeRepaid && !p.hadMatured
        ? ['The early repayment we wrote to you about will not be made: nothing is owed on it.']
        : []),
      ...(p.hadMatured
        ? [
            'It came back after the note matured, so the payment at maturity we held while we looked into it will not be made: nothing is owed on the note.',
          ]
        : []),
      ...(p.rolledInto?.length
        ? [
            `It had been rolled over into ${p.rolledInto.map((note) => `your ${note.amount} ${asNote(note.offeringName)}`).join(', then ')}, bought with the same money, so ${p.rolledInto.length === 1 ? 'that note is' : 'those notes are'} undone too: ${p.rolledInto.length === 1 ? 'it earns' : 'they earn'} no interest and nothing is owed on ${p.rolledInto.length === 1 ? 'it' : 'them'}.`,
          ]
        : []),
    ],
    action: { label: 'See your purchases', url },
  })
}

/** Words for maturity emails; amounts and dates arrive formatted, like `PurchaseWords`. */
export interface MaturityWords {
  offeringName: string
  maturityDate: string
}

export function maturityReminder(
  name: string,
  m: MaturityWords & { plan: string; cutoffDate: string },
  url: string,
): RenderedEmail {
  return renderEmail({
    subject: `Your ${asNote(m.offeringName)} matures on ${describeCalendarDate(m.maturityDate)}`,
    greeting: `Hello ${name},`,
    paragraphs: [
      `Your ${asNote(m.offeringName)} matures on ${describeCalendarDate(m.maturityDate)}. ${m.plan}`,
      `You can change what happens at maturity until ${describeCalendarDate(m.cutoffDate)}: be paid to your bank, or roll the money into an open offering.`,
    ],
    action: { label: 'Review your maturity instruction', url },
  })
}

/**
 * Tenor repays a note before the end of its term. `repaidOn` is null when the note is repaid
 * today, and `waitsForDebit` says the day is later so that its debit can no longer come back;
 * amounts are its principal and the interest to the repayment day.
 */
export function earlyRepayment(
  name: string,
  m: Pick<MaturityWords, 'offeringName'> & {
    reason: 'refund' | 'offering_cancelled'
    repaidOn: string | null
    waitsForDebit: boolean
    /** The money that paid for the note is in doubt: its payout waits for a person. */
    inReview?: boolean
    principal: string
    interest: string
    total: string
  },
  url: string,
): RenderedEmail {
  const note = asNote(m.offeringName)
  const cause =
    m.reason === 'refund'
      ? `Your purchase is refunded, so Tenor is repaying your ${note} before the end of its term.`
      : `${m.offeringName} has been cancelled, so Tenor is repaying your note before the end of its term.`
  const amounts = `${m.total}: your ${m.principal} principal and ${m.interest} of interest to that day`
  const wait = m.waitsForDebit
    ? ' We wait until then so that the bank debit that paid for the note can no longer come back.'
    : ''
  const when = m.inReview
    ? `It pays ${amounts}, once our team has reviewed it: your bank sent back a payment from the account that paid for this note. We will contact you before anything is paid.`
    : m.repaidOn
      ? `On ${describeCalendarDate(m.repaidOn)} we pay ${amounts}, to your bank account.${wait}`
      : `Today we start paying ${amounts}, to your bank account; bank credits usually arrive within one to two business days.`

  return renderEmail({
    subject: `Tenor is repaying your ${note} early`,
    greeting: `Hello ${name},`,
    paragraphs: [
      cause,
      when,
      'The money goes to your bank account rather than into a new note, so what happens at maturity can no longer be changed. You do not need to do anything.',
    ],
    action: { label: 'See your note', url },
  })
}

/** Why Tenor repaid a note before its term ended, in the investor's words. */
const earlyWords = {
  refund: 'as your refund was approved',
  offering_cancelled: 'as its offering was cancelled',
} as const

export function maturityPaid(
  name: string,
  m: MaturityWords & {
    amount: string
    note: string | null
    /** Set when Tenor repaid the note early: its maturity date is the repayment's. */
    repaidEarly: keyof typeof earlyWords | null
    /** Where it arrived: "Chase checking ending 0000"; null if the account is not known. */
    account: string | null
  },
  url: string,
): RenderedEmail {
  const on = describeCalendarDate(m.maturityDate)
  const what = m.repaidEarly
    ? `Tenor repaid your ${asNote(m.offeringName)} early on ${on}, ${earlyWords[m.repaidEarly]}`
    : `Your ${asNote(m.offeringName)} matured on ${on}`
  return renderEmail({
    subject: `Your ${m.offeringName} ${m.repaidEarly ? 'repayment' : 'payout'} of ${m.amount} has arrived`,
    greeting: `Hello ${name},`,
    paragraphs: [
      `${what}, and the ${m.amount} payment has settled in your ${m.account ?? 'bank account'}.`,
      ...(m.note ? [m.note] : []),
    ],
    action: { label: 'See your portfolio', url },
  })
}

export function rolloverDone(
  name: string,
  m: MaturityWords & {
    rolled: string
    targetName: string
    /** The new note's annual rate, which it keeps ("5.75%"). */
    rate: string
    newMaturityDate: string
    newPayout: string
    paidOut: string | null
    /** The money that paid for the note is in doubt: the rest waits for a person. */
    inReview?: boolean
  },
  url: string,
): RenderedEmail {
  const rest = m.inReview
    ? `The other ${m.paidOut} is paid once our team has reviewed it: your bank sent back a payment from the account that paid for this note. We will contact you before anything is paid.`
    : `The other ${m.paidOut} is on its way to your bank account.`
  return renderEmail({
    subject: `Your ${asNote(m.offeringName)} rolled into ${m.targetName}`,
    greeting: `Hello ${name},`,
    paragraphs: [
      `Your ${asNote(m.offeringName)} matured on ${describeCalendarDate(m.maturityDate)}, and ${m.rolled} of it now earns ${m.rate} a year in a new ${asNote(m.targetName)}, with no bank transfer.`,
      `The new note matures on ${describeCalendarDate(m.newMaturityDate)}, when it pays ${m.newPayout} in principal and interest.`,
      ...(m.paidOut ? [rest] : []),
    ],
    action: { label: 'See your portfolio', url },
  })
}

export function payoutReturned(
  name: string,
  m: MaturityWords & { amount: string; reason: string },
  url: string,
): RenderedEmail {
  return renderEmail({
    subject: `We could not pay ${m.amount} to your bank: link a new account`,
    greeting: `Hello ${name},`,
    paragraphs: [
      `The ${m.amount} payout of your ${asNote(m.offeringName)} could not reach your bank account. The reason: ${m.reason}`,
      'The money is safe: we hold it for you, and it does not earn interest. Link a bank account that can receive payments, or choose one you already have on the note’s page in Tenor, and we send it there on our next payout run, within the hour.',
    ],
    action: { label: 'Link a bank account', url },
  })
}

/**
 * Held money sent again: to an account the investor chose, or to one they linked since. Either
 * way they hear where it goes, so money sent somewhere they did not mean is noticed at once.
 */
export function payoutResent(
  name: string,
  m: MaturityWords & { amount: string; account: string; chosen: boolean },
  url: string,
): RenderedEmail {
  const why = m.chosen
    ? 'As you asked, we are sending'
    : 'You linked a new account, so we are sending'
  return renderEmail({
    subject: `Your ${m.amount} payout is on its way to your ${m.account}`,
    greeting: `Hello ${name},`,
    paragraphs: [
      `${why} the ${m.amount} we held from your ${asNote(m.offeringName)} to your ${m.account}. It usually arrives within one to two business days, as bank credits do; we will email you when it has.`,
      'If you did not ask for this, reply to this email at once.',
    ],
    action: { label: 'See your note', url },
  })
}

/**
 * The offering a note is set to roll into now pays less than when the investor chose it: the
 * rollover will not go ahead at that rate, and they can choose again until the cut-off.
 */
export function rolloverRateFell(
  name: string,
  r: MaturityWords & {
    targetName: string
    rate: string
    chosenAt: string
    /** The last day the choice can change; null when that day has passed. */
    changeUntil: string | null
  },
  url: string,
): RenderedEmail {
  const then = r.changeUntil
    ? `Unless you choose again by ${describeCalendarDate(r.changeUntil)}, your note will be paid to your bank when it matures on ${describeCalendarDate(r.maturityDate)}.`
    : `Your note will be paid to your bank when it matures on ${describeCalendarDate(r.maturityDate)}.`
  return renderEmail({
    subject: `${r.targetName} now pays ${r.rate}: your rollover will not go ahead`,
    greeting: `Hello ${name},`,
    paragraphs: [
      `You chose to roll your ${asNote(r.offeringName)} into ${r.targetName} when it paid ${r.chosenAt}. It now pays ${r.rate}, so we will not roll your money into it at a rate you did not agree to.`,
      then,
    ],
    action: { label: 'See your note', url },
  })
}
