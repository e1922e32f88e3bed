export * from './banks.ts'
export * from './offerings.ts'
export * from './outbox.ts'
export * from './users.ts'
