import type { Logger } from '@tenor/db/logger'
import type { ApiClient, SessionUser } from '#lib/server/api.ts'

declare global {
  namespace App {
    interface Error {
      status: number
      message: string
      /** Shown on the error page so support can find the request in the logs. */
      requestId?: string
    }

    interface Locals {
      requestId: string
      log: Logger
      /** The API client for this request, carrying the session token when there is one. */
      api: ApiClient
      user: SessionUser | null
      /** Names of the user's banks that need signing in again, for the banner on every page. */
      banksToReconnect: string[]
      /** Signed in with a password; the authenticator code is still owed. */
      pendingTwoFactor: boolean
      /**
       * The cookie named a session that has ended (logged out everywhere, a password changed
       * elsewhere, the account disabled, expired): a page that needs one says so at sign-in.
       */
      sessionEnded: boolean
    }

    interface PageData {
      user: SessionUser | null
    }
  }
}
