/**
 * How every email Tenor sends is laid out, each with a plain-text and an HTML part, and the
 * emails about the account itself (its address, password, two-factor, identity check); those
 * about notes and money are in `note-emails.ts`. User-supplied text is escaped before it goes
 * into HTML; links are built from the configured public URL, never from a request's Host header.
 */

export interface RenderedEmail {
  subject: string
  text: string
  html: string
}

export function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;')
}

interface Layout {
  subject: string
  greeting: string
  paragraphs: string[]
  action?: { label: string; url: string }
  footer?: string
}

// Replies go to support: every email is sent with the support address as its Reply-To.
const defaultFooter = 'Tenor — fixed-term notes. Questions? Reply to this email.'

/** Renders one email in both parts from the same words. */
export function renderEmail(layout: Layout): RenderedEmail {
  const text = [
    layout.greeting,
    '',
    ...layout.paragraphs.flatMap((p) => [p, '']),
    ...(layout.action ? [`${layout.action.label}: ${layout.action.url}`, ''] : []),
    layout.footer ?? defaultFooter,
  ].join('\n')

  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#1a1a1a;max-width:560px">
<p>${escapeHtml(layout.greeting)}</p>
${layout.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
${layout.action ? `<p><a href="${escapeHtml(layout.action.url)}" style="display:inline-block;padding:10px 16px;background:#14532d;color:#fff;text-decoration:none;border-radius:6px">${escapeHtml(layout.action.label)}</a></p><p style="font-size:13px;color:#555">Or open this link: ${escapeHtml(layout.action.url)}</p>` : ''}
<p style="font-size:13px;color:#555">${escapeHtml(layout.footer ?? defaultFooter)}</p>
</body></html>`

  return { subject: layout.subject, text, html }
}

/**
 * The greeting of an email to an address nobody has yet shown to be theirs. The name on the
 * account is whatever its registrant typed, so it is left out: otherwise anyone could put words
 * of their own into a Tenor email to any address.
 */
const unconfirmedGreeting = 'Hello,'

/** A greeting by name only when the account's address is confirmed (`null` otherwise). */
const greet = (name: string | null) => (name === null ? unconfirmedGreeting : `Hello ${name},`)

/**
 * The name to greet an account's owner by: none while its address is unconfirmed, since the
 * name is then only what whoever registered the address typed (see `unconfirmedGreeting`).
 */
export function addressee(user: {
  legalName: string
  emailVerifiedAt: Date | null
}): string | null {
  return user.emailVerifiedAt ? user.legalName : null
}

export function verifyEmail(url: string): RenderedEmail {
  return renderEmail({
    subject: 'Confirm your email address',
    greeting: unconfirmedGreeting,
    paragraphs: [
      'Confirm this address to finish setting up your Tenor account. The link works once and expires in 24 hours.',
      'If you did not create an account, ignore this email.',
    ],
    action: { label: 'Confirm email address', url },
  })
}

/** Sent to the address an existing account asks to move to, never to a new sign-up. */
export function confirmNewEmail(url: string): RenderedEmail {
  return renderEmail({
    subject: 'Confirm your new email address for Tenor',
    greeting: unconfirmedGreeting,
    paragraphs: [
      'You asked to use this address for your Tenor account. Confirm it to make the change: until then, emails keep going to your current address and you sign in with it. The link works once and expires in 24 hours.',
      'Confirming logs out your other devices. If you did not ask for this, ignore this email; nothing changes.',
    ],
    action: { label: 'Confirm new email address', url },
  })
}

/** `name` is null while the account's address is unconfirmed (see `greet`). */
export function accountExists(
  name: string | null,
  loginUrl: string,
  resetUrl: string,
): RenderedEmail {
  return renderEmail({
    subject: 'You already have a Tenor account',
    greeting: greet(name),
    paragraphs: [
      'Someone tried to open a new Tenor account with this email address, which already has one.',
      `If it was you, sign in at ${loginUrl}. If you have forgotten your password, reset it at ${resetUrl}.`,
      'If it was not you, no action is needed: nothing changed on your account.',
    ],
  })
}

/** `name` is null while the account's address is unconfirmed (see `greet`). */
export function passwordReset(name: string | null, url: string): RenderedEmail {
  return renderEmail({
    subject: 'Reset your Tenor password',
    greeting: greet(name),
    paragraphs: [
      'We received a request to reset your password. The link works once and expires in one hour.',
      'Resetting signs you out everywhere. If you did not ask for this, ignore this email; your password stays the same.',
    ],
    action: { label: 'Choose a new password', url },
  })
}

/**
 * A change in Settings keeps the session it was made in; a reset by emailed link ends every
 * session. `resetUrl` is the site's forgot-password page, where a stranger's change is undone.
 */
export function passwordChanged(
  name: string | null,
  how: 'settings' | 'reset',
  resetUrl: string,
): RenderedEmail {
  return renderEmail({
    subject: 'Your Tenor password was changed',
    greeting: greet(name),
    paragraphs: [
      how === 'reset'
        ? 'Your password was just reset with the link we emailed, and every session was signed out: sign in again with the new password.'
        : 'Your password was just changed and every other session was signed out.',
      `If this was not you, reset your password at once at ${resetUrl} and reply to this email to tell us.`,
    ],
  })
}

export function kycApproved(name: string, url: string): RenderedEmail {
  return renderEmail({
    subject: 'Your identity is verified',
    greeting: `Hello ${name},`,
    paragraphs: ['We have verified your identity. You can now buy notes on Tenor.'],
    action: { label: 'See open offerings', url },
  })
}

export function kycRejected(name: string, reason: string, url: string): RenderedEmail {
  return renderEmail({
    subject: 'We could not verify your identity',
    greeting: `Hello ${name},`,
    paragraphs: [
      `We could not verify the details you sent. The reason: ${reason}`,
      'You can correct your details and send them again.',
    ],
    action: { label: 'Review your details', url },
  })
}

export function authenticatorReplaced(name: string): RenderedEmail {
  return renderEmail({
    subject: 'Your Tenor account uses a new authenticator',
    greeting: `Hello ${name},`,
    paragraphs: [
      'Two-factor sign-in for your Tenor account moved to a new authenticator app. Codes from the old one no longer work, your other sessions have ended, and a new set of recovery codes replaced the old set.',
      'If this was not you, reset your password at once and reply to this email to tell us.',
    ],
  })
}

export function twoFactorTurnedOn(name: string, url: string): RenderedEmail {
  return renderEmail({
    subject: 'Two-factor sign-in is on for your Tenor account',
    greeting: `Hello ${name},`,
    paragraphs: [
      'Two-factor authentication was turned on for your Tenor account: signing in now needs a code from your authenticator app as well as your password. Your other sessions have ended. Keep the recovery codes you were shown somewhere safe.',
      'If this was not you, someone has your password: reset it at once and reply to this email to tell us.',
    ],
    action: { label: 'Open your settings', url },
  })
}

/** A new bank account can receive payouts and fund purchases, so its owner hears of it. */
export function bankLinked(name: string, accounts: string, url: string): RenderedEmail {
  return renderEmail({
    subject: 'A bank account was linked to your Tenor account',
    greeting: `Hello ${name},`,
    paragraphs: [
      `${accounts} can now pay for your purchases and receive your payouts.`,
      'If this was not you, remove it from your bank accounts page, reset your password at once, and reply to this email to tell us.',
    ],
    action: { label: 'Review your bank accounts', url },
  })
}

export function twoFactorTurnedOff(name: string, url: string): RenderedEmail {
  return renderEmail({
    subject: 'Two-factor sign-in is off for your Tenor account',
    greeting: `Hello ${name},`,
    paragraphs: [
      'Two-factor authentication was turned off for your Tenor account: signing in now needs only your password, and your recovery codes no longer work.',
      'If this was not you, reset your password at once, turn two-factor on again, and reply to this email to tell us.',
    ],
    action: { label: 'Open your settings', url },
  })
}

export function recoveryCodesRenewed(name: string, url: string): RenderedEmail {
  return renderEmail({
    subject: 'New recovery codes for your Tenor account',
    greeting: `Hello ${name},`,
    paragraphs: [
      'A new set of two-factor recovery codes was made for your Tenor account; the codes you saved before no longer work.',
      'If this was not you, reset your password at once and reply to this email to tell us.',
    ],
    action: { label: 'Open your settings', url },
  })
}

export function recoveryCodeUsed(name: string, left: number, url: string): RenderedEmail {
  const remaining =
    left === 0
      ? 'That was your last one: make a new set in your settings now.'
      : `You have ${left} recovery ${left === 1 ? 'code' : 'codes'} left.`
  return renderEmail({
    subject: 'A recovery code was used to sign in to Tenor',
    greeting: `Hello ${name},`,
    paragraphs: [
      `Someone signed in to your Tenor account with your password and one of your two-factor recovery codes instead of your authenticator app. ${remaining}`,
      'If this was not you, change your password at once, make a new set of recovery codes, and reply to this email to tell us.',
    ],
    action: { label: 'Open your settings', url },
  })
}

export function accountDisabled(name: string | null): RenderedEmail {
  return renderEmail({
    subject: 'Your Tenor account is disabled',
    greeting: greet(name),
    paragraphs: [
      'Someone asked to reset the password of your Tenor account, but the account is disabled, so no reset link was sent and signing in will not work.',
      'Your notes and any money owed to you are not affected. To find out why the account was disabled, or to have it enabled again, reply to this email.',
    ],
  })
}

export function emailChangeRequested(name: string | null, newAddress: string): RenderedEmail {
  return renderEmail({
    subject: 'A change of email address was requested',
    greeting: greet(name),
    paragraphs: [
      `Someone signed in to your Tenor account asked to move it to ${newAddress}. Nothing changes until that address is confirmed.`,
      'If this was not you, change your password at once and reply to this email to tell us.',
    ],
  })
}

export function emailChangeToTakenAddress(name: string | null): RenderedEmail {
  return renderEmail({
    subject: 'Someone tried to move a Tenor account to your address',
    greeting: greet(name),
    paragraphs: [
      'Another Tenor account asked to use this email address. It already belongs to your account, so nothing changed and no link was sent.',
      'If you were trying to change your own address, you are already signed up with this one. If you do not recognise this, you need do nothing.',
    ],
  })
}

export function emailChanged(name: string | null, newAddress: string): RenderedEmail {
  return renderEmail({
    subject: 'Your Tenor email address was changed',
    greeting: greet(name),
    paragraphs: [
      `Your Tenor account now uses ${newAddress}. Emails about your notes go there from now on.`,
      'If this was not you, reply to this email at once.',
    ],
  })
}
