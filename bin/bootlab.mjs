#!/usr/bin/env node
// The installed `bootlab` command: runs the bundle `npm run build` writes to out/cli (no TypeScript at run time).
let bootlab
try {
  bootlab = await import('../out/cli/bootlab.mjs')
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('bootlab.mjs')) throw error
  console.error('bootlab: this checkout is not built yet; run `npm run build` first')
  process.exit(3)
}
// `bootlab boot --json | head` closes the pipe early: drop the rest of the output, keep the exit status.
process.stdout.on('error', (error) => {
  if (error.code !== 'EPIPE') throw error
})
process.exitCode = await bootlab.main(process.argv.slice(2))
