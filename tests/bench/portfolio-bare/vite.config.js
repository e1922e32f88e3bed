import adapter from '@sveltejs/adapter-node'
import { sveltekit } from '@sveltejs/kit/vite'
import { defineConfig } from 'vite'

// The site's compiler and adapter settings, without its hooks, layout, API client or CSP.
export default defineConfig({
  // Inside this app's own folder: its node_modules is a link to the site's.
  cacheDir: '.vite',
  plugins: [
    sveltekit({
      adapter: adapter({ out: 'build' }),
      compilerOptions: { runes: true },
    }),
  ],
})
