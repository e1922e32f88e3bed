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
 * everyone lands on the problem, on a phone too. With `reload`, a
 * refusal also reloads the page's data, as a form posted without JavaScript does: for pages
 * whose terms can change under the form (a rate, what is left to sell).
 */
export function createSubmission(options: { reset?: boolean; reload?: boolean } = {}): Submission {
  let pending = $state(false)

  const enhance: SubmitFunction = ({ cancel }) => {
    if (pending) {
      cancel()
      return
    }
    pending = true

    return async ({ result, update, formElement }) => {
      try {
        // `reload` asks for the page's data again after a refusal too, not only after a success.
        await update({ reset: options.reset ?? true, refreshAll: options.reload || undefined })
      } finally {
        pending = false
      }
      if (result.type !== 'failure') return

      await tick()
      findProblem(formElement)?.focus()
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
 * `form` says so (two-factor's setup steps): SvelteKit sets `form` to null for a moment as it
 * applies a refusal, which draws such a form anew.
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
