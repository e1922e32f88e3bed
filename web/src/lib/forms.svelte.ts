import { tick } from 'svelte'
import type { SubmitFunction } from '$app/forms'

export interface Submission {
  readonly pending: boolean
  readonly enhance: SubmitFunction
}

/**
 * State for one enhanced form: `pending` drives the button, a second press while the first is
 * in flight is dropped, and after a refusal focus moves to the first field in error (or the
 * form's message) so keyboard and screen-reader users land on the problem. With `reload`, a
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
      const target =
        formElement.querySelector<HTMLElement>('[aria-invalid="true"]') ??
        formElement.querySelector<HTMLElement>('[role="alert"]')
      target?.focus()
    }
  }

  return {
    get pending() {
      return pending
    },
    enhance,
  }
}
