#!/usr/bin/env node
/*
 * `npm run boot -- <options>`: `bootlab boot <options>` from a checkout, through the built
 * command line (out/cli, about a fifth of a second) rather than TypeScript at run time
 * (tsx, seconds). When out/cli is missing or older than any source file it is rebuilt
 * first (`npm run build:cli`, a few seconds, once); its messages go to stderr so the
 * boot's output stays clean.
 */
import { spawnSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const BUNDLE = join(ROOT, 'out', 'cli', 'launcher.mjs')
/** What the bundle is built from: the sources and the build's own configuration. */
const INPUTS = ['src', 'vite.cli.config.ts', 'vite.renderer.config.ts', 'package.json']

function newestMtime(path) {
  const s = statSync(path, { throwIfNoEntry: false })
  if (!s) return 0
  if (!s.isDirectory()) return s.mtimeMs
  let newest = s.mtimeMs
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)))
  return newest
}

const built = statSync(BUNDLE, { throwIfNoEntry: false })?.mtimeMs ?? 0
if (built < Math.max(...INPUTS.map((p) => newestMtime(join(ROOT, p))))) {
  process.stderr.write(`bootlab: ${built ? 'out/cli is older than the sources' : 'the command line is not built yet'}; building it (npm run build:cli)\n`)
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
  const r = spawnSync(npm, ['run', '--silent', 'build:cli'], { cwd: ROOT, stdio: ['ignore', 2, 2] })
  if (r.status !== 0) process.exit(r.status ?? 3)
}
process.argv = [process.argv[0], join(ROOT, 'bin', 'bootlab.mjs'), 'boot', ...process.argv.slice(2)]
await import('../bin/bootlab.mjs')
