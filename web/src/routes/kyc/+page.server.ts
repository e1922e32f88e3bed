import { readFields, readForm, rejectForm, rejectWithProblem } from '#lib/server/forms.ts'
import { requireUser } from '#lib/server/guards.ts'
import { kycFormFields as fields, getKyc, submitKyc } from '#lib/server/kyc.ts'
import type { UsRegion } from '#lib/us-regions.ts'
import type { Actions, PageServerLoad } from './$types'

export const load: PageServerLoad = async (event) => {
  const user = requireUser(event)

  return {
    kyc: await getKyc(event.locals.api),
    email: user.email,
    emailVerified: user.emailVerified,
    legalName: user.legalName,
  }
}

export const actions: Actions = {
  default: async (event) => {
    requireUser(event)

    const input = readFields(await readForm(event.request), fields)
    // Everything but the tax id goes back with a refusal, so nothing else is typed twice.
    const { taxId, ...kept } = input
    const taxIdKind = input.taxIdKind === 'itin' ? 'itin' : 'ssn'
    // The API judges every field. The casts only let an unchecked box or an unchosen state
    // reach it, so its 422 names them in its own words alongside the other fields.
    const outcome = await submitKyc(event.locals.api, {
      legalName: input.legalName,
      dateOfBirth: input.dateOfBirth.trim(),
      address: {
        line1: input.line1,
        line2: input.line2.trim() ? input.line2 : undefined,
        city: input.city,
        region: input.region as UsRegion,
        postalCode: input.postalCode,
      },
      taxIdKind,
      taxId,
      attestation: (input.attestation === 'yes') as true,
    })
    if (outcome.ok) {
      event.locals.log.info('kyc sent for review')
      return { form: 'kyc', submitted: true }
    }

    const { problem } = outcome
    if (problem.code === 'email_not_verified') {
      return rejectForm(403, {
        form: 'kyc',
        values: kept,
        message: 'Confirm your email address first: open the link we emailed you.',
      })
    }
    // The API names address fields `address.city` and so on; the form calls them `city`.
    const issues = problem.issues.map((issue) => ({
      ...issue,
      path: issue.path.replace(/^address\./, ''),
    }))
    return rejectWithProblem({ ...problem, issues }, 'kyc', fields, kept)
  },
}
