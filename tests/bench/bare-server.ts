/**
 * The ceiling for the public read: a bare Bun.serve answering the exact bytes Tenor's API gave
 * for the same request, with the same content type.
 *   bun tests/bench/bare-server.ts PORT FILE
 */
export {}

const [port, file] = Bun.argv.slice(2)
const body = await Bun.file(file ?? '').bytes()
Bun.serve({
  port: Number(port),
  hostname: '127.0.0.1',
  fetch: () => new Response(body, { headers: { 'content-type': 'application/json' } }),
})
process.stdout.write('ready\n')
