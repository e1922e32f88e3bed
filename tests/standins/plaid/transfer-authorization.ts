import {
  ACHClass,
  type AccountBase,
  AccountSubtype,
  AccountType,
  TransferAuthorizationDecision as Decision,
  TransferAuthorizationDecisionRationaleCode as Rationale,
  type TransferAuthorization,
  type TransferAuthorizationCreateResponse,
  type TransferAuthorizationDecisionRationale,
  TransferCreditFundsSource,
  TransferNetwork,
  TransferType,
} from 'plaid'
import type { Handler } from './context.ts'
import { invalidField, invalidInput, missingFields, transferError } from './errors.ts'
import {
  readEnum,
  readObject,
  readOptionalEnum,
  readOptionalString,
  readString,
  requireFields,
} from './fields.ts'
import { findItem, needsLogin } from './item-records.ts'
import type { ItemRecord, StandInState } from './state.ts'
import { nullSdkEnum, toTransferUser } from './transfer-records.ts'
import { formatCents, formatTimestamp, parseAmountCents } from './values.ts'

// Per-transfer network limits from Plaid's Transfer errors page, in cents.
const networkLimitCents: Record<TransferNetwork, number> = {
  [TransferNetwork.Ach]: 1_000_000_000,
  [TransferNetwork.SameDayAch]: 100_000_000,
  [TransferNetwork.Rtp]: 100_000_000,
  [TransferNetwork.Rfp]: 100_000_000,
  [TransferNetwork.Wire]: 99_999_999,
}

const transferableSubtypes = [
  AccountSubtype.Checking,
  AccountSubtype.Savings,
  AccountSubtype.CashManagement,
]

export const createAuthorization: Handler = ({ body, state, now, requestId }) => {
  requireFields(body, ['access_token', 'account_id', 'type', 'network', 'amount', 'user'])
  const user = readObject(body, 'user')
  requireFields(user, ['legal_name'], 'user.')
  const idempotencyKey = readOptionalString(body, 'idempotency_key')
  if (idempotencyKey && idempotencyKey.length > 50) {
    throw invalidField('idempotency_key must be at most 50 characters')
  }

  // The same key answers the authorization it first produced, whatever this request says.
  const knownId = idempotencyKey ? state.authorizationKeys[idempotencyKey] : undefined
  const known = knownId ? state.authorizations[knownId] : undefined
  if (known) return { body: answer(known.authorization, requestId) }

  const item = findItem(state, body)
  const account = findTransferAccount(item, readString(body, 'account_id'))
  const type = readEnum(body, 'type', TransferType)
  const network = readEnum(body, 'network', TransferNetwork)
  const achClass = readOptionalEnum(body, 'ach_class', ACHClass)
  const isAch = network === TransferNetwork.Ach || network === TransferNetwork.SameDayAch
  if (isAch && !achClass) throw missingFields(['ach_class'])
  const cents = parseAmountCents('amount', readString(body, 'amount'))
  if (cents > networkLimitCents[network]) {
    throw transferError(
      'TRANSFER_NETWORK_LIMIT_EXCEEDED',
      `transfer amount exceeds the ${network} network limit`,
    )
  }

  const rationale = decide(state, item, account, type, cents)
  const declined = rationale !== null && isDeclineCode(rationale.code)
  const authorization: TransferAuthorization = {
    created: formatTimestamp(now),
    decision: declined ? Decision.Declined : Decision.Approved,
    decision_rationale: rationale,
    guarantee_decision: nullSdkEnum(),
    guarantee_decision_rationale: null,
    id: crypto.randomUUID(),
    payment_risk: null,
    proposed_transfer: {
      account_id: account.account_id,
      amount: formatCents(cents),
      credit_funds_source:
        type === TransferType.Credit ? TransferCreditFundsSource.Sweep : nullSdkEnum(),
      funding_account_id: null,
      iso_currency_code: 'USD',
      ledger_id: state.ledger.id,
      network,
      origination_account_id: '',
      originator_client_id: null,
      requested_amount: formatCents(cents),
      type,
      user: toTransferUser(user),
      ...(achClass ? { ach_class: achClass } : {}),
    },
  }
  state.authorizations[authorization.id] = {
    authorization,
    accessToken: item.accessToken,
    transferId: null,
  }
  if (idempotencyKey) state.authorizationKeys[idempotencyKey] = authorization.id

  return { body: answer(authorization, requestId) }
}

function answer(authorization: TransferAuthorization, requestId: string) {
  return { authorization, request_id: requestId } satisfies TransferAuthorizationCreateResponse
}

function findTransferAccount(item: ItemRecord, accountId: string): AccountBase {
  const account = item.accounts.find((candidate) => candidate.account_id === accountId)
  if (!account)
    throw invalidInput('INVALID_ACCOUNT_ID', 'one or more of the account IDs is invalid')

  const subtype = account.subtype
  if (
    account.type !== AccountType.Depository ||
    !subtype ||
    !transferableSubtypes.includes(subtype)
  ) {
    throw transferError(
      'TRANSFER_UNSUPPORTED_ACCOUNT_TYPE',
      'transfers are only supported for checking, savings and cash management accounts',
    )
  }

  return account
}

function isDeclineCode(code: Rationale): boolean {
  return (
    code === Rationale.Nsf || code === Rationale.Risk || code === Rationale.TransferLimitReached
  )
}

/**
 * Plaid's Sandbox rules: a debit up to the available balance is approved, above it is declined
 * NSF, and a zero balance is declined RISK. An Item needing login is approved with the
 * ITEM_LOGIN_REQUIRED rationale (the behaviour since August 2025). A credit draws on the Ledger.
 */
function decide(
  state: StandInState,
  item: ItemRecord,
  account: AccountBase,
  type: TransferType,
  cents: number,
): TransferAuthorizationDecisionRationale | null {
  if (type === TransferType.Credit && cents > state.ledger.availableCents) {
    return {
      code: Rationale.Nsf,
      description: 'The Plaid Ledger available balance is insufficient for this transfer.',
    }
  }
  if (needsLogin(item)) {
    return {
      code: Rationale.ItemLoginRequired,
      description:
        'Unable to collect the account information due to Item staleness. Can be resolved by using Link.',
    }
  }
  if (type === TransferType.Credit) return null

  const balance = account.balances.available ?? account.balances.current ?? 0
  const availableCents = Math.round(balance * 100)
  if (availableCents <= 0) return { code: Rationale.Risk, description: 'Transaction is high-risk.' }
  if (cents > availableCents) {
    return {
      code: Rationale.Nsf,
      description: 'Transaction likely to result in a return due to insufficient funds.',
    }
  }

  return null
}
