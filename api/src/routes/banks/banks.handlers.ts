import type { RouteHandler } from '@hono/zod-openapi'
import { CountryCode, DepositoryAccountSubtype, Products } from 'plaid'
import type { AppDeps, AuthedEnv } from '../../context.ts'
import { ApiError, emailNotVerified, notFound } from '../../lib/errors.ts'
import {
  findOwnItem,
  listBanks,
  openAccessToken,
  refreshItem,
  removeItem,
} from '../../plaid/banks.ts'
import { callPlaid, isPlaidFailure, plaidApiError, toPlaidFailure } from '../../plaid/errors.ts'
import { isDuplicateItem, type LinkRefusal, linkItem } from '../../plaid/link-item.ts'
import type * as routes from './banks.routes.ts'

/**
 * Runs a Plaid-backed step, turning Plaid failures into clear API errors. Anything else (the
 * database, a bug) goes on to the final error handler, which logs it as it is.
 */
async function viaPlaid<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    if (!isPlaidFailure(error)) throw error
    throw plaidApiError(toPlaidFailure(error))
  }
}

const linkRefusals: Record<LinkRefusal, () => ApiError> = {
  duplicate_bank: () =>
    new ApiError(
      409,
      'duplicate_bank',
      'This bank is already linked to your account. Use it as it is, or remove it from your banks page first to link it again.',
    ),
  // Plaid exchanges a public token once: most often the same form sent twice.
  public_token_spent: () =>
    new ApiError(
      409,
      'bank_link_used',
      'This bank link was already finished, or it expired. Your banks page shows the banks that are linked; link the bank again if it is not there.',
    ),
}

/**
 * A bank is linked only to an account whose address is confirmed: one registered in someone
 * else's name must not hold a bank of its registrant's when the address's owner takes it back.
 */
const confirmEmailFirst = () =>
  emailNotVerified(
    'Confirm your email address before linking a bank. Open the link we emailed you.',
  )

export function createBankHandlers(deps: AppDeps) {
  const { database, env, plaid, clock } = deps

  const list: RouteHandler<typeof routes.listBanks, AuthedEnv> = async (c) =>
    c.json({ banks: await listBanks(database, c.get('user').id) }, 200)

  const linkToken: RouteHandler<typeof routes.createLinkToken, AuthedEnv> = async (c) => {
    const { itemId } = c.req.valid('json')
    const user = c.get('user')
    const item = itemId ? await findOwnItem(database, user.id, itemId) : null
    if (itemId && !item) throw notFound('bank')
    if (!item && !user.emailVerified) throw confirmEmailFirst()

    const answer = await viaPlaid(() =>
      callPlaid(() =>
        plaid.linkTokenCreate({
          client_name: 'Tenor',
          language: 'en',
          country_codes: [CountryCode.Us],
          user: { client_user_id: user.id },
          webhook: env.plaid.webhookUrl,
          // An OAuth bank sends the investor back here, where Link picks up where it left off.
          ...(env.plaid.redirectUri ? { redirect_uri: env.plaid.redirectUri } : {}),
          ...(item
            ? { access_token: openAccessToken(item, env.encryptionKeys) }
            : {
                products: [Products.Transfer],
                account_filters: {
                  depository: {
                    account_subtypes: [
                      DepositoryAccountSubtype.Checking,
                      DepositoryAccountSubtype.Savings,
                    ],
                  },
                },
              }),
        }),
      ),
    )
    return c.json(
      {
        linkToken: answer.link_token,
        expiration: answer.expiration,
        mode: item ? 'update' : 'new',
      } as const,
      200,
    )
  }

  const link: RouteHandler<typeof routes.linkBank, AuthedEnv> = async (c) => {
    const input = c.req.valid('json')
    const user = c.get('user')
    const log = c.get('log')
    if (!user.emailVerified) throw confirmEmailFirst()
    const masks = input.accounts.map((account) => account.mask)
    if (await isDuplicateItem(database.db, user.id, input.institutionId, masks)) {
      log.info('bank link refused before the exchange', { userId: user.id, reason: 'duplicate' })
      throw linkRefusals.duplicate_bank()
    }

    const linked = await viaPlaid(() =>
      linkItem(deps, { userId: user.id, publicToken: input.publicToken, now: clock.now() }),
    )
    if ('refused' in linked) {
      log.info('bank link refused', { userId: user.id, reason: linked.refused })
      throw linkRefusals[linked.refused]()
    }

    log.info('bank linked', { userId: user.id, itemId: linked.bank.id })
    return c.json({ bank: linked.bank }, 201)
  }

  const reconnected: RouteHandler<typeof routes.markReconnected, AuthedEnv> = async (c) => {
    const item = await findOwnItem(database, c.get('user').id, c.req.valid('param').itemId)
    if (!item) throw notFound('bank')
    const bank = await viaPlaid(() => refreshItem(deps, item, clock.now()))
    return c.json({ bank }, 200)
  }

  const remove: RouteHandler<typeof routes.removeBank, AuthedEnv> = async (c) => {
    const item = await findOwnItem(database, c.get('user').id, c.req.valid('param').itemId)
    if (!item) throw notFound('bank')
    await viaPlaid(() => removeItem(deps, item, clock.now()))
    c.get('log').info('bank removed', { userId: c.get('user').id, itemId: item.id })
    return c.json({ message: 'The bank is removed.' }, 200)
  }

  return { list, linkToken, link, reconnected, remove }
}
