import adapter from '@sveltejs/adapter-node'
import { sveltekit } from '@sveltejs/kit/vite'
import { defineConfig, type Plugin } from 'vite'

// sha256 of the `style` attribute on SvelteKit's #svelte-announcer (kit/src/runtime/components/root.svelte).
const announcerStyleHash = 'sha256-S8qMpvofolR8Mpjy4kQvEm7m1q8clzU4dfDH0AmvZjo='

/**
 * The shared `@tenor/db/*` modules (env, logger) are left for Bun to load from their TypeScript
 * source at run time, as the API does: bundled, or run by Vite's dev module runner, they lose
 * Bun's `import.meta.dir`, which `loadEnv()` uses to find the repository root. In dev the exact
 * ids in `ssr.external` do it; the build ignores those for `.ts` files outside node_modules,
 * hence this plugin.
 */
const sharedDbModules = ['@tenor/db/env', '@tenor/db/logger']

function loadTenorDbFromSource(): Plugin {
  return {
    name: 'tenor:load-db-from-source',
    apply: 'build',
    enforce: 'pre',
    applyToEnvironment: (environment) => environment.name === 'ssr',
    resolveId: (id) => (id.startsWith('@tenor/db/') ? { id, external: true } : null),
  }
}

export default defineConfig({
  ssr: { external: sharedDbModules },
  plugins: [
    loadTenorDbFromSource(),
    sveltekit({
      adapter: adapter({ out: 'build' }),
      compilerOptions: { runes: true },
      // Kit adds a nonce to its own inline scripts; everything else must come from this origin.
      csp: {
        mode: 'auto',
        directives: {
          'default-src': ['self'],
          'script-src': ['self'],
          // Kit's route announcer carries one fixed inline style; allow exactly that one.
          // If a Kit upgrade changes it, the browser reports a CSP violation on navigation.
          'style-src': ['self', 'unsafe-hashes', announcerStyleHash],
          'img-src': ['self', 'data:'],
          'font-src': ['self'],
          'connect-src': ['self'],
          'form-action': ['self'],
          'frame-ancestors': ['none'],
          // No <base> element anywhere: nothing injected can re-point relative URLs.
          'base-uri': ['none'],
          'object-src': ['none'],
        },
      },
    }),
  ],
})
