import {
  type AccountBase,
  AccountHolderCategory,
  AccountSubtype,
  AccountType,
  EmailTypeEnum,
  type Owner,
  PhoneNumberTypeEnum,
  Products,
} from 'plaid'
import { invalidCredentials, invalidField, invalidInput } from './errors.ts'
import { isRecord, readOptionalEnum, readOptionalString } from './fields.ts'
import { createPlaidObjectId } from './ids.ts'

export interface SandboxInstitution {
  institutionId: string
  name: string
}

/** Plaid's non-OAuth Sandbox institutions; every one of them supports Transfer. */
export const sandboxInstitutions: SandboxInstitution[] = [
  { institutionId: 'ins_109508', name: 'First Platypus Bank' },
  { institutionId: 'ins_109509', name: 'First Gingham Credit Union' },
  { institutionId: 'ins_109510', name: 'Tattersall Federal Credit Union' },
  { institutionId: 'ins_109511', name: 'Tartan Bank' },
]

export const supportedProducts: Products[] = [
  Products.Auth,
  Products.Balance,
  Products.Identity,
  Products.Transactions,
  Products.Transfer,
]

export function findInstitution(institutionId: string): SandboxInstitution {
  const institution = sandboxInstitutions.find((entry) => entry.institutionId === institutionId)
  if (!institution) throw invalidInput('INVALID_INSTITUTION', 'invalid institution_id provided')

  return institution
}

interface AccountTemplate {
  name: string
  officialName: string
  mask: string
  type: AccountType
  subtype: AccountSubtype
  available: number | null
  current: number
  limit: number | null
}

// Plaid's user_good starts with $100 in checking; these are larger so that note purchases work in
// the demo. A custom user (user_custom) sets any balance, including zero.
const userGoodAccounts: AccountTemplate[] = [
  {
    name: 'Plaid Checking',
    officialName: 'Plaid Gold Standard 0% Interest Checking',
    mask: '0000',
    type: AccountType.Depository,
    subtype: AccountSubtype.Checking,
    available: 25_000,
    current: 25_100,
    limit: null,
  },
  {
    name: 'Plaid Saving',
    officialName: 'Plaid Silver Standard 0.1% Interest Saving',
    mask: '1111',
    type: AccountType.Depository,
    subtype: AccountSubtype.Savings,
    available: 50_000,
    current: 50_010,
    limit: null,
  },
  {
    name: 'Plaid Credit Card',
    officialName: 'Plaid Diamond 12.5% APR Interest Credit Card',
    mask: '3333',
    type: AccountType.Credit,
    subtype: AccountSubtype.CreditCard,
    available: null,
    current: 410,
    limit: 2_000,
  },
]

/**
 * Answers the accounts a Sandbox login opens: user_good/pass_good, or user_custom with a JSON
 * configuration as the password (Plaid's custom-user format, `override_accounts` only).
 */
export function openSandboxAccounts(username: string, password: string): AccountBase[] {
  if (username === 'user_good' && password === 'pass_good') return userGoodAccounts.map(toAccount)
  if (username === 'user_custom') return parseCustomUser(password).map(toAccount)

  throw invalidCredentials()
}

function parseCustomUser(password: string): AccountTemplate[] {
  let config: unknown
  try {
    config = JSON.parse(password)
  } catch {
    throw invalidCredentials()
  }
  const overrides = isRecord(config) ? config.override_accounts : undefined
  if (!Array.isArray(overrides) || overrides.length === 0) {
    throw invalidField('a user_custom password must hold a non-empty override_accounts list')
  }

  return overrides.map((override, index) => readOverride(override, index))
}

function readOverride(override: unknown, index: number): AccountTemplate {
  if (!isRecord(override)) throw invalidField(`override_accounts[${index}] must be an object`)

  const type = readOptionalEnum(override, 'type', AccountType) ?? AccountType.Depository
  const subtype = readOptionalEnum(override, 'subtype', AccountSubtype) ?? AccountSubtype.Checking
  const starting = typeof override.starting_balance === 'number' ? override.starting_balance : 0
  const forced = override.force_available_balance
  const meta = isRecord(override.meta) ? override.meta : {}

  return {
    name: readOptionalString(meta, 'name') ?? `Custom ${subtype}`,
    officialName: readOptionalString(meta, 'official_name') ?? `Custom ${subtype} account`,
    mask: readOptionalString(meta, 'mask') ?? String(index).padStart(4, '0'),
    type,
    subtype,
    available: typeof forced === 'number' ? forced : starting,
    current: starting,
    limit: null,
  }
}

function toAccount(template: AccountTemplate): AccountBase {
  return {
    account_id: createPlaidObjectId(),
    balances: {
      available: template.available,
      current: template.current,
      iso_currency_code: 'USD',
      limit: template.limit,
      unofficial_currency_code: null,
    },
    holder_category: AccountHolderCategory.Personal,
    mask: template.mask,
    name: template.name,
    official_name: template.officialName,
    subtype: template.subtype,
    type: template.type,
  }
}

/** The Sandbox account holder that /identity/get reports for every account. */
export function sandboxOwners(): Owner[] {
  return [
    {
      names: ['Alberta Bobbeth Charleson'],
      phone_numbers: [
        { data: '+1 111-555-3333', primary: false, type: PhoneNumberTypeEnum.Home },
        { data: '+1 111-555-4444', primary: true, type: PhoneNumberTypeEnum.Mobile },
      ],
      emails: [{ data: 'accountholder0@example.com', primary: true, type: EmailTypeEnum.Primary }],
      addresses: [
        {
          data: {
            city: 'Malakoff',
            country: 'US',
            postal_code: '14236',
            region: 'NY',
            street: '2992 Cameron Road',
          },
          primary: true,
        },
      ],
    },
  ]
}
