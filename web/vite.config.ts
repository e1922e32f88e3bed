import adapter from '@sveltejs/adapter-node'
import { sveltekit } from '@sveltejs/kit/vite'
import { defineConfig } from 'vite'

// sha256 of the `style` attribute on SvelteKit's #svelte-announcer (kit/src/runtime/components/root.svelte).
const announcerStyleHash = 'sha256-S8qMpvofolR8Mpjy4kQvEm7m1q8clzU4dfDH0AmvZjo='

export default defineConfig({
  // Bun loads the shared db package (env, logger) from its TypeScript source, as the API does;
  // bundled by Vite it would lose Bun's `import.meta.dir`, which `loadEnv()` relies on.
  ssr: { external: ['@tenor/db'] },
  plugins: [
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
          'base-uri': ['self'],
          'object-src': ['none'],
        },
      },
    }),
  ],
})
