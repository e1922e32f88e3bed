import { tick } from 'svelte'
import type { SubmitFunction } from '$app/forms'

export interface Submission {
  readonly pending: boolean
  readonly enhance: SubmitFunction
}

/**
 * State for one enhanced form: `pending` drives the button, a second press while the first is
 * in flight is dropped, and after a refusal focus moves to the first field in error, or else to
 * the form's message (inside the form, or the nearest one around it), scrolling it into view, so
 * everyone lands on the problem, on a phone too. After a success that keeps the page, focus
 * moves to the confirmation it brought, or, when the form gave way to something else, to the
 * heading of its section: SvelteKit would otherwise send it to the page's top. With `reload`, a
 * refusal also reloads the page's data, as a form posted without JavaScript does: for pages
 * whose terms can change under the form (a rate, what is left to sell).
 */
export function createSubmission(options: { reset?: boolean; reload?: boolean } = {}): Submission {
  let pending = $state(false)

  const enhance: SubmitFunction = ({ cancel, formElement }) => {
    if (pending) {
      cancel()
      return
    }
    pending = true
    // Taken before the answer, which may remove the form and redraw what was said already.
    const before = { said: new Set(findMessages()), section: formElement.closest('section') }

    return async ({ result, update, formElement }) => {
      try {
        // `reload` asks for the page's data again after a refusal too, not only after a success.
        await update({ reset: options.reset ?? true, refreshAll: options.reload || undefined })
      } finally {
        pending = false
      }
      if (result.type !== 'failure' && result.type !== 'success') return

      await tick()
      if (result.type === 'failure') findProblem(formElement)?.focus()
      else findConfirmation(formElement, before)?.focus()
    }
  }

  return {
    get pending() {
      return pending
    },
    enhance,
  }
}

/**
 * Where a refused form's problem is shown: its first field in error, or its error message. Some
 * forms show their message above themselves, in the section they belong to, so the nearest one
 * around the form counts too. A form the refusal replaced (a new order's form) has left the page:
 * the page's own field in error or message is looked for instead. So has a form shown only while
 * `form` says so: SvelteKit sets `form` to null for a moment as it applies a refusal, which draws
 * such a form anew unless its page keeps it through that moment (as two-factor's setup does).
 */
function findProblem(form: HTMLFormElement): HTMLElement | null {
  const main = document.querySelector('main')
  const field = (form.isConnected ? form : main)?.querySelector<HTMLElement>(
    '[aria-invalid="true"]',
  )
  if (field) return field

  for (let scope: Element | null = form; scope; scope = scope.parentElement) {
    const message = scope.querySelector<HTMLElement>('[role="alert"]')
    if (message) return message
    if (scope === main) break
  }
  return form.isConnected ? null : (main?.querySelector<HTMLElement>('[role="alert"]') ?? null)
}

/** The page's confirmations that can take focus (Alert's), in the order they are read. */
function findMessages(): HTMLElement[] {
  const messages = document.querySelectorAll<HTMLElement>('main [role="status"][tabindex="-1"]')
  return [...messages].filter((message) => message.textContent?.trim())
}

/**
 * Where a success that kept the page is told: a confirmation it brought, the one in the form's
 * section first. A form replaced by what it asked for (two-factor's setup steps) and telling
 * nothing leaves the section's heading to name where the keyboard is.
 */
function findConfirmation(
  form: HTMLFormElement,
  before: { said: Set<HTMLElement>; section: HTMLElement | null },
): HTMLElement | null {
  const fresh = findMessages().filter((message) => !before.said.has(message))
  const confirmation =
    fresh.find((message) => before.section?.contains(message)) ?? fresh[0] ?? null
  if (confirmation || form.isConnected || !before.section?.isConnected) return confirmation

  const heading = before.section.querySelector<HTMLElement>('h2, h3')
  heading?.setAttribute('tabindex', '-1')
  return heading
}
