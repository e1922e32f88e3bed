import { defineConfig } from 'drizzle-kit'

// Only generates migrations from the schema; applying them is `bun run db:migrate`.
export default defineConfig({
  dialect: 'turso',
  schema: './src/schema/index.ts',
  out: './drizzle',
  casing: 'snake_case',
})
